import { GitHubClaimCondition } from './claim-condition';
import { apiName } from './private/api-names';
import { Token } from './private/aws-cdk-lib';
import { narrowsRuns } from './private/breadth';
import { combineConditions } from './private/claim-condition-checks';
import { ClaimTraits, RunContext } from './private/claim-traits';
import {
  hasWildcard,
  rejectWildcardNextToToken,
  validateEnvironmentName,
  validateJobWorkflowRef,
  validateNumericId,
  validateOwner,
  validatePullRequestRef,
  validateRefName,
  validateRepositoryName,
} from './private/github-names';
import { assertNoDynamicReference, hasDeployTimeValue, longestEscaped, replaceAtDeployment } from './private/iam-strings';
import { NoTokenMatchesError } from './private/no-token-matches';

// The longest GitHub allows each value to be, for the trust policy's size at deployment.
const LONGEST = { owner: 60, repository: 100, id: 20, refName: 255, environment: 255, ref: 266, jobWorkflowRef: 1024 };

/**
 * Options for a GitHub repository.
 */
export interface GitHubRepositoryOptions {
  /**
   * The numeric ID of the repository's owner (user or organization).
   *
   * With `repositoryId`, subjects use GitHub's immutable form
   * `repo:OWNER@OWNER_ID/REPO@REPO_ID:...`, which GitHub emits by default for
   * repositories created, renamed or transferred since 15 July 2026 (and for those whose
   * admins opted in), and which no longer matches if the owner or repository is deleted
   * and its name taken again.
   *
   * @default - the name-only form `repo:OWNER/REPO:...`
   */
  readonly ownerId?: string;

  /**
   * The numeric ID of the repository.
   *
   * With `ownerId`, subjects use the immutable form. Alone, subjects keep the name-only form
   * `repo:OWNER/REPO:...` and each is pinned by a `repository_id` condition
   * (`GitHubClaimCondition.repositoryId()`): it matches the tokens of a repository that still
   * sends the name form, and no repository that takes the name later.
   *
   * @default - no repository ID: the name-only form, unpinned
   */
  readonly repositoryId?: string;
}

/**
 * A GitHub repository, the starting point for the subjects a role trusts.
 *
 * @example
 * const app = GitHubRepository.of('octo-org', 'octo-app');
 * const subjects = [app.branch('main'), app.environment('production')];
 */
export class GitHubRepository {
  /**
   * A repository by owner and name, optionally with their numeric IDs.
   *
   * @param owner the user or organization, as in github.com/<owner>
   * @param name the repository name, as in github.com/<owner>/<name>
   */
  public static of(owner: string, name: string, options: GitHubRepositoryOptions = {}): GitHubRepository {
    return new GitHubRepository(owner, name, options);
  }

  /**
   * A repository by its full name, `owner/name`, or in GitHub's immutable form with the
   * owner's and repository's IDs, `owner@OWNER_ID/name@REPO_ID`, as the token's `sub` shows it.
   *
   * @example
   * const app = GitHubRepository.fromFullName('octo-org/octo-app');
   * const immutable = GitHubRepository.fromFullName('octo-org@1234567/octo-app@89012345');
   */
  public static fromFullName(fullName: string, options: GitHubRepositoryOptions = {}): GitHubRepository {
    const match = /^([^/@]*)(?:@([^/]*))?\/([^/@]*)(?:@([^/]*))?$/.exec(fullName);
    if (Token.isUnresolved(fullName) || !match) {
      throw new Error(
        `Invalid repository '${fullName}': give it as 'owner/name', such as 'octo-org/octo-app', or with IDs as ` +
        "'octo-org@1234567/octo-app@89012345'" +
        (Token.isUnresolved(fullName) ? ', known at synth time; for a deploy-time value use GitHubRepository.of(owner, name).' : '.'),
      );
    }
    const [, owner, ownerId, name, repositoryId] = match;
    if ((ownerId !== undefined || repositoryId !== undefined) && (options.ownerId !== undefined || options.repositoryId !== undefined)) {
      throw new Error(`Repository '${fullName}' has its IDs in the name and in the options: give them once.`);
    }
    if ((ownerId === undefined) !== (repositoryId === undefined)) {
      throw new Error(
        `Repository '${fullName}' has only one of the owner ID and the repository ID: the immutable form ` +
        "'owner@OWNER_ID/name@REPO_ID' needs both. Give both IDs, or neither (and the repository ID alone in the options " +
        'for name-form subjects pinned by a repository_id condition).',
      );
    }
    return new GitHubRepository(owner, name, ownerId !== undefined || repositoryId !== undefined ? { ownerId, repositoryId } : options);
  }

