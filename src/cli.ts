#!/usr/bin/env node
import * as fs from 'fs';
import * as nodeModule from 'module';
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

if (require.main === module) {
  // Node.js 22.1 and later keep the compiled code of the modules loaded from here on between runs,
  // as TypeScript's own command line does: later runs start about 0.1 s sooner. Older versions lack it.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  process.exitCode = runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdin: () => fs.readFileSync(0, 'utf8'),
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
  });
}
