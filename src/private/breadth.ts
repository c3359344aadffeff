import { matchesLike } from './iam-strings';
import type { GitHubSubject } from '../subject';

/**
 * What makes trust broad, written once for the role's warnings.
 *
 * A subject admits every run of a repository when its context is `*` (or it has
 * no context). Subjects that together admit every branch, every tag, every
 * environment and every pull request of one repository are as broad.
 */

const EVERY_KIND = ['branch', 'tag', 'environment', 'pullRequest'] as const;

/**
 * Whether a name pattern matches every name GitHub allows: only wildcards, at least
 * one `*`, and at most one `?` (every name has at least one character).
 */
function matchesEveryName(name: string | undefined): boolean {
  return name !== undefined && /^[*?]+$/.test(name) && name.includes('*') && name.split('?').length <= 2;
}

/**
 * The subjects, grouped by everything but their context, that together admit every
 * branch, tag, environment and pull request: one group per repository (and template) that does.
 */
export function everyContextUnions(subjects: GitHubSubject[]): GitHubSubject[][] {
  const groups = new Map<string, { kinds: Set<string>; members: GitHubSubject[] }>();
  for (const subject of subjects) {
    const context = subject._runContext;
    if (context === undefined || context.kind === 'any') continue;
    if (subject.conditions.some(condition => ['ref', 'environment'].includes(condition.claim) && narrowsRuns(condition.claim, condition.value, condition.isPattern))) continue;
    if (context.kind !== 'pullRequest' && !matchesEveryName(context.name)) continue;
    const key = subject.claims.map(claim => claim._traits.context ? '' : claim.text).join(':');
    const group = groups.get(key) ?? { kinds: new Set<string>(), members: [] };
    group.kinds.add(context.kind);
    group.members.push(subject);
    groups.set(key, group);
  }
  return [...groups.values()].filter(group => EVERY_KIND.every(kind => group.kinds.has(kind))).map(group => group.members);
}

/**
 * A value of each kind a `ref` claim takes (branch, branch with '/', tag, pull request) and a few
 * environment names: a required `ref` or `environment` claim narrows the runs a subject admits
 * only if it refuses one of them.
 */
export const RUN_SAMPLES: { readonly [claim: string]: readonly string[] } = {
  ref: ['refs/heads/x', 'refs/heads/x/y', 'refs/tags/x', 'refs/pull/1/merge'],
  environment: ['x', 'x/y', 'X Y:z'],
};

/** Whether a `ref` or `environment` condition the builders wrote refuses a run of some kind. */
export function narrowsRuns(claim: string, value: string, isPattern: boolean): boolean {
  return RUN_SAMPLES[claim].some(sample => !(isPattern ? matchesLike(value, sample) : value === sample));
}