  /**
   * The user or organization that owns the repository.
   */
  public readonly owner: string;

  /**
   * The repository's name.
   */
  public readonly name: string;

  /**
   * The owner's numeric ID.
   *
   * @default - not used
   */
  public readonly ownerId?: string;

  /**
   * The repository's numeric ID.
   *
   * @default - not used
   */
  public readonly repositoryId?: string;

  private cachedRepoClaim?: GitHubClaim;

  private constructor(owner: string, name: string, options: GitHubRepositoryOptions) {
    validateOwner(owner);
    validateRepositoryName(name);
    if (options.ownerId !== undefined && options.repositoryId === undefined) {
      throw new Error(
        `Repository '${owner}/${name}' has an owner ID but no repository ID: the immutable subject form ` +
        'repo:OWNER@OWNER_ID/REPO@REPO_ID needs both. Give both IDs, the repository ID alone for name-form subjects ' +
        'pinned by a repository_id condition, or neither.',
      );
    }
    if (options.ownerId !== undefined) validateNumericId('owner ID', options.ownerId);
    if (options.repositoryId !== undefined) validateNumericId('repository ID', options.repositoryId);
    this.owner = owner;
    this.name = name;
    this.ownerId = options.ownerId;
    this.repositoryId = options.repositoryId;
  }

  /**
   * The repository as `owner/name`.
   */
  public get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /**
   * Workflow runs on a branch: `repo:OWNER/REPO:ref:refs/heads/BRANCH`.
   *
   * A job that uses an environment is identified by the environment instead; trust that with `environment()`.
   *
   * @param name the branch name, without `refs/heads/`; `*` and `?` match any characters
   */
  public branch(name: string): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.branch(name)]);
  }

  /**
   * Workflow runs on a tag: `repo:OWNER/REPO:ref:refs/tags/TAG`.
   *
   * @param name the tag name, without `refs/tags/`; `*` and `?` match any characters (`v*`)
   */
  public tag(name: string): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.tag(name)]);
  }

  /**
   * Jobs that use a deployment environment: `repo:OWNER/REPO:environment:NAME`.
   *
   * Environments can require reviewers and restrict branches, which makes them the
   * safest subject for a role that deploys.
   *
   * @param name the environment name, exactly as in the repository settings; `*` and `?` match any characters
   */
  public environment(name: string): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.environment(name)]);
  }

  /**
   * Workflow runs triggered by a pull request: `repo:OWNER/REPO:pull_request`.
   *
   * Pull requests from forks do not get an OIDC token, but every pull request
   * inside the repository does, whatever its branch.
   */
  public pullRequest(): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.pullRequest()]);
  }

  /**
   * Runs of the repository's merge queue for a base branch:
   * `repo:OWNER/REPO:ref:refs/heads/gh-readonly-queue/BASE/pr-*`.
   *
   * GitHub runs `merge_group` workflows on a temporary branch
   * `gh-readonly-queue/BASE/pr-NUMBER-SHA`; this admits those of one base branch's queue and
   * no other branch (a condition on `sub` refuses refs with a `/` after `pr-`: the queue of a base
   * named `BASE/pr-...`, which IAM's `*` would match), and a rendered workflow gets the `merge_group` trigger for it.
   *
   * @param baseBranch the branch the queue merges into, such as `main`; `*` and `?` match any characters
   */
  public mergeQueue(baseBranch: string): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.mergeQueue(baseBranch)]);
  }

  /**
   * Every workflow run of the repository: any branch, tag, environment or pull request
   * (`repo:OWNER/REPO:*`).
   *
   * This is broad: a role that trusts it warns at synth time. Prefer `branch()`,
   * `tag()` or `environment()`.
   */
  public anyContext(): GitHubSubject {
    return GitHubSubject.fromClaims([this.repoClaim(), GitHubClaim.anyContext()]);
  }

  /** The repository's claim, built once for all its subjects. */
  private repoClaim(): GitHubClaim {
    return this.cachedRepoClaim ?? (this.cachedRepoClaim = GitHubClaim.repo(this));
  }

  /**
   * The value of the `repo` claim: `owner/name`, or `owner@id/name@id` in the immutable form.
   *
   * @internal
   */
  public get _claimValue(): string {
    return this.ownerId === undefined
      ? this.fullName
      : `${this.owner}@${this.ownerId}/${this.name}@${this.repositoryId}`;
  }
}

