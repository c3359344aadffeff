import * as fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from '../src/private/yaml';

// The YAML writer behind rendered workflows and the CLI's templates. A reader must get
// back exactly the data that was written, whether it follows YAML 1.2 (GitHub,
// actionlint) or YAML 1.1 (PyYAML, which cfn-lint uses).

const SEED = Number(process.env.FC_SEED ?? 20261125);

const tricky = fc.constantFrom(
  '', ' ', 'on', 'off', 'yes', 'No', 'null', '~', 'true', '2012-10-17', '0x1F', '1e3', '012', '1_000', '12:30',
  '- x', '? x', ': x', '#x', 'a #b', 'a: b', 'a:b', '*x', '&x', '!x', '%x', '@x', '`x', '|', '>', '"', "'",
  '{a}', '[a]', 'a\nb', 'a\n', '\nb', ' a\nb', 'a \nb', 'a\n\n', 'tab\there', '${{ github.sha }}', 'arn:aws:iam::aws:policy/X',
  'Fn::GetAtt', '\u00e9t\u00e9', '\\', 'a\rb',
);
const text = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
const json = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

describe('toYaml', () => {
  test('round-trips any JSON value through a YAML 1.2 reader', () => {
    fc.assert(fc.property(json, value => {
      expect(parse(toYaml(value))).toEqual(normalize(value));
    }), { seed: SEED, numRuns: 500 });
  });

  test('round-trips any JSON value through a YAML 1.1 reader', () => {
    fc.assert(fc.property(json, value => {
      expect(parse(toYaml(value), { version: '1.1' })).toEqual(normalize(value));
    }), { seed: SEED, numRuns: 500 });
  });

  test('writes workflow-shaped data the way people write it', () => {
    expect(toYaml({ on: { push: { branches: ['main'] } }, steps: [{ run: 'a\nb\n' }, { run: 'c' }], with: {} })).toBe([
      '"on":',
      '  push:',
      '    branches:',
      '      - main',
      'steps:',
      '  - run: |',
      '      a',
      '      b',
      '  - run: c',
      'with: {}',
      '',
    ].join('\n'));
  });

  test('refuses values JSON cannot hold', () => {
    expect(() => toYaml(Infinity)).toThrow(/Cannot write Infinity as YAML/);
    expect(() => toYaml(() => 1)).toThrow(/Cannot write a function as YAML/);
  });
});

/** -0 reads back as 0; everything else as written. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
