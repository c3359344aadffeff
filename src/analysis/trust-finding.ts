import { GitHubRepository } from '../subject';

/**
 * How much a finding of the trust audit matters.
 */
export enum TrustFindingSeverity {
  /** Tokens of repositories nobody named can assume the role. */
  CRITICAL = 'critical',
  /** A condition is not evaluated as its author meant, or a check every role needs is missing. */
  HIGH = 'high',
  /** The role admits more runs of the named repositories than most roles need. */
  MEDIUM = 'medium',
  /** Worth a look: admitted runs that are easy to start. */
  LOW = 'low',
  /** A suggestion that makes trust sturdier. */
  INFO = 'info',
}

/**
 * A rule of the trust audit: a stable ID, its severity and what it checks.
 *
 * @example
 * const rule = TrustAuditRule.SUB_MISSING;
 * const fails = rule.severity === TrustFindingSeverity.CRITICAL;
 */
export class TrustAuditRule {
  /** An Allow statement trusts a GitHub issuer with no condition on `sub`: any repository on GitHub can assume the role. */
  public static readonly SUB_MISSING = new TrustAuditRule('sub-missing', TrustFindingSeverity.CRITICAL,
    'An Allow statement trusts a GitHub issuer without a condition on sub');
  /** A `sub` pattern has a wildcard in or before the owner or the repository (`repo:octo-org/*`, `*`). */
  public static readonly SUB_WILDCARD_BEFORE_PIN = new TrustAuditRule('sub-wildcard-before-pin', TrustFindingSeverity.CRITICAL,
    'A sub pattern has a wildcard in or before the owner or the repository');
  /**
   * The policy admits a token of a repository it does not name, as IAM evaluates it — however the
   * conditions are written (`IfExists`, `ForAllValues:`, `Principal: '*'`, `NotPrincipal`, ...).
   */
  public static readonly ADMITS_UNNAMED_REPOSITORY = new TrustAuditRule('admits-unnamed-repository', TrustFindingSeverity.CRITICAL,
    'The IAM evaluation admits a token of a repository the policy does not name');
  /** A `sub` value holds a policy variable, which IAM fills in from the request (`${...:sub}` admits every token). */
  public static readonly SUB_POLICY_VARIABLE = new TrustAuditRule('sub-policy-variable', TrustFindingSeverity.CRITICAL,
    'A sub value holds a policy variable that IAM fills in from the request');
  /**
   * A `sub` value holds a template value that only deployment knows, without IAM's escapes:
   * whatever it holds at deployment (`*`, `${...}`) acts as a wildcard or policy variable.
   */
  public static readonly SUB_UNESCAPED_DEPLOY_TIME_VALUE = new TrustAuditRule('sub-unescaped-deploy-time-value', TrustFindingSeverity.HIGH,
    'A sub value holds a deploy-time value that is not escaped');
  /**
   * A condition that no token GitHub sends can satisfy: a key STS never sets for the issuer, or
   * values no `sub` can hold (`repo:octo-org/*` under `StringEquals`, `repo:octo-org/octo-app`
   * without a context). A statement that requires one never applies: the role denies every run.
   */
  public static readonly NEVER_MATCHES = new TrustAuditRule('never-matches', TrustFindingSeverity.HIGH,
    'A condition that no token GitHub sends can satisfy');
  /** A role names a GitHub issuer, but its trust policy cannot be read, so it cannot be audited. */
  public static readonly UNREADABLE_POLICY = new TrustAuditRule('unreadable-policy', TrustFindingSeverity.HIGH,
    'A trust policy that names a GitHub issuer cannot be read');
  /** An Allow statement trusts a GitHub issuer with no condition on `aud`. */
  public static readonly AUD_MISSING = new TrustAuditRule('aud-missing', TrustFindingSeverity.HIGH,
    'An Allow statement trusts a GitHub issuer without a condition on aud');
  /** `ForAllValues:` on `sub` or `aud` in an Allow statement: it holds when the key is missing. */
  public static readonly FOR_ALL_VALUES = new TrustAuditRule('for-all-values-in-allow', TrustFindingSeverity.HIGH,
    'ForAllValues on sub or aud in an Allow statement holds when the key is missing');
  /** A condition key of another issuer than the statement's principal, or `:iss`: never evaluated as meant. */
  public static readonly FOREIGN_CONDITION_KEY = new TrustAuditRule('foreign-condition-key', TrustFindingSeverity.HIGH,
    "A condition key of another issuer than the principal's, or the iss key, is never in the request");
  /** A subject admits every branch, tag, environment and pull request of a repository (`repo:octo-org/octo-app:*`). */
  public static readonly ANY_CONTEXT = new TrustAuditRule('any-context', TrustFindingSeverity.MEDIUM,
    'A subject admits every branch, tag, environment and pull request of a repository');
  /** A subject admits runs triggered by pull requests, whose code nobody has reviewed yet. */
  public static readonly PULL_REQUEST = new TrustAuditRule('pull-request', TrustFindingSeverity.LOW,
    'A subject admits runs triggered by pull requests');
  /** A subject that the library's subject builders refuse (see the README's refusal catalogue). */
  public static readonly REFUSED_SUBJECT = new TrustAuditRule('refused-subject', TrustFindingSeverity.MEDIUM,
    "A sub value that the library's subject builders refuse");
  /** A name-form subject where the policy knows the repository's immutable IDs. */
  public static readonly NAME_FORM_WITH_IDS = new TrustAuditRule('name-form-with-ids', TrustFindingSeverity.INFO,
    "A name-form subject where the policy knows the repository's immutable IDs");