/**
 * One part of a token's `sub` claim.
 *
 * GitHub builds `sub` from the claims an organization or repository lists in its
 * OIDC subject template (`include_claim_keys`): by default `repo` then `context`.
 * Combine these parts with `GitHubSubject.fromClaims()` in the same order as the template.
 *
 * @example
 * const subject = GitHubSubject.fromClaims([
 *   GitHubClaim.repo(GitHubRepository.of('octo-org', 'octo-app')),
 *   GitHubClaim.environment('production'),
 *   GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
 * ]);
 */
export class GitHubClaim {
  /**
   * The `repo` claim: `repo:OWNER/REPO` (or the immutable form with IDs).
   */
  public static repo(repository: GitHubRepository): GitHubClaim {
    const nameForm = repository.ownerId === undefined;
    return new GitHubClaim('repo', `repo:${repository._claimValue}`, {
      pinsOwner: true,
      pinsRepository: true,
      ownerId: repository.ownerId,
      repositoryId: repository.repositoryId,
      repositoryIdCondition: nameForm ? repository.repositoryId : undefined,
      longestAtDeployment: longestEscaped(repository.owner, LONGEST.owner) + longestEscaped(repository.name, LONGEST.repository) +
        longestEscaped(repository.ownerId ?? '', LONGEST.id) + longestEscaped(repository.repositoryId ?? '', LONGEST.id),
    });
  }

  /**
   * The `context` claim of a run on a branch: `ref:refs/heads/BRANCH`.
   *
   * @param name the branch name, without `refs/heads/`; `*` and `?` match any characters
   */
  public static branch(name: string): GitHubClaim {
    validateRefName('branch', name);
    const base = hasDeployTimeValue(name) ? undefined : MERGE_QUEUE.exec(name)?.[1];
    if (base !== undefined) return GitHubClaim.queue(base, longestEscaped(name, LONGEST.refName));
    return GitHubClaim.context(`ref:refs/heads/${name}`, { kind: 'branch', name }, longestEscaped(name, LONGEST.refName));
  }

  /**
   * The `context` claim of a merge queue's run for a base branch:
   * `ref:refs/heads/gh-readonly-queue/BASE/pr-*`.
   *
   * @param baseBranch the branch the queue merges into, such as `main`; `*` and `?` match any characters
   */
  public static mergeQueue(baseBranch: string): GitHubClaim {
    validateRefName('branch', baseBranch);
    if (Token.isUnresolved(baseBranch)) rejectWildcardNextToToken('merge queue base branch', baseBranch);
    return GitHubClaim.queue(baseBranch, longestEscaped(baseBranch, LONGEST.refName));
  }

  /**
   * The `context` claim of a run on a tag: `ref:refs/tags/TAG`.
   *
   * @param name the tag name, without `refs/tags/`; `*` and `?` match any characters
   */
  public static tag(name: string): GitHubClaim {
    validateRefName('tag', name);
    return GitHubClaim.context(`ref:refs/tags/${name}`, { kind: 'tag', name }, longestEscaped(name, LONGEST.refName));
  }

  /**
   * The `context` claim of a job that uses an environment: `environment:NAME`.
   *
   * A `:` in the name is written `%3A`, as GitHub writes it.
   *
   * @param name the environment name; `*` and `?` match any characters
   */
  public static environment(name: string): GitHubClaim {
    validateEnvironmentName(name);
    return GitHubClaim.context(
      `environment:${replaceAtDeployment(name, ':', '%3A')}`,
      { kind: 'environment', name },
      longestEscaped(name, LONGEST.environment),
    );
  }

  /**
   * The `context` claim of a run triggered by a pull request: `pull_request`.
   */
  public static pullRequest(): GitHubClaim {
    return GitHubClaim.context('pull_request', { kind: 'pullRequest' });
  }

  /**
   * Any `context`: every branch, tag, environment and pull request (`*`). Broad: a role warns.
   */
  public static anyContext(): GitHubClaim {
    return GitHubClaim.context('*', { kind: 'any' });
  }

