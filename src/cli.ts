#!/usr/bin/env node
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as os from 'os';
import * as path from 'path';
import type { CliIo } from './cli/command';
import type * as Main from './cli/main';

/**
 * The command line: `explain` and `audit` analyse existing trust policies; anything else
 * (or `generate`) turns repository names into a deployable template and its workflow.
 * Returns the exit code.
 */
export function runCli(args: string[], io: CliIo): number {
  // Required here rather than imported, so that the compile cache enabled below covers it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main: typeof Main = require('./cli/main');
  return main.runCli(args, io);
}

/**
 * Turns on Node.js's compile cache (22.1 and later), as TypeScript's own command line does: later runs
 * start about 0.1 s sooner. The cache lives in `$TMPDIR/node-compile-cache` (a few MB);
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off, and `NODE_COMPILE_CACHE` chooses another directory,
 * as for any Node.js program. Left off where that directory cannot be made: Node.js's own attempt
 * can loop forever where making a directory fails although its parent exists (as under `/proc`).
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
  if (enable === undefined || process.env.NODE_COMPILE_CACHE !== undefined) return;
  const directory = path.join(os.tmpdir(), 'node-compile-cache');
  try {
    fs.mkdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
  }
  enable(directory);
}

if (require.main === module) {
  enableCompileCache();
  process.exitCode = runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdin: () => fs.readFileSync(0, 'utf8'),
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
  });
}
