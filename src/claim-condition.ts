import { Token } from './private/aws-cdk-lib';
import {
  hasWildcard,
  rejectWildcardNextToToken,
  validateActor,
  validateEnvironmentName,
  validateJobWorkflowRef,
  validateNumericId,
  validatePullRequestRef,
  validateRefName,
} from './private/github-names';
import { assertNoDynamicReference, longestEscaped } from './private/iam-strings';

// The longest GitHub allows each value to be, for the trust policy's size at deployment.
const LONGEST = { id: 20, ref: 266, environment: 255, jobWorkflowRef: 1024 };

/**
 * A condition on one of the token's claims that AWS STS evaluates besides `sub`, such as
 * the immutable `repository_id` or the reusable workflow (`job_workflow_ref`) that runs the job.
 *
 * Add conditions to a subject with `GitHubSubject.withConditions()`, or to every subject of a
 * role with its `claimConditions`: a token must then match the subject and every condition.
 * Subjects with different conditions get separate statements, so each condition applies only
 * to the subjects it was given with.
 *
 * AWS announced these condition keys for github.com's issuer in 2026. For other issuers (GitHub
 * Enterprise Cloud, GHE.com, GitHub Enterprise Server) and the China and GovCloud partitions the
 * library could not confirm them, and a role that uses them there warns at synth time. A claim
 * STS does not set keeps every token out: each condition, negated ones too, requires the claim.
 *
 * @example
 * const app = GitHubRepository.of('octo-org', 'octo-app');
 * const subject = app.environment('production').withConditions(
 *   GitHubClaimCondition.ref('refs/heads/main'),
 *   GitHubClaimCondition.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
 * );
 */
export class GitHubClaimCondition {
  /**
   * The repository's immutable numeric ID (`repository_id`), which no renamed, transferred or
   * re-created repository of the same name carries.
   *
   * @param repositoryId the `id` the GitHub REST API returns for the repository
   */
  public static repositoryId(repositoryId: string): GitHubClaimCondition {
    validateNumericId('repository ID', repositoryId);
    return new GitHubClaimCondition('repository_id', repositoryId, false, longestEscaped(repositoryId, LONGEST.id));
  }

  /**
   * The reusable workflow that runs the job (`job_workflow_ref`), as
   * `OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH`, without a custom subject template.
   *
   * A job that calls no reusable workflow carries its own workflow's path here.
   *
   * @param ref the workflow's path and ref; `*` and `?` may appear in the branch or tag name only
   */
  public static jobWorkflowRef(ref: string): GitHubClaimCondition {
    validateJobWorkflowRef(ref);
    return new GitHubClaimCondition('job_workflow_ref', ref, false, longestEscaped(ref, LONGEST.jobWorkflowRef));
  }

  /**
   * The account that started the run (`actor`, as `github.actor`), such as `dependabot[bot]`.
   * Compared without regard to case, as GitHub compares logins. A re-run keeps the actor of the first run.
   *
   * @param login the user or app login, such as `octocat` or `dependabot[bot]`
   */
  public static actor(login: string): GitHubClaimCondition {
    validateActor(login);
    return new GitHubClaimCondition('actor', login, false, 0);
  }

  /**
   * Every account but this one started the run (`actor`), such as `notActor('dependabot[bot]')` to keep
   * Dependabot's runs out. Compared without regard to case; a token without the claim is refused.
   *
   * @param login the user or app login, such as `dependabot[bot]`
   */
  public static notActor(login: string): GitHubClaimCondition {
    validateActor(login);
    return new GitHubClaimCondition('actor', login, true, 0);
  }

  /**
   * The numeric ID of the account that started the run (`actor_id`), which a renamed account keeps.
   *
   * @param actorId the `id` the GitHub REST API returns for the user or app's bot account
   */
  public static actorId(actorId: string): GitHubClaimCondition {
    validateNumericId('actor ID', actorId);
    return new GitHubClaimCondition('actor_id', actorId, false, longestEscaped(actorId, LONGEST.id));
  }