  /**
   * The `ref` claim, for a subject template that lists `ref` besides `context`:
   * `ref:refs/heads/BRANCH`, `ref:refs/tags/TAG` or, for a run triggered by a pull
   * request, `ref:refs/pull/NUMBER/merge`.
   *
   * With it, a subject can require both an environment and the ref it deploys from:
   * `repo:octo-org/octo-app:environment:production:ref:refs/heads/main`.
   *
   * @param ref the full ref, such as `refs/heads/main`; `*` and `?` match any characters in the branch or tag name or the pull request number
   * @example
   * const subject = GitHubSubject.fromClaims([
   *   GitHubClaim.repo(GitHubRepository.of('octo-org', 'octo-app')),
   *   GitHubClaim.environment('production'),
   *   GitHubClaim.ref('refs/heads/main'),
   * ]);
   */
  public static ref(ref: string): GitHubClaim {
    if (Token.isUnresolved(ref)) {
      rejectWildcardNextToToken('ref', ref);
    } else {
      if (ref.startsWith('refs/heads/')) {
        validateRefName('branch', ref.slice('refs/heads/'.length));
      } else if (ref.startsWith('refs/tags/')) {
        validateRefName('tag', ref.slice('refs/tags/'.length));
      } else {
        validatePullRequestRef(ref);
      }
    }
    const base = Token.isUnresolved(ref) ? undefined : MERGE_QUEUE.exec(ref.slice('refs/heads/'.length))?.[1];
    return new GitHubClaim('ref', `ref:${ref}`, { longestAtDeployment: longestEscaped(ref, LONGEST.ref), mergeQueueBase: ref.startsWith('refs/heads/') ? base : undefined });
  }

  /**
   * The `job_workflow_ref` claim: the reusable workflow that runs the job, as
   * `OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH`.
   *
   * @param ref the reusable workflow's path and ref; `*` and `?` may appear in the branch or tag name only
   */
  public static jobWorkflowRef(ref: string): GitHubClaim {
    validateJobWorkflowRef(ref);
    return new GitHubClaim('job_workflow_ref', `job_workflow_ref:${ref}`, { longestAtDeployment: longestEscaped(ref, LONGEST.jobWorkflowRef) });
  }

  /**
   * The `repository_owner_id` claim: `repository_owner_id:ID`.
   */
  public static repositoryOwnerId(ownerId: string): GitHubClaim {
    validateNumericId('owner ID', ownerId);
    return new GitHubClaim('repository_owner_id', `repository_owner_id:${ownerId}`, {
      pinsOwner: true,
      ownerId,
      longestAtDeployment: longestEscaped(ownerId, LONGEST.id),
    });
  }

  /**
   * The `repository_id` claim: `repository_id:ID`.
   */
  public static repositoryId(repositoryId: string): GitHubClaim {
    validateNumericId('repository ID', repositoryId);
    return new GitHubClaim('repository_id', `repository_id:${repositoryId}`, {
      pinsRepository: true,
      repositoryId,
      longestAtDeployment: longestEscaped(repositoryId, LONGEST.id),
    });
  }

  private static queue(baseBranch: string, longestAtDeployment: number): GitHubClaim {
    return new GitHubClaim('context', `ref:refs/heads/gh-readonly-queue/${baseBranch}/pr-*`, {
      context: { kind: 'mergeQueue', name: baseBranch },
      mergeQueueBase: baseBranch,
      longestAtDeployment,
    });
  }

  private static context(text: string, context: RunContext, longestAtDeployment = 0): GitHubClaim {
    return new GitHubClaim('context', text, { context, longestAtDeployment });
  }

  /**
   * The claim's name in the subject template, such as `repo`, `context` or `job_workflow_ref`.
   */
  public readonly key: string;

  /**
   * The claim as it appears in `sub`, such as `repo:octo-org/octo-app` or `ref:refs/heads/main`.
   */
  public readonly text: string;

  /** @internal */
  public readonly _traits: ClaimTraits;

  private constructor(key: string, text: string, traits: ClaimTraits) {
    this.key = key;
    this.text = text;
    this._traits = traits;
  }
}

/**
 * A value of a GitHub Actions token's `sub` claim that a role trusts: exact, or a
 * pattern with `*` and `?` wildcards.
 *
 * Build subjects with `GitHubRepository` (`repo.branch('main')`), with
 * `GitHubSubject.fromClaims()` for custom subject templates, or with
 * `GitHubSubject.fromString()`. Every subject names the owner and the repository
 * exactly; wildcards may appear only in branch, tag and environment names, after
 * the claims that name the owner and the repository.
 *
 * @example
 * const subject = GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/heads/main');
 */
