import { Token } from 'aws-cdk-lib';
import { matchesLike } from './iam-strings';
import type { GitHubRepository, GitHubSubject } from '../subject';

/**
 * When a rendered workflow runs, and in which environment: derived from the subjects its
 * role trusts for the workflow's repository, so that every run it starts carries a token
 * the role admits.
 *
 * GitHub sends `environment:NAME` for a job in an environment, whatever started it; else
 * `ref:refs/heads/BRANCH` or `ref:refs/tags/TAG` for a push or a manual run, and
 * `pull_request` for a pull request. GitHub's filter syntax is not IAM's, so IAM patterns
 * are translated into filters that start no run the role would refuse, and manual runs,
 * which a user can start on any branch or tag, are guarded by the job's `if`.
 */
export interface RunPlan {
  readonly on: { [event: string]: unknown };
  readonly environment?: string;
  /** The job's condition, where some manual runs must be skipped. */
  readonly condition?: string;
}

export function planRuns(
  trusted: GitHubSubject[],
  repository: GitHubRepository | undefined,
  environment: string | undefined,
): RunPlan {
  const subjects = subjectsOfRepository(trusted, repository);
  const contexts = subjects.map(subject => subject._runContext).filter(context => context !== undefined);
  const jobEnvironment = environmentOf(subjects, environment);
  if (subjects.some(subject => subject.admitsAnyContext)) {
    return { on: { push: {}, pull_request: {}, workflow_dispatch: {} }, environment: jobEnvironment };
  }
  const names = (kind: string) => unique(contexts.filter(c => c.kind === kind && !Token.isUnresolved(c.name!)).map(c => c.name!));
  const branches = names('branch');
  const tags = names('tag');
  const pullRequests = contexts.some(c => c.kind === 'pullRequest');

  const on: { [event: string]: unknown } = {};
  if (branches.length > 0 || tags.length > 0) {
    on.push = {
      ...(branches.length > 0 ? { branches: unique(branches.map(toGitHubFilter)) } : {}),
      ...(tags.length > 0 ? { tags: unique(tags.map(toGitHubFilter)) } : {}),
    };
  }
  // A job in an environment should not run for pull requests.
  if (pullRequests && jobEnvironment === undefined) on.pull_request = {};

  if (jobEnvironment !== undefined) {
    on.workflow_dispatch = {};
    return { on, environment: jobEnvironment };
  }
  const refs = [
    ...branches.map(name => refCondition('refs/heads/', name)),
    ...tags.map(name => refCondition('refs/tags/', name)),
  ].filter((condition): condition is string => condition !== undefined);
  if (refs.length > 0) on.workflow_dispatch = {};
  if (Object.keys(on).length === 0) {
    throw new Error(
      `No trigger can start a run that the role admits for ${repositoryName(subjects, repository)}: its subjects name no branch, ` +
      'tag, pull request or environment by a value known at synth time. Trust such a subject, or write the workflow by hand.',
    );
  }
  return {
    on,
    condition: refs.length > 0 ? `github.event_name != 'workflow_dispatch' || ${refs.join(' || ')}` : undefined,
  };
}

/**
 * The subjects for the workflow's repository: those whose `repo` claim names it (or whose
 * ID claims name its IDs). Without a repository, the role must trust only one.
 */
function subjectsOfRepository(subjects: GitHubSubject[], repository: GitHubRepository | undefined): GitHubSubject[] {
  const keyed = subjects.filter(subject => repositoryKey(subject) !== undefined);
  if (repository === undefined) {
    const keys = unique(keyed.map(repositoryKey) as string[]);
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
      `The role trusts no subject of ${repository.fullName}: a workflow there could not assume it. ` +
      `Pass one of the repositories it trusts (${unique(keyed.map(repositoryKey) as string[]).join(', ')}).`,
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
function environmentOf(subjects: GitHubSubject[], requested: string | undefined): string | undefined {
  const patterns = subjects.map(subject => subject._runContext)
    .filter(context => context?.kind === 'environment' && !Token.isUnresolved(context.name!))
    .map(context => context!.name!);
  if (requested !== undefined) {
    if (!patterns.some(pattern => matchesLike(pattern, requested))) {
      throw new Error(
        `The role does not trust the environment '${requested}' for this repository, so the job's token would be refused. ` +
        `Trust it with environment('${requested}'), or name one the role trusts${patterns.length > 0 ? ` (${patterns.join(', ')})` : ''}.`,
      );
    }
    return requested;
  }
  const exact = patterns.find(pattern => !/[*?]/.test(pattern));
  if (exact === undefined && patterns.length > 0 && subjects.every(s => s._runContext?.kind === 'environment')) {
    throw new Error(
      `The role trusts environments only by pattern (${patterns.join(', ')}), so the workflow cannot tell which one its job ` +
      "runs in: name it with the workflow's environment option, such as 'production'.",
    );
  }
  return exact;
}

/**
 * A condition on `github.ref` that holds only for refs the name admits: equality for an
 * exact name, a prefix for a name whose one wildcard is a final `*`; none otherwise.
 */
function refCondition(prefix: string, name: string): string | undefined {
  if (!/[*?]/.test(name)) return `github.ref == ${quote(prefix + name)}`;
  if (/^[^*?]*\*$/.test(name)) return `startsWith(github.ref, ${quote(prefix + name.slice(0, -1))})`;
  return undefined;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * An IAM pattern as a GitHub branch or tag filter that matches no name the pattern refuses:
 * IAM's `*` crosses `/` like GitHub's `**`; IAM's `?` (any one character) becomes a class of
 * letters and digits, which GitHub's filters can express (a name with another character
 * there starts no run); characters GitHub's filters treat specially are escaped.
 */
export function toGitHubFilter(name: string): string {
  return name
    .replace(/([+!\\\]\[])/g, '\\$1')
    .replace(/\*/g, '**')
    .replace(/\?/g, '[a-zA-Z0-9]');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
