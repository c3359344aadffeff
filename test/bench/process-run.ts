import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** A whole process: its wall time, and its peak memory as /usr/bin/time reports it. */
export function processRun(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; rssMiB: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', cwd: ROOT, env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const rssKiB = Number(/(\d+)\s*$/.exec(result.stderr)?.[1] ?? NaN);
  return { ms, rssMiB: rssKiB / 1024 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
