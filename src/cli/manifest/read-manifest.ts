import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { FieldSchema, MANIFEST } from './manifest-schema';
import { editDistance } from '../../private/edit-distance';
import { UsageError } from '../command';

/** A manifest's data, checked against the schema, with where each value stands in the file. */
export interface ManifestData {
  readonly value: any;
  /** The `file:line:column` of a value, by its path such as `roles.0.branches.1`. */
  readonly at: (path: string) => string;
}

/**
 * Mistakes in a manifest: each names its file, line and column, what is wrong and the fix.
 */
export class ManifestError extends UsageError {
  public constructor(public readonly problems: string[]) {
    super(`The manifest has ${problems.length === 1 ? 'a mistake' : `${problems.length} mistakes`}; nothing was written:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Parses a manifest (YAML, or JSON, which YAML reads too) with the `yaml` library and checks it
 * against the schema, reporting every problem at once.
 */
export function readManifest(text: string, file: string): ManifestData {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const problems = [...document.errors, ...document.warnings].map(error => `${where(error.pos[0])}: ${error.message.split('\n')[0]}`);
  if (problems.length > 0) throw new ManifestError(problems);

  const positions = new Map<string, number>();
  const value = check(document.contents, MANIFEST, '', 0);
  if (problems.length > 0) throw new ManifestError(problems);
  return { value, at: path => where(positions.get(path) ?? 0) };

  function check(node: unknown, schema: FieldSchema, path: string, parentOffset: number): any {
    const offset = (node as Node | null)?.range?.[0] ?? parentOffset;
    positions.set(path, offset);
    const fail = (message: string) => {
      problems.push(`${where(offset)}: ${path === '' ? 'the manifest' : `'${path}'`} ${message}`);
      return undefined;
    };
    const shouldBe = (what: string) => fail(`should be ${what}${schema.example ? `, such as ${schema.example}` : ''} (${schema.description}).`);
    switch (schema.type) {
      case 'string': {
        const scalar = isScalar(node) ? node.value : undefined;
        // YAML reads 007, 1.0 or 0x1F as numbers, and would lose what was written: only an ID's plain digits are taken.
        const source = isScalar(node) ? node.source ?? '' : '';
        if (typeof scalar === 'number' && schema.digits && /^[1-9][0-9]*$/.test(source)) return source;
        if (typeof scalar === 'number' || typeof scalar === 'boolean' || (isScalar(node) && scalar === null)) {
          return fail(`is ${source === '' ? 'empty' : `'${source}'`}, which YAML reads as a ${scalar === null ? 'null' : typeof scalar}, not a text: ` +
            `quote it, as in "${source}" (${schema.description}).`);
        }
        if (typeof scalar !== 'string' || scalar === '') return shouldBe('a text');
        if (schema.oneOf && !schema.oneOf.includes(scalar)) return fail(`is '${scalar}'; give one of ${schema.oneOf.map(v => `'${v}'`).join(', ')}.`);
        return scalar;
      }
      case 'boolean':
        return isScalar(node) && typeof node.value === 'boolean' ? node.value : shouldBe('true or false');
      case 'list':
        if (!isSeq(node)) return shouldBe('a list');
        return node.items.map((item, i) => check(item, schema.items!, `${path}.${i}`, offset));
      case 'repository':
        if (isScalar(node)) return check(node, { ...schema, type: 'string' }, path, parentOffset);
        return isMap(node) ? check(node, { ...schema, type: 'object' }, path, parentOffset) : shouldBe('a repository');
      case 'object': {
        if (!isMap(node)) return shouldBe('a mapping of names to values');
        const fields = schema.fields ?? {};
        const result: { [name: string]: unknown } = {};
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : '';
          const keyOffset = (pair.key as Node | null)?.range?.[0] ?? offset;
          const childPath = path === '' ? key : `${path}.${key}`;
          if (!Object.prototype.hasOwnProperty.call(fields, key)) {
            const near = Object.keys(fields).map(name => ({ name, d: editDistance(key.toLowerCase(), name.toLowerCase()) }))
              .sort((a, b) => a.d - b.d)[0];
            problems.push(`${where(keyOffset)}: '${childPath}' is not a field of ${path === '' ? 'the manifest' : `'${path}'`}` +
              (near && near.d <= 3 ? `: did you mean '${near.name}'?` : `; its fields are ${Object.keys(fields).join(', ')}.`));
            continue;
          }
          result[key] = check(pair.value, fields[key], childPath, keyOffset);
        }
        for (const [name, field] of Object.entries(fields)) {
          if (field.required && !(name in result)) {
            problems.push(`${where(offset)}: ${path === '' ? 'the manifest' : `'${path}'`} has no '${name}': add ${field.description}, such as ${name}: ${field.example}.`);
          }
        }
        return result;
      }
    }
  }
}
