/**
 * Whole processes counted in CPU instructions instead of timed. On a shared machine a process's
 * wall time moves by several percent from one run to the next, so a few percent between the
 * library and the hand-written app hides in the noise of any practical number of runs. The
 * instructions a process executes do not move, once V8 runs on one thread in its predictable mode
 * (no background compiling or garbage collecting, fixed seeds): two runs of one script count the
 * same to a few thousand. Counted with valgrind's cachegrind (Debian's `valgrind` package).
 */
import { spawn, spawnSync } from 'child_process';

const PREDICTABLE_V8 = ['--single-threaded', '--v8-pool-size=0', '--predictable', '--random-seed=1', '--hash-seed=1'];

/** The installed valgrind's version, such as `valgrind-3.19.0`, or undefined where it is not installed. */
export function valgrindVersion(): string | undefined {
  const result = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The instructions of one whole process of `script` with `args`, template validation off. */
function instructions(script: string, args: string[]): Promise<number> {
  const valgrind = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];
  const child = spawn('valgrind', [...valgrind, process.execPath, ...PREDICTABLE_V8, script, ...args], {
    env: { ...process.env, CDK_VALIDATION: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let report = '';
  child.stderr.on('data', (chunk: Buffer) => report += chunk.toString());
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', status => {
      const counted = /I\s+refs:\s+([\d,]+)/.exec(report)?.[1];
      if (status !== 0 || counted === undefined) reject(new Error(`valgrind ${script} ${args.join(' ')} failed:\n${report}`));
      else resolve(Number(counted.replace(/,/g, '')));
    });
  });
}

/** The instructions of both variants' processes (`args` after the variant's name), side by side. */
export async function instructionsOfBoth(script: string, args: string[]): Promise<{ library: number; hand: number }> {
  const [library, hand] = await Promise.all([instructions(script, ['withLibrary', ...args]), instructions(script, ['byHand', ...args])]);
  return { library, hand };
}
