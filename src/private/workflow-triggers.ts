import { Token } from './aws-cdk-lib';
import { hasDeployTimeValue, matchesLike } from './iam-strings';
import type { GitHubClaimCondition } from '../claim-condition';
import type { GitHubRepository, GitHubSubject } from '../subject';

/**
 * When a rendered workflow runs, and in which environment: derived from the subjects its
 * role trusts for the workflow's repository, so that every run it starts carries a token
 * the role admits.
 *
 * GitHub sends `environment:NAME` for a job in an environment, whatever started it; else
 * `ref:refs/heads/BRANCH` or `ref:refs/tags/TAG` for a push or a manual run, and
 * `pull_request` for a pull request. Triggers narrow the runs (GitHub's filter syntax is not
 * IAM's, so patterns are translated into filters that are never wider); where a run could
 * still be on a ref the role refuses — a manual run can be started on any branch or tag, and
 * GitHub compares strings without regard to case — a first job checks the ref with the
 * role's own patterns, case-sensitively, and the job that assumes the role runs only after it.
 */
export interface RunPlan {
  readonly on: { [event: string]: unknown };
  readonly environment?: string;
  /** Full refs, with IAM wildcards, that a run must be on; none when every run is admitted. */
  readonly trustedRefs?: string[];
  /** Full refs, with IAM wildcards, that the role refuses although a trusted ref's pattern matches them. */
  readonly refusedRefs?: string[];
  /** Whether pull requests start runs (which must come from the repository, not a fork). */
  readonly pullRequests: boolean;
  /** What the run's actor must be, as a GitHub expression; none when every actor is admitted. */
  readonly actorCondition?: string;
}

/** What one trusted subject asks of a run, for the workflow to meet. */
interface Requirement {
  readonly kind: 'any' | 'ref' | 'environment' | 'pullRequest' | 'mergeQueue';
  /** The full ref (an IAM pattern) the run must be on. */
  readonly ref?: string;
  /** The environment (an IAM pattern) the job must use. */
  readonly environment?: string;
  /** The base branch (an IAM pattern) of a merge queue. */
  readonly base?: string;
}

export function planRuns(
  trusted: GitHubSubject[],
  repository: GitHubRepository | undefined,
  environment: string | undefined,
): RunPlan {
  const subjects = subjectsOfRepository(trusted, repository);
  const expression = subjects.find(subject => subject.value.includes('${{'));
  if (expression !== undefined) {
    throw new Error(
      `Cannot render a workflow for '${expression.value}': GitHub would read '\${{' in it as an expression. ` +
      'Write this workflow by hand, or rename the branch, tag or environment.',
    );
  }
  const renderable = subjects.filter(subject => requirementOf(subject) !== undefined);
  const requirements = renderable.map(requirementOf) as Requirement[];
  if (requirements.length === 0) {
    throw new Error(
      `No trigger can start a run that the role admits for ${repositoryName(subjects, repository)}: its subjects name no branch, ` +
      'tag, pull request or environment by a value known at synth time, need a reusable workflow (job_workflow_ref) that ' +
      'a rendered workflow does not call, or hold a condition on the ref, environment or actor ID known only at deployment, ' +
      'which a workflow cannot filter on. Trust such a subject, or write the workflow by hand.',
    );
  }
  const actorCondition = actorConditionOf(renderable);
  if (requirements.some(r => r.kind === 'any')) {
    if (environment !== undefined) assertEnvironmentName(environment);
    return { on: { push: {}, pull_request: {}, workflow_dispatch: {} }, environment, pullRequests: true, actorCondition };
  }

  const jobEnvironment = environmentOf(requirements, environment);
  if (jobEnvironment !== undefined) {
    const admitting = requirements.filter(r => r.kind === 'environment' && matchesLike(r.environment!, jobEnvironment));
    const refs = admitting.some(r => r.ref === undefined) ? undefined : unique(admitting.map(r => r.ref!));
    return {
      on: { ...pushFilters(refs ?? requirements.filter(r => r.kind === 'ref').map(r => r.ref!)), workflow_dispatch: {} },
      environment: jobEnvironment,
      trustedRefs: refs,
      pullRequests: false,
      actorCondition,
    };
  }

  const refs = unique(requirements.filter(r => r.kind === 'ref').map(r => r.ref!));
  const queues = requirements.filter(r => r.kind === 'mergeQueue');
  const pullRequests = requirements.some(r => r.kind === 'pullRequest');
  const trustedRefs = unique([...refs, ...queues.map(r => r.ref!)]);
  return {
    on: {
      ...pushFilters(refs),
      ...(pullRequests ? { pull_request: {} } : {}),
      ...(queues.length > 0 ? { merge_group: { types: ['checks_requested'], branches: unique(queues.map(r => toGitHubFilter(r.base!))) } } : {}),
      ...(refs.length > 0 ? { workflow_dispatch: {} } : {}),
    },
    trustedRefs: trustedRefs.length > 0 ? trustedRefs : undefined,
    // A merge queue's subject leaves out refs with a '/' after 'pr-' (the queue of a base named '<base>/pr-...').
    refusedRefs: queues.length > 0 ? unique(queues.map(r => `${r.ref!}/*`)) : undefined,
    pullRequests,
    actorCondition,
  };
}

