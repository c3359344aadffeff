/**
 * A small YAML writer for JSON-shaped data (objects, arrays, strings, numbers,
 * booleans, null), enough for GitHub workflows and CloudFormation templates.
 *
 * Strings are written plain only when no YAML 1.1 or 1.2 reader could take them
 * for anything but the same string; otherwise they are double-quoted as JSON
 * strings, which YAML reads the same way. Multi-line strings become literal blocks.
 */
export function toYaml(value: unknown): string {
  return `${render(value).join('\n')}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const INDENT = '  ';
// Plain scalars: start with a letter, `$`, `/` or `_`; then word characters and a few safe punctuation marks.
const SAFE_PLAIN = /^[A-Za-z_$/][A-Za-z0-9 _.,/$@+=()'{}~*-]*$/;
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*(?:::[A-Za-z0-9_.-]+)*$/;
// Words that YAML 1.1 readers (PyYAML, and so cfn-lint) take for booleans or null.
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function render(value: unknown): string[] {
  const json = value as Json;
  if (Array.isArray(json)) {
    if (json.length === 0) return ['[]'];
    return json.flatMap(item => prefixFirst(render(item), '- ', '  '));
  }
  if (json !== null && typeof json === 'object') {
    const entries = Object.entries(json).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return ['{}'];
    return entries.flatMap(([key, child]) => renderEntry(key, child));
  }
  return [scalar(json)];
}

function renderEntry(key: string, child: Json): string[] {
  const label = `${SAFE_KEY.test(key) && !RESERVED.test(key) ? key : JSON.stringify(key)}:`;
  if (typeof child === 'string' && isBlockable(child)) {
    const indicator = child.endsWith('\n') ? '|' : '|-';
    const lines = child.replace(/\n$/, '').split('\n');
    return [`${label} ${indicator}`, ...lines.map(line => (line === '' ? '' : `${INDENT}${line}`))];
  }
  const rendered = render(child);
  const isCollection = child !== null && typeof child === 'object' && rendered[0] !== '[]' && rendered[0] !== '{}';
  if (!isCollection) {
    return [`${label} ${rendered[0]}`];
  }
  return [label, ...rendered.map(line => (line === '' ? '' : `${INDENT}${line}`))];
}

/**
 * Multi-line strings that a literal block (`|` or `|-`) reproduces exactly.
 */
function isBlockable(value: string): boolean {
  return value.includes('\n')
    && value.trim() !== ''
    && !/^[ \t]/.test(value)
    && !value.endsWith('\n\n')
    && !/[\r\t]|[ ]\n|[ ]$/.test(value)
    && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value);
}

function prefixFirst(lines: string[], first: string, rest: string): string[] {
  return lines.map((line, index) => (index === 0 ? `${first}${line}` : line === '' ? '' : `${rest}${line}`));
}

function scalar(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value !== 'string') throw new Error(`Cannot write a ${typeof value} as YAML`);
  const plain = SAFE_PLAIN.test(value)
    && !RESERVED.test(value)
    && !value.endsWith(' ')
    && !value.includes(' #')
    && !value.includes(': ');
  return plain ? value : JSON.stringify(value);
}