  /**
   * Every account but the one with this numeric ID started the run (`actor_id`); a token without
   * the claim is refused.
   *
   * @param actorId the `id` the GitHub REST API returns for the user or app's bot account
   */
  public static notActorId(actorId: string): GitHubClaimCondition {
    validateNumericId('actor ID', actorId);
    return new GitHubClaimCondition('actor_id', actorId, true, longestEscaped(actorId, LONGEST.id));
  }

  /**
   * The numeric ID of the enterprise that owns the repository (`enterprise_id`); only repositories
   * of an enterprise account carry it.
   *
   * @param enterpriseId the enterprise's ID
   */
  public static enterpriseId(enterpriseId: string): GitHubClaimCondition {
    validateNumericId('enterprise ID', enterpriseId);
    return new GitHubClaimCondition('enterprise_id', enterpriseId, false, longestEscaped(enterpriseId, LONGEST.id));
  }

  /**
   * The ref the run is on (`ref`): for an environment's subject, the branch or tag it may deploy from.
   *
   * A branch or tag subject already names its ref, and a pull request's ref is `refs/pull/NUMBER/merge`,
   * so this adds to environment subjects, subjects of every context, and custom subjects without a ref.
   *
   * @param ref the full ref, such as `refs/heads/main` or `refs/tags/v*`; `*` and `?` match any characters in the branch or tag name
   */
  public static ref(ref: string): GitHubClaimCondition {
    if (Token.isUnresolved(ref)) {
      rejectWildcardNextToToken('ref', ref);
    } else if (ref.startsWith('refs/heads/')) {
      validateRefName('branch', ref.slice('refs/heads/'.length));
    } else if (ref.startsWith('refs/tags/')) {
      validateRefName('tag', ref.slice('refs/tags/'.length));
    } else {
      validatePullRequestRef(ref);
    }
    return new GitHubClaimCondition('ref', ref, false, longestEscaped(ref, LONGEST.ref));
  }

  /**
   * The environment the job uses (`environment`), for a subject whose template has no context,
   * such as `repository_owner_id:ID:repository_id:ID`; a subject with a context names the environment there.
   *
   * @param name the environment name, exactly as in the repository settings (a `:` stays `:` here); `*` and `?` match any characters
   */
  public static environment(name: string): GitHubClaimCondition {
    validateEnvironmentName(name);
    return new GitHubClaimCondition('environment', name, false, longestEscaped(name, LONGEST.environment));
  }

  /**
   * Not this `sub` pattern: what a merge queue's subject leaves out (`GitHubRepository.mergeQueue()`).
   *
   * @internal
   */
  public static _notSubject(pattern: string, longestAtDeployment: number): GitHubClaimCondition {
    return new GitHubClaimCondition('sub', pattern, true, longestAtDeployment);
  }

  /**
   * The claim's name, such as `repository_id` or `actor`; its IAM condition key is the issuer's
   * prefix and this name, such as `token.actions.githubusercontent.com:repository_id`.
   */
  public readonly claim: string;

  /**
   * The value the claim must have, or must not have where `negated`: exact, or a pattern with `*` and `?`.
   */
  public readonly value: string;

  /**
   * Whether the claim must differ from the value (`notActor()`, `notActorId()`).
   */
  public readonly negated: boolean;

  /**
   * Whether the value has `*` or `?` wildcards.
   */
  public readonly isPattern: boolean;

  /** @internal */
  public readonly _longestAtDeployment: number;

  private constructor(claim: string, value: string, negated: boolean, longestAtDeployment: number) {
    assertNoDynamicReference(`${claim} condition`, value);
    this.claim = claim;
    this.value = value;
    this.negated = negated;
    this.isPattern = hasWildcard(value);
    this._longestAtDeployment = longestAtDeployment;
  }

  /**
   * Whether the claim is compared without regard to case, as logins are.
   *
   * @internal
   */
  public get _ignoresCase(): boolean {
    return this.claim === 'actor';
  }

  /**
   * The condition as a reader sees it, such as `actor != dependabot[bot]`.
   */
  public toString(): string {
    return `${this.claim} ${this.negated ? '!=' : '='} ${this.value}`;
  }
}
