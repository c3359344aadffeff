import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../src/cli';

/** A run of the command line in a directory: its exit code, what it printed, and where. */
export interface CliRun { code: number; stdout: string; stderr: string; dir: string }

/** Runs the command line in-process in `dir` (a new temporary one by default), after writing `files` there. */
export function runIn(args: string[], files: { [name: string]: string } = {}, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-run-'))): CliRun {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { env: {}, cwd: dir, stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr, dir };
}

/** The files under a directory, as paths relative to it, sorted. */
export function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}