  /**
   * Every rule, in the order the audit reports them.
   */
  public static all(): TrustAuditRule[] {
    return [
      TrustAuditRule.SUB_MISSING, TrustAuditRule.SUB_WILDCARD_BEFORE_PIN, TrustAuditRule.SUB_POLICY_VARIABLE,
      TrustAuditRule.ADMITS_UNNAMED_REPOSITORY, TrustAuditRule.SUB_UNESCAPED_DEPLOY_TIME_VALUE, TrustAuditRule.NEVER_MATCHES,
      TrustAuditRule.UNREADABLE_POLICY,
      TrustAuditRule.AUD_MISSING, TrustAuditRule.FOR_ALL_VALUES, TrustAuditRule.FOREIGN_CONDITION_KEY,
      TrustAuditRule.ANY_CONTEXT, TrustAuditRule.REFUSED_SUBJECT, TrustAuditRule.PULL_REQUEST, TrustAuditRule.NAME_FORM_WITH_IDS,
    ];
  }

  /**
   * The rule's stable ID, such as `sub-missing`.
   */
  public readonly id: string;

  /**
   * How much a finding of this rule matters.
   */
  public readonly severity: TrustFindingSeverity;

  /**
   * What the rule checks, in one line.
   */
  public readonly title: string;

  private constructor(id: string, severity: TrustFindingSeverity, title: string) {
    this.id = id;
    this.severity = severity;
    this.title = title;
  }
}

/**
 * One problem the trust audit found in a trust policy.
 */
export interface TrustFinding {
  /**
   * The rule's stable ID, such as `sub-missing`.
   */
  readonly rule: string;

  /**
   * How much it matters.
   */
  readonly severity: TrustFindingSeverity;

  /**
   * What is wrong and how to fix it.
   */
  readonly message: string;

  /**
   * The index of the statement in the policy's `Statement` list.
   */
  readonly statement: number;

  /**
   * For a condition that never matches, the value (or condition key) to write instead, where one
   * follows from the mistake, such as `repo:octo-org/octo-app:ref:refs/heads/main`.
   *
   * @default - none: no single value follows
   */
  readonly correction?: string;
}

/**
 * What the trust audit may know besides the policy.
 */
export interface TrustAuditOptions {
  /**
   * The client IDs of the OIDC provider the policy trusts: the audiences STS accepts. An `aud`
   * condition that requires none of them never matches. Used when the policy trusts one GitHub
   * issuer; the provider's client IDs can change, so such a finding never silences another.
   *
   * @default - unknown: `aud` values are not checked against the provider
   */
  readonly providerClientIds?: string[];

  /**
   * Repositories whose `sub` form you know: one given with its IDs
   * (`GitHubRepository.of('octo-org', 'octo-app', { ownerId, repositoryId })`) sends the
   * immutable form, one without them sends the name form. Subjects of such a repository in the
   * other form never match.
   *
   * @default - none: both forms are taken as possible
   */
  readonly repositories?: GitHubRepository[];
}