export class GitHubSubject {
  /**
   * A subject for a custom subject template: the claims in the template's order.
   *
   * The claims must name the owner (`repo` or `repository_owner_id`) and the
   * repository (`repo` or `repository_id`), before any claim with a wildcard, and
   * hold at most one context.
   *
   * @example
   * const subject = GitHubSubject.fromClaims([
   *   GitHubClaim.repositoryOwnerId('1234567'),
   *   GitHubClaim.repositoryId('89012345'),
   *   GitHubClaim.branch('main'),
   * ]);
   */
  public static fromClaims(claims: GitHubClaim[]): GitHubSubject {
    const value = claims.map(claim => claim.text).join(':');
    if (claims.length === 0) {
      throw new Error('A subject needs at least one claim: start with GitHubClaim.repo(repository).');
    }
    // The builders' own shape, a repository then its context, passes every check below by construction.
    if (claims.length === 2 && claims[0].key === 'repo' && claims[1].key === 'context') {
      return new GitHubSubject(value, hasWildcard(claims[1].text), [...claims], impliedConditions(claims));
    }
    assertClaimsOnce(value, claims);
    if (claims.length === 1 && claims[0].key === 'repo') {
      throw new NoTokenMatchesError(
        `Subject '${value}' has no context: GitHub's default subject template always adds the run's branch or tag ` +
        "('ref:refs/heads/<branch>'), environment or 'pull_request', so no token matches it. Name the context, such as " +
        `'${value}:ref:refs/heads/main', or '${value}:*' for every run. ` +
        "(A subject template that lists only 'repo' gives every run, pull requests included, the same sub; this library " +
        "does not trust it: list 'context' too.)",
      );
    }
    const pinsOwner = claims.some(claim => claim._traits.pinsOwner);
    const pinsRepository = claims.some(claim => claim._traits.pinsRepository);
    if (!pinsOwner || !pinsRepository) {
      throw new Error(
        `Subject '${value}' does not name both the owner and the repository, so it would admit workflows ` +
        `of other repositories. Add GitHubClaim.repo(repository), or both GitHubClaim.${apiName('repositoryOwnerId()')} ` +
        `and GitHubClaim.${apiName('repositoryId()')}.`,
      );
    }
    assertWildcardsAfterPins(value, claims);
    assertConsistentIds(value, claims);
    assertRefMatchesContext(value, claims);
    return new GitHubSubject(value, hasWildcard(value), [...claims], impliedConditions(claims));
  }

  /**
   * Why no token GitHub sends can match a `sub` value of a trust policy, or undefined if one can.
   *
   * Decided by the subject builders' own parser: an exact value must parse, except where it names a
   * claim the builders do not model but a subject template may list; a pattern must have a literal
   * start (up to its first wildcard) that a valid subject can start with.
   *
   * @internal
   */
  public static _whyNoTokenMatches(value: string, pattern: boolean): string | undefined {
    const wildcard = pattern ? value.search(/[*?]/) : -1;
    try {
      if (wildcard < 0) GitHubSubject.fromString(value);
      else checkSubjectStart(value.slice(0, wildcard), value);
    } catch (error) {
      return error instanceof NoTokenMatchesError ? error.message : undefined;
    }
    return undefined;
  }

  /**
   * A subject written out in full, checked as strictly as the builders check it.
   *
   * A subject known only at deploy time (a token) is matched literally, whatever it holds:
   * a `*`, `?` or `${...}` in it is no wildcard or policy variable.
   *
   * @param subject the `sub` value, such as `repo:octo-org/octo-app:environment:production`
   */
  public static fromString(subject: string): GitHubSubject {
    if (Token.isUnresolved(subject)) {
      return new GitHubSubject(subject, false, [], []);
    }
    return GitHubSubject.fromClaims(parseClaims(subject));
  }

  /**
   * The `sub` value, such as `repo:octo-org/octo-app:ref:refs/heads/main`.
   */
  public readonly value: string;

  /**
   * Whether the value has `*` or `?` wildcards, so that the trust policy matches it with `StringLike`.
   */
  public readonly isPattern: boolean;

  /**
   * The claims the subject is made of, in order; empty for a subject known only at deploy time.
   */
  public readonly claims: GitHubClaim[];

  /**
   * The conditions on other claims that a token must meet besides matching the value.
   */
  public readonly conditions: GitHubClaimCondition[];

  private constructor(value: string, isPattern: boolean, claims: GitHubClaim[], conditions: GitHubClaimCondition[]) {
    assertNoDynamicReference('subject', value);
    this.value = value;
    this.isPattern = isPattern;
    this.claims = claims;
    this.conditions = conditions;
  }

  /**
   * The same subject, with conditions on other claims that a token must also meet, such as the
   * reusable workflow that runs the job or the ref an environment deploys from.
   *
   * Refused where no token could meet a condition or the subject already decides it.
   *
   * @example
   * const production = GitHubRepository.of('octo-org', 'octo-app').environment('production')
   *   .withConditions(GitHubClaimCondition.ref('refs/heads/main'), GitHubClaimCondition.notActor('dependabot[bot]'));
   */
  public withConditions(...conditions: GitHubClaimCondition[]): GitHubSubject {
    if (conditions.length === 0) return this;
    return new GitHubSubject(this.value, this.isPattern, this.claims, combineConditions(this, this.conditions, conditions));
  }

