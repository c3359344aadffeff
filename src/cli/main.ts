import { runAudit } from './audit';
import { CliIo, UsageError } from './command';
import { runExplain } from './explain';
import { runGenerate } from './generate';

/**
 * Runs one command of the command line (src/cli.ts): `explain` and `audit` analyse existing trust
 * policies; anything else (or `generate`) turns repository names into a deployable CloudFormation
 * template and the GitHub Actions workflow that uses its role. Returns the exit code.
 */
export function runCli(args: string[], io: CliIo): number {
  const [command, ...rest] = args;
  const analysis = command === 'explain' || command === 'audit';
  try {
    if (command === 'explain') return runExplain(rest, io);
    if (command === 'audit') return runAudit(rest, io);
    return runGenerate(command === 'generate' ? rest : args, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    const help = usage ? `Run with ${analysis ? `${command} ` : ''}--help for the flags.\n` : '';
    io.stderr(`cdk-github-actions-oidc: ${(error as Error).message}\n${help}`);
    return usage || analysis ? 2 : 1;
  }
}
