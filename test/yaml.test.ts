import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from '../src/private/yaml-text';

// The YAML writer behind rendered workflows and the CLI's templates. A reader must get
// back exactly the data that was written, whether it follows YAML 1.2 (GitHub,
// actionlint) or YAML 1.1 (PyYAML, which cfn-lint uses). PyYAML itself reads what these
// tests write to test-reports/yaml (test/python/test_yaml_readers.py).

const SEED = Number(process.env.FC_SEED ?? 20261125);

const tricky = fc.constantFrom(
  '', ' ', 'on', 'off', 'yes', 'No', 'null', '~', 'true', '2012-10-17', '0x1F', '1e3', '012', '1_000', '12:30',
  '- x', '? x', ': x', '#x', 'a #b', 'a: b', 'a:b', '*x', '&x', '!x', '%x', '@x', '`x', '|', '>', '"', "'",
  '{a}', '[a]', 'a\nb', 'a\n', '\nb', ' a\nb', 'a \nb', 'a\n\n', 'tab\there', '${{ github.sha }}', 'arn:aws:iam::aws:policy/X',
  'Fn::GetAtt', '\u00e9t\u00e9', '\\', 'a\rb',
  // Read differently by YAML 1.1, by PyYAML, or by both.
  'y', 'N', '0o17', '0b101', '1:20:30', '.inf', '.NaN', '<<', '=', '---', '...', '--- x', 'a\n---\nb', '%x\ny',
  '\t', 'a\tb', 'a\tb\nc', 'a\u0085b', 'a\u2028b', 'a\nb\u2029c', '\ufeffx', 'x\ufeff', '\u007f', '\ud83d\ude00', '\ud800',
  'x'.repeat(1100),
);
const text = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
const json = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.constantFrom(1e21, -5e-324, 1.5e-7, 2 ** 53),
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

  test('leaves a sample of values with their YAML for the PyYAML suite', () => {
    const values = [
      ...fc.sample(json, { seed: SEED, numRuns: 500 }),
      ...fc.sample(tricky, { seed: SEED, numRuns: 200 }).flatMap(s => [s, [s], { [s]: s }, { k: { [s]: [s, { [s]: s }] } }]),
    ];
    // A lone surrogate is no Unicode text: no file holds one, and libyaml refuses its escape.
    const cases = values.filter(isUnicode).map(value => ({ value: normalize(value), yaml: toYaml(value) }));
    fs.mkdirSync(READER_DIR, { recursive: true });
    fs.writeFileSync(path.join(READER_DIR, 'cases.json'), JSON.stringify(cases));
    for (const { value, yaml } of cases) expect(parse(yaml, { version: '1.1' })).toEqual(value);
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

  test('loads the yaml library only to render, not to synthesize', () => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('yaml', () => {
        loaded = true;
        return jest.requireActual('yaml');
      });
      /* eslint-disable @typescript-eslint/no-require-imports */
      const cdk: typeof import('aws-cdk-lib') = require('aws-cdk-lib');
      const lib: typeof import('../src') = require('../src');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const stack = new cdk.Stack(new cdk.App(), 'Ci', { env: { account: '123456789012', region: 'us-east-1' } });
      const role = new lib.GitHubActionsRole(stack, 'Deploy', {
        provider: new lib.GitHubOidcProvider(stack, 'GitHub'),
        subjects: [lib.GitHubRepository.of('octo-org', 'octo-app').branch('main')],
      });
      cdk.App.of(stack)!.synth();
      expect(loaded).toBe(false);
      role.renderWorkflow();
      expect(loaded).toBe(true);
    });
  });

  test('refuses values JSON cannot hold', () => {
    expect(() => toYaml(Infinity)).toThrow(/Cannot write Infinity as YAML/);
    expect(() => toYaml(() => 1)).toThrow(/Cannot write a function as YAML/);
  });
});

const READER_DIR = path.join(__dirname, '..', 'test-reports', 'yaml');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isUnicode(value: unknown): boolean {
  let unicode = true;
  JSON.stringify(value, (key, child) => {
    if (LONE_SURROGATE.test(key) || (typeof child === 'string' && LONE_SURROGATE.test(child))) unicode = false;
    return child;
  });
  return unicode;
}

/** -0 reads back as 0; everything else as written. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
