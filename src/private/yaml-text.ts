import type * as YAML from 'yaml';

/**
 * The YAML text of JSON-shaped data (objects, arrays, strings, numbers, booleans,
 * null): rendered GitHub workflows and the command line's CloudFormation templates.
 * The `yaml` library writes it; this module only chooses its options.
 *
 * Any reader gets back exactly the data, whether it follows YAML 1.2 (GitHub,
 * actionlint) or YAML 1.1 (PyYAML, and so cfn-lint):
 *
 * - `schema: 'core'` with `compat: 'yaml-1.1'`: a string is written plain only if
 *   neither schema resolves it to something else, so `on`, `no`, `y`, `~`, `012`,
 *   `0o17`, `12:30`, `2012-10-17` and `<<` are quoted (the workflow's `on` key comes
 *   out as `"on":`, which GitHub and actionlint read as `on` and PyYAML does not read
 *   as `True`).
 * - A few strings that PyYAML reads differently from the YAML 1.1 schema are also
 *   quoted: `=` (PyYAML's `value` tag, which it cannot load), a tab outside a
 *   literal block, and U+0085, U+2028, U+2029 (line breaks in YAML 1.1), a byte order
 *   mark and the characters PyYAML refuses to read raw, which the quoted text then
 *   escapes. A string alone at the top is quoted, as PyYAML wants a literal block
 *   indented.
 * - `doubleQuotedAsJSON`, `singleQuote: false`: quoted strings are JSON strings, on
 *   one line, whose escapes mean the same in both versions.
 * - Numbers in exponent form get a fraction (`1.0e+21`): PyYAML reads `1e+21` as a
 *   string.
 *
 * The text stays stable and readable: keys in insertion order, block style,
 * multi-line strings (shell scripts) as literal blocks (`blockQuote: 'literal'`,
 * never folded), no folding of long lines (`lineWidth: 0`), and a repeated object
 * written out again rather than as an anchor and alias (`aliasDuplicateObjects: false`).
 *
 * Values JSON cannot hold (functions, `Infinity`, ...) are refused.
 */
export function toYaml(value: unknown): string {
  // Loaded on first use, not with the module: synthesizing constructs renders no YAML.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml: typeof YAML = require('yaml');
  const document = new yaml.Document(value, { ...OPTIONS, customTags: tags => [EXPONENT, ...tags] });
  yaml.visit(document, {
    Scalar(_key, node, path) {
      const scalar = node.value;
      if (typeof scalar === 'string') {
        const atTop = path.length === 1;
        if (PYYAML_QUOTED.test(scalar) || (atTop && scalar.includes('\n')) || (scalar.includes('\t') && !scalar.includes('\n'))) {
          node.type = 'QUOTE_DOUBLE';
        }
      } else if (!isJsonScalar(scalar)) {
        throw new Error(`Cannot write ${typeof scalar === 'number' ? scalar : `a ${typeof scalar}`} as YAML`);
      }
    },
  });
  // Only double-quoted (JSON) strings hold these characters; YAML escapes them there.
  return document.toString(OPTIONS).replace(ESCAPED, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const OPTIONS = {
  schema: 'core',
  compat: 'yaml-1.1',
  aliasDuplicateObjects: false,
  blockQuote: 'literal',
  doubleQuotedAsJSON: true,
  singleQuote: false,
  lineWidth: 0,
} as const satisfies YAML.DocumentOptions & YAML.SchemaOptions & YAML.CreateNodeOptions & YAML.ToStringOptions;

// Characters a YAML 1.1 reader takes for line breaks or will not read raw.
const ESCAPED = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const PYYAML_QUOTED = /^=$|[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

function isJsonScalar(value: unknown): boolean {
  return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Numbers that JavaScript writes with an exponent and no fraction (`1e+21`), written
 * with one (`1.0e+21`). First among the tags, so that it wins over `int` and `float`.
 */
const EXPONENT: YAML.ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: value => typeof value === 'number' && Number.isFinite(value) && String(value).includes('e'),
  test: /^-?[0-9]+(?:\.[0-9]+)?e[-+][0-9]+$/,
  resolve: text => Number(text),
  stringify: ({ value }) => String(value).replace(/^(-?[0-9]+)e/, '$1.0e'),
};