/**
 * The condition on the run's actor that every subject the workflow serves shares, as a GitHub
 * expression (whose `==` ignores case, as the role compares logins); a workflow cannot tell which
 * subject a run will match, so subjects that differ in it are refused.
 */
function actorConditionOf(subjects: GitHubSubject[]): string | undefined {
  const actorKey = (subject: GitHubSubject) => JSON.stringify(actorConditions(subject).map(String).sort());
  const keys = unique(subjects.map(actorKey));
  if (keys.length > 1) {
    throw new Error(
      `The subjects the workflow serves differ in the actor they require (${subjects.map(String).join('; ')}), and a rendered ` +
      'workflow cannot tell which one a run will match. Render the workflow for a role whose subjects agree, or write it by hand.',
    );
  }
  const parts = actorConditions(subjects[0]).map(condition => {
    const context = condition.claim === 'actor' ? 'github.actor' : 'github.actor_id';
    return `${context} ${condition.negated ? '!=' : '=='} '${condition.value}'`;
  });
  return parts.length > 0 ? parts.join(' && ') : undefined;
}

function actorConditions(subject: GitHubSubject) {
  return subject.conditions.filter(condition => condition.claim === 'actor' || condition.claim === 'actor_id');
}

/**
 * What a subject asks of a run; none for a subject no rendered workflow can meet: one
 * known only at deployment, one that names a reusable workflow, or one pinned to a single
 * pull request.
 */
function requirementOf(subject: GitHubSubject): Requirement | undefined {
  if (subject.claims.length === 0 || subject.claims.some(claim => claim.key === 'job_workflow_ref')) return undefined;
  // A reusable workflow is not what a rendered workflow runs; a ref, environment or actor known only at deployment cannot be filtered on.
  const unmeetable = (condition: GitHubClaimCondition) => condition.claim === 'job_workflow_ref'
    || (['ref', 'environment', 'actor_id'].includes(condition.claim) && hasDeployTimeValue(condition.value));
  if (subject.conditions.some(unmeetable)) return undefined;
  const ref = subject.claims.find(claim => claim.key === 'ref')?.text.slice('ref:'.length)
    ?? subject.conditions.find(condition => condition.claim === 'ref')?.value;
  const environment = subject.conditions.find(condition => condition.claim === 'environment')?.value;
  const context = subject._runContext;
  if ((ref !== undefined && Token.isUnresolved(ref)) || (context?.name !== undefined && Token.isUnresolved(context.name))) return undefined;
  if (environment !== undefined) return { kind: 'environment', environment, ref };
  if (context === undefined) return ref === undefined ? { kind: 'any' } : refRequirement(ref);
  switch (context.kind) {
    case 'any': return ref === undefined ? { kind: 'any' } : refRequirement(ref);
    case 'mergeQueue': return { kind: 'mergeQueue', ref: `refs/heads/gh-readonly-queue/${context.name}/pr-*`, base: context.name };
    case 'branch': return { kind: 'ref', ref: `refs/heads/${context.name}` };
    case 'tag': return { kind: 'ref', ref: `refs/tags/${context.name}` };
    case 'environment': return { kind: 'environment', environment: context.name, ref };
    case 'pullRequest': return ref === undefined || ref === 'refs/pull/*/merge' ? { kind: 'pullRequest' } : undefined;
  }
}

/** A subject template without a context: the ref alone identifies the run. */
function refRequirement(ref: string): Requirement | undefined {
  if (ref.startsWith('refs/pull/')) return ref === 'refs/pull/*/merge' ? { kind: 'pullRequest' } : undefined;
  return { kind: 'ref', ref };
}

function pushFilters(refs: string[]): { [event: string]: unknown } {
  const names = (prefix: string) => unique(refs.filter(ref => ref.startsWith(prefix)).map(ref => toGitHubFilter(ref.slice(prefix.length))));
  const branches = names('refs/heads/');
  const tags = names('refs/tags/');
  if (branches.length === 0 && tags.length === 0) return {};
  return { push: { ...(branches.length > 0 ? { branches } : {}), ...(tags.length > 0 ? { tags } : {}) } };
}

