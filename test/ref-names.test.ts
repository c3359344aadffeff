import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { GitHubRepository } from '../src';

// Property: the branch and tag names the library accepts are exactly those git accepts (judged by the
// real `git check-ref-format`), wildcards aside, less the two git allows and the library refuses: a
// name starting with '-' and the name '@'. Names come from an alphabet weighted to the characters and
// sequences git's rules are about, so both the quick path for plain names and the full rules are reached.
// A failure prints the seed and the counterexample (replay with FC_SEED=<seed>).

const SEED = Number(process.env.FC_SEED ?? 20261127);
const RUNS = Number(process.env.FC_RUNS ?? 400);

const piece = fc.constantFrom(
  'a', 'Z', '0', 'release', '_', '-', '+', '=', ',', '/', '//', '.', '..', '.lock', '@', '@{', '{', '}', '*', '?',
  '~', '^', ':', '[', '\\', ' ', '#', '$', '!', '%', "'", 'é',
);
const refName = fc.array(piece, { minLength: 1, maxLength: 6 }).map(pieces => pieces.join(''));

const repo = GitHubRepository.of('octo-org', 'octo-app');

function libraryAccepts(kind: 'branch' | 'tag', name: string): boolean {
  try {
    if (kind === 'branch') repo.branch(name);
    else repo.tag(name);
    return true;
  } catch {
    return false;
  }
}

/** git's verdict on each full ref, one `git check-ref-format` per name, in one shell. */
function gitAccepts(refs: string[]): boolean[] {
  const script = 'while IFS= read -r ref; do if git check-ref-format "$ref"; then echo 1; else echo 0; fi; done';
  const result = spawnSync('bash', ['-c', script], { input: refs.join('\n') + '\n', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git check-ref-format could not run: ${result.stderr}`);
  return result.stdout.trim().split('\n').map(line => line === '1');
}

/** What the library is meant to accept, given git's verdict on the name with its wildcards as plain letters. */
function expected(name: string, git: boolean): boolean {
  return git && !name.startsWith('-') && name !== '@' && name.length <= 255;
}

describe('branch and tag names against git check-ref-format', () => {
  test('the oracle still tells good names from bad', () => {
    expect(gitAccepts(['refs/heads/main', 'refs/heads/release..1', 'refs/heads/a.lock', 'refs/tags/v1.2.3', 'refs/heads/x@{y'])).toEqual([
      true, false, false, true, false,
    ]);
  });

  test.each(['branch', 'tag'] as const)('every generated %s name is accepted exactly when git accepts it', kind => {
    const names = fc.sample(refName, { numRuns: RUNS, seed: SEED + (kind === 'tag' ? 1 : 0) });
    const prefix = kind === 'branch' ? 'refs/heads/' : 'refs/tags/';
    const verdicts = gitAccepts(names.map(name => prefix + name.replace(/[*?]/g, 'x')));
    const disagreements = names
      .map((name, i) => ({ name, git: verdicts[i], library: libraryAccepts(kind, name) }))
      .filter(({ name, git, library }) => library !== expected(name, git));
    expect(disagreements).toEqual([]);
    // Both verdicts are well represented, so the comparison says something either way.
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(RUNS / 10);
    expect(verdicts.filter(v => !v).length).toBeGreaterThan(RUNS / 10);
  });
});