  /**
   * The subject and its conditions, a key that tells apart subjects a role trusts separately.
   *
   * @internal
   */
  public get _trustKey(): string {
    return JSON.stringify([this.value, this.isPattern, this._conditionsKey]);
  }

  /**
   * The conditions, a key equal for subjects with the same conditions in any order.
   *
   * @internal
   */
  public get _conditionsKey(): string {
    if (this.conditions.length === 0) return '[]';
    return JSON.stringify(conditionsKey(this.conditions));
  }

  /**
   * Whether the subject admits every branch, tag, environment and pull request of the
   * repository: its context is `*`, or it has neither a context nor a `ref` claim.
   */
  public get admitsAnyContext(): boolean {
    if (this.conditions.some(condition => ['ref', 'environment'].includes(condition.claim) && narrowsRuns(condition.claim, condition.value, condition.isPattern))) return false;
    const context = this._runContext;
    if (context !== undefined) return context.kind === 'any';
    return this.claims.length > 0 && !this.claims.some(claim => claim.key === 'ref');
  }

  /**
   * The most characters the subject's values known only at deployment can add to the trust policy.
   *
   * @internal
   */
  public get _longestAtDeployment(): number {
    const conditions = this.conditions.reduce((total, condition) => total + condition._longestAtDeployment, 0);
    if (this.claims.length === 0) return hasDeployTimeValue(this.value) ? Infinity : conditions;
    return this.claims.reduce((total, claim) => total + (claim._traits.longestAtDeployment ?? 0), conditions);
  }

  /**
   * The run context the subject names, if any.
   *
   * @internal
   */
  public get _runContext(): RunContext | undefined {
    return this.claims.find(claim => claim._traits.context !== undefined)?._traits.context;
  }

  /**
   * The `sub` value, and its conditions on other claims after `where`.
   */
  public toString(): string {
    const others = this.conditions.filter(condition => condition.claim !== 'sub');
    return others.length === 0 ? this.value : `${this.value} where ${others.join(' and ')}`;
  }
}

/** A merge queue's branch for a base branch, as `GitHubClaim.mergeQueue()` writes it. */
const MERGE_QUEUE = /^gh-readonly-queue\/(.+)\/pr-\*$/;

/**
 * The conditions a subject's claims stand for besides `sub`: a `repository_id` pin for a name-form
 * `repo` claim of a repository with a known ID, and, for a merge queue's claim, the refs under its
 * pattern with a `/` after `pr-`: IAM's `*` crosses `/`, and no queue branch of the base has one
 * there (one of another base, `main/pr-x`, would). The claims after it stay as they are, so the
 * subject's own tokens never match what is left out.
 */
function impliedConditions(claims: GitHubClaim[]): GitHubClaimCondition[] {
  if (claims.every(claim => claim._traits.repositoryIdCondition === undefined && claim._traits.mergeQueueBase === undefined)) return [];
  const ids = claims.map(claim => claim._traits.repositoryIdCondition).filter((id): id is string => id !== undefined);
  const pins = [...new Set(ids)].map(id => GitHubClaimCondition.repositoryId(id));
  const queue = claims.findIndex(claim => claim._traits.mergeQueueBase !== undefined);
  if (queue < 0) return pins;
  const longest = claims.reduce((total, claim) => total + (claim._traits.longestAtDeployment ?? 0), 0);
  const leftOut = claims.map((claim, i) => (i === queue ? `${claim.text}/*` : claim.text)).join(':');
  return [...pins, GitHubClaimCondition._notSubject(leftOut, longest)];
}

/** The conditions in a stable order, each as text. */
function conditionsKey(conditions: GitHubClaimCondition[]): string[] {
  return conditions.map(condition => `${condition.claim}${condition.negated ? '!=' : '='}${condition.value}`).sort();
}

/**
 * Refuses a wildcard that stands before a claim naming the owner or the repository:
 * IAM's `*` also matches `:` and `/`, so such a pattern admits forged claims after it.
 */
function assertWildcardsAfterPins(value: string, claims: GitHubClaim[]): void {
  const firstWildcard = claims.findIndex(claim => hasWildcard(claim.text));
  if (firstWildcard < 0) return;
  const laterPin = claims.slice(firstWildcard + 1).find(claim => claim._traits.pinsOwner || claim._traits.pinsRepository);
  if (laterPin !== undefined) {
    throw new Error(
      `Subject '${value}' has a wildcard in '${claims[firstWildcard].text}' before '${laterPin.text}', which names ` +
      "the owner or the repository: IAM's '*' also matches ':' and '/', so whatever it matches could carry other " +
      'claims and names, and the pattern no longer pins one repository. ' +
      'Put the claims that name the owner and the repository first, and wildcards only after them.',
    );
  }
}

