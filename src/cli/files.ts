import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './command';

/** Whether a path is there at all, also as a link to nothing. */
export function present(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Whether a plain file (not a link) already holds exactly this text. */
export function unchanged(file: string, text: string): boolean {
  return present(file) && fs.lstatSync(file).isFile() && fs.readFileSync(file, 'utf8') === text;
}

/**
 * Writes every file or none: each goes to a temporary file beside it first, and only when
 * all are written do they replace their targets (a link is replaced, not written through).
 */
export function writeAll(files: Array<[string, string]>): void {
  const written: string[] = [];
  try {
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.partial`, text);
      written.push(`${file}.partial`);
    }
  } catch (error) {
    written.forEach(partial => fs.rmSync(partial, { force: true }));
    throw error;
  }
  // A directory where a file goes would stop the renames half way: refuse before the first one.
  const blocked = files.find(([file]) => fs.existsSync(file) && fs.lstatSync(file).isDirectory());
  if (blocked) {
    written.forEach(partial => fs.rmSync(partial, { force: true }));
    throw new Error(`Cannot write ${blocked[0]}: it is a directory. Move it away; nothing was written.`);
  }
  for (const [file] of files) fs.renameSync(`${file}.partial`, file);
}

/**
 * `--out` (and the workflow's folder in it) must be a directory this process can write to,
 * or one it can create.
 */
export function assertWritableDirectory(out: string, given: string): void {
  let existing = out;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new UsageError(`Invalid --out '${given}': ${existing} is a file, not a directory. Give a directory to write into.`);
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new UsageError(`Invalid --out '${given}': ${existing} is not writable. Give a directory you can write to.`);
  }
}
