import { GitHubToken } from './github-token';
import type { PolicyDocument } from './policy-document';
import { TrustAuditOptions, TrustFinding } from './trust-finding';
import { trustEngine } from '../private/on-first-use';

/**
 * One reason a token was denied, in the terms of a mistake users make.
 */
export interface TrustDenialCause {
  /**
   * A stable ID: `never-matches` (a statement no token can satisfy, listed first), `wrong-issuer`,
   * `wrong-audience`, `letter-case`, `environment-job`, `branch-job`,
   * `immutable-form`, `name-form`, `pull-request`, `reusable-workflow`, `explicit-deny`,
   * `different-subject`, `other-condition`, `wrong-action` or `no-subject`.
   */
  readonly cause: string;

  /**
   * What differs and what to do.
   */
  readonly message: string;
}

/**
 * Whether a trust policy lets a token assume the role, and why.
 */
export interface TrustDecision {
  /**
   * Whether `sts:AssumeRoleWithWebIdentity` is allowed.
   */
  readonly allowed: boolean;

  /**
   * `Allow` or `Deny`.
   */
  readonly decision: string;

  /**
   * Whether a Deny statement applied (rather than no Allow statement).
   */
  readonly explicitDeny: boolean;

  /**
   * The statement that decided: the Deny that applied, or the first Allow that applied.
   *
   * @default - none: no statement applied, so the request is denied implicitly
   */
  readonly statement?: number;

  /**
   * What each relevant statement and condition made of the token, one line each.
   */
  readonly reasons: string[];

  /**
   * For a Deny, why, in the terms of the mistakes users make.
   */
  readonly causes: TrustDenialCause[];

  /**
   * For a Deny, the trusted subject nearest to the token's `sub`.
   *
   * @default - none: allowed, or no subject compares
   */
  readonly nearestSubject?: string;
}

/**
 * A role's trust policy, read from its JSON document, to evaluate against GitHub Actions
 * tokens and to audit.
 *
 * The evaluator follows IAM's documented semantics for Allow and Deny statements,
 * `Principal`/`NotPrincipal` (`Federated`), `Action`/`NotAction`, the String operators with
 * their `Not`, `IgnoreCase` and `IfExists` forms, `Null`, `ForAnyValue:` and `ForAllValues:`,
 * policy variables (with defaults) and `${*}`, `${?}`, `${$}`. It matches the OIDC provider by
 * its issuer in any account and partition.
 *
 * @example
 * declare const document: any;
 * const policy = TrustPolicy.fromJson(document);
 * const decision = policy.evaluate(GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' }));
 */
export class TrustPolicy {
  /**
   * Reads a trust policy document: a JSON object, or its JSON text (also URL-encoded, as IAM returns it).
   *
   * @param document the policy, such as `{"Version": "2012-10-17", "Statement": [...]}`
   */
  public static fromJson(document: any): TrustPolicy {
    return new TrustPolicy(trustEngine().readPolicyDocument(document));
  }

  private readonly document: PolicyDocument;

  private constructor(document: PolicyDocument) {
    this.document = document;
  }

  /**
   * Whether any Allow statement trusts a GitHub issuer (github.com, an enterprise's issuer,
   * GHE.com or GitHub Enterprise Server) with `sts:AssumeRoleWithWebIdentity`.
   */
  public get trustsGitHub(): boolean {
    return this.document.statements.some(trustEngine().trustsGitHub);
  }

  /**
   * Decides whether the token may assume the role, with the statement and the
   * conditions that decided, and for a denial the nearest trusted subject and what differs.
   */
  public evaluate(token: GitHubToken): TrustDecision {
    const engine = trustEngine();
    const evaluation = engine.evaluate(this.document, { issuer: token.issuerHostAndPath, keys: token._contextKeys() });
    const explanation = engine.explainEvaluation(evaluation, token, this.document.variables);
    const decider = evaluation.statements.find(result => result.applies && result.statement.effect === (evaluation.explicitDeny ? 'Deny' : 'Allow'));
    return {
      allowed: evaluation.allowed,
      decision: evaluation.allowed ? 'Allow' : 'Deny',
      explicitDeny: evaluation.explicitDeny,
      statement: evaluation.allowed || evaluation.explicitDeny ? decider?.statement.index : undefined,
      reasons: explanation.reasons,
      causes: explanation.causes,
      nearestSubject: explanation.nearestSubject,
    };
  }

  /**
   * Checks the statements that trust a GitHub issuer against the audit rules (`TrustAuditRule.all()`).
   *
   * @param options what the audit may know besides the policy: the provider's client IDs, the `sub` form of repositories
   * @returns the findings, most severe rule first
   */
  public audit(options: TrustAuditOptions = {}): TrustFinding[] {
    return trustEngine().auditDocument(this.document, options);
  }
}