/**
 * Refuses a claim written twice. Most repeats mean no token matches: a subject template lists
 * each claim once and a run has one context. Two pairs can come from a template that lists a
 * claim besides the context (a `ref` then an environment, the same environment twice) or are
 * not known to be impossible (a `ref` then `pull_request`): those are refused but not called
 * impossible.
 */
function assertClaimsOnce(value: string, claims: GitHubClaim[]): void {
  const keys = claims.map(claim => claim.key);
  const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
  if (repeated === undefined) return;
  const contexts = claims.filter(claim => claim.key === 'context');
  const possible = repeated === 'context' && contexts.length === 2 && (
    contexts[0]._traits.context?.kind === 'branch' || contexts[0]._traits.context?.kind === 'tag'
    || (contexts[0].text === contexts[1].text && contexts[0]._traits.context?.kind === 'environment'));
  const message = `Subject '${value}' has the '${repeated}' claim twice: GitHub writes each claim of the subject template once ` +
    '(a run has one context: a branch, a tag, an environment or a pull request). Give one subject per alternative.';
  throw possible ? new Error(message) : new NoTokenMatchesError(message);
}

/**
 * The start of a pattern, up to its first wildcard, must be the start of a subject GitHub can
 * send: its whole claims parse, and the part the wildcard cuts off can still become one.
 */
function checkSubjectStart(start: string, value: string): void {
  const parts = start.split(':');
  const cut = parts.pop()!;
  const takesValue = (key: string) => Object.prototype.hasOwnProperty.call(CLAIMS_WITH_VALUES, key) || TEMPLATE_CLAIMS.includes(key);
  let pendingKey: string | undefined;
  for (let i = 0; i < parts.length; i += parts[i] === 'pull_request' || !takesValue(parts[i]) ? 1 : 2) {
    if (i === parts.length - 1 && takesValue(parts[i])) pendingKey = parts.pop();
  }
  const claims = parts.length > 0 ? parseClaims(parts.join(':')) : [];
  assertClaimsOnce(value, claims);
  assertConsistentIds(value, claims);
  if (pendingKey === 'repo' && cut.includes('/')) {
    const [owner, ownerId] = cut.split('/')[0].split('@');
    validateOwner(owner);
    if (ownerId !== undefined) validateNumericId('owner ID', ownerId);
  }
  const refStart = pendingKey === 'ref' && !('refs/'.startsWith(cut) || cut.startsWith('refs/'));
  if (refStart || (pendingKey === undefined && !SUBJECT_KEYS.some(key => key.startsWith(cut)))) {
    throw new NoTokenMatchesError(
      `Pattern '${value}' has '${cut}' where ${refStart ? "a ref starts, and every ref starts with 'refs/'" : "a claim's name goes, and no claim is named so"}. ` +
      "Subjects are 'repo:<owner>/<repository>:' then the context, such as 'ref:refs/heads/<branch>', 'environment:<name>' or 'pull_request'.",
    );
  }
}

/**
 * Refuses two claims that name different IDs for the owner or the repository: no token carries both.
 */
function assertConsistentIds(value: string, claims: GitHubClaim[]): void {
  for (const [what, ids] of [
    ['owner', claims.map(claim => claim._traits.ownerId)],
    ['repository', claims.map(claim => claim._traits.repositoryId)],
  ] as Array<[string, Array<string | undefined>]>) {
    const known = [...new Set(ids.filter((id): id is string => id !== undefined && !Token.isUnresolved(id)))];
    if (known.length > 1) {
      throw new NoTokenMatchesError(
        `Subject '${value}' names two different ${what} IDs (${known.join(' and ')}), so no token could ever match it. ` +
        `Give the ${what}'s ID once, or the same ID in every claim.`,
      );
    }
  }
}

/**
 * Refuses a `ref` claim that contradicts a branch or tag context: a run on a branch or tag
 * has that ref, and only a run triggered by a pull request has `refs/pull/...`.
 */
