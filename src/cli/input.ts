import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from './command';

/** A file's text, or standard input's for `-`. */
export function readInput(file: string, io: CliIo): string {
  if (file === '-') {
    if (!io.stdin) throw new Error("Cannot read standard input ('-') here.");
    return io.stdin();
  }
  try {
    return fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
}