/**
 * The subjects for the workflow's repository: those whose `repo` claim names it (or whose
 * ID claims name its IDs). Without a repository, the role must trust only one.
 */
function subjectsOfRepository(subjects: GitHubSubject[], repository: GitHubRepository | undefined): GitHubSubject[] {
  const keyed = subjects.filter(subject => repositoryKey(subject) !== undefined);
  const keys = unique(keyed.map(repositoryKey) as string[]);
  if (repository === undefined) {
    if (keys.length > 1) {
      throw new Error(
        `The role trusts several repositories (${keys.join(', ')}), and a workflow runs in one of them: say which ` +
        "with the workflow's repository option, such as GitHubRepository.of('octo-org', 'octo-app').",
      );
    }
    return keyed;
  }
  const wanted = [`repo:${repository._claimValue}`, `ids:${repository.ownerId}/${repository.repositoryId}`];
  const found = keyed.filter(subject => wanted.includes(repositoryKey(subject)!));
  if (found.length === 0) {
    throw new Error(
      `The role trusts no subject of ${repository._claimValue}: a workflow there could not assume it. ` +
      `Pass one of the repositories it trusts (${keys.join(', ')}), written as its subjects write it ` +
      "(with its IDs, as in GitHubRepository.fromFullName('octo-org@1234567/octo-app@89012345'), where they have them).",
    );
  }
  return found;
}

function repositoryKey(subject: GitHubSubject): string | undefined {
  const repo = subject.claims.find(claim => claim.key === 'repo');
  if (repo !== undefined) return repo.text;
  const ownerId = subject.claims.find(claim => claim._traits.ownerId !== undefined)?._traits.ownerId;
  const repositoryId = subject.claims.find(claim => claim._traits.repositoryId !== undefined)?._traits.repositoryId;
  return ownerId !== undefined && repositoryId !== undefined ? `ids:${ownerId}/${repositoryId}` : undefined;
}

function repositoryName(subjects: GitHubSubject[], repository: GitHubRepository | undefined): string {
  return repository?.fullName ?? (subjects.length > 0 ? repositoryKey(subjects[0])! : 'its repository');
}

/**
 * The job's environment: the one asked for, which the role must admit, or else the first
 * the role trusts by its exact name.
 */
function environmentOf(requirements: Requirement[], requested: string | undefined): string | undefined {
  const patterns = unique(requirements.filter(r => r.kind === 'environment').map(r => r.environment!));
  if (requested !== undefined) {
    assertEnvironmentName(requested);
    if (!patterns.some(pattern => matchesLike(pattern, requested))) {
      throw new Error(
        `The role does not trust the environment '${requested}' for this repository, so the job's token would be refused. ` +
        `Trust it with environment('${requested}'), or name one the role trusts${patterns.length > 0 ? ` (${patterns.join(', ')})` : ''}.`,
      );
    }
    return requested;
  }
  const exact = patterns.find(pattern => !/[*?]/.test(pattern));
  if (exact === undefined && patterns.length > 0 && requirements.every(r => r.kind === 'environment')) {
    throw new Error(
      `The role trusts environments only by pattern (${patterns.join(', ')}), so the workflow cannot tell which one its job ` +
      "runs in: name it with the workflow's environment option, such as 'production'.",
    );
  }
  return exact;
}

function assertEnvironmentName(name: string): void {
  if (/[*?]/.test(name) || name.includes('${{')) {
    throw new Error(`Invalid environment '${name}' for the job: name one environment, without wildcards or '\${{'.`);
  }
}

/**
 * An IAM pattern as a GitHub branch or tag filter that matches no name the pattern refuses:
 * IAM's `*` crosses `/` like GitHub's `**`; IAM's `?` (any one character) becomes a class of
 * letters and digits, which GitHub's filters can express (a name with another character
 * there starts no run); characters GitHub's filters treat specially are escaped.
 */
export function toGitHubFilter(name: string): string {
  return name
    .replace(/([+!\\[])/g, '\\$1')
    .replace(/\*/g, '**')
    .replace(/\?/g, '[a-zA-Z0-9]');
}

/**
 * A shell `case` pattern that matches what the IAM pattern matches: `*` and `?` mean the
 * same in both; everything else is quoted.
 */
export function toShellPattern(pattern: string): string {
  return pattern.split(/([*?])/).filter(part => part !== '')
    .map(part => part === '*' || part === '?' ? part : `'${part.replace(/'/g, "'\\''")}'`)
    .join('');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