function assertRefMatchesContext(value: string, claims: GitHubClaim[]): void {
  const context = claims.find(claim => claim._traits.context)?._traits.context;
  const ref = claims.find(claim => claim.key === 'ref');
  if (ref === undefined || (context?.kind !== 'branch' && context?.kind !== 'tag')) return;
  const contextText = claims.find(claim => claim._traits.context)!.text;
  const exact = (text: string) => !hasWildcard(text) && !Token.isUnresolved(text);
  const contradicts = ref.text.startsWith('ref:refs/pull/') || (exact(contextText) && exact(ref.text) && contextText !== ref.text);
  if (contradicts) {
    throw new NoTokenMatchesError(
      `Subject '${value}' has the context '${contextText}' and the claim '${ref.text}': a run on a ${context.kind} has ` +
      'that ref, so no token could ever match it. Give the same ref in both, or use the pull_request context for a pull request\'s ref.',
    );
  }
}

/** The value of a `ref` part: the run's context when no other context came before it. */
function parseRef(value: string, contextSeen: boolean): GitHubClaim {
  if (!contextSeen && value.startsWith('refs/heads/')) return GitHubClaim.branch(value.slice('refs/heads/'.length));
  if (!contextSeen && value.startsWith('refs/tags/')) return GitHubClaim.tag(value.slice('refs/tags/'.length));
  if (contextSeen || value.startsWith('refs/pull/')) return GitHubClaim.ref(value);
  throw new NoTokenMatchesError(
    `Invalid ref '${value}' in a subject: refs are 'refs/heads/<branch>', 'refs/tags/<tag>' or, after a context, ` +
    "'refs/pull/<number>/merge'.",
  );
}

/**
 * The claims of a GitHub Actions token that a subject template (`include_claim_keys`) may list
 * besides those the builders read, each written `<claim>:<value>` in `sub`.
 */
const TEMPLATE_CLAIMS = [
  'actor', 'actor_id', 'base_ref', 'check_run_id', 'enterprise', 'enterprise_id', 'environment_node_id', 'event_name', 'head_ref', 'job_workflow_sha',
  'ref_protected', 'ref_type', 'repository', 'repository_owner', 'repository_visibility', 'run_attempt', 'run_id',
  'run_number', 'runner_environment', 'sha', 'workflow', 'workflow_ref', 'workflow_sha',
];

const CLAIMS_WITH_VALUES: { [key: string]: (value: string, before: GitHubClaim[]) => GitHubClaim } = {
  repo: value => GitHubClaim.repo(parseRepoClaim(value)),
  ref: (value, before) => parseRef(value, before.some(claim => claim.key === 'context')),
  environment: value => GitHubClaim.environment(value.replace(/%3A/g, ':')),
  job_workflow_ref: value => GitHubClaim.jobWorkflowRef(value),
  repository_owner_id: value => GitHubClaim.repositoryOwnerId(value),
  repository_id: value => GitHubClaim.repositoryId(value),
};

/** What a part of a subject can start with where a claim begins. */
const SUBJECT_KEYS = ['pull_request', ...Object.keys(CLAIMS_WITH_VALUES), ...TEMPLATE_CLAIMS];

function parseClaims(subject: string): GitHubClaim[] {
  const parts = subject.split(':');
  const claims: GitHubClaim[] = [];
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    if (key === 'pull_request') {
      claims.push(GitHubClaim.pullRequest());
    } else if (key === '*' && i === parts.length - 1) {
      claims.push(GitHubClaim.anyContext());
    } else if (Object.prototype.hasOwnProperty.call(CLAIMS_WITH_VALUES, key) && i + 1 < parts.length) {
      claims.push(CLAIMS_WITH_VALUES[key](parts[++i], claims));
    } else {
      const colon = claims[claims.length - 1]?._traits.context?.kind === 'environment'
        ? " (a ':' in an environment name is written '%3A', as GitHub writes it)" : '';
      // A claim the builders do not model may still be in a subject template; anything else is in no token.
      const modelled = i + 1 < parts.length && TEMPLATE_CLAIMS.includes(key);
      throw new (modelled ? Error : NoTokenMatchesError)(
        `Invalid subject '${subject}': cannot read the part '${key}'${colon}. Subjects are built from ` +
        `${Object.keys(CLAIMS_WITH_VALUES).map(k => `'${k}:<value>'`).join(', ')}, 'pull_request' and a final '*', ` +
        "such as 'repo:octo-org/octo-app:ref:refs/heads/main'.",
      );
    }
  }
  return claims;
}

function parseRepoClaim(value: string): GitHubRepository {
  if (!/^[^/]*\/[^/]*$/.test(value)) {
    throw new NoTokenMatchesError(`Invalid repo claim '${value}' in a subject: use 'owner/name' or 'owner@OWNER_ID/name@REPO_ID'.`);
  }
  return GitHubRepository.fromFullName(value);
}

