/**
 * What a command of the command line reads and writes, so that tests can run it in-process.
 */
export interface CliIo {
  readonly env: { [name: string]: string | undefined };
  readonly cwd: string;
  readonly stdin?: () => string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * A mistake on the command line or in its input: printed with a pointer to --help, exit code 2.
 */
export class UsageError extends Error {}
