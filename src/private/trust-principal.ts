import { Lazy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { apiName } from './api-names';
import { hasDeployTimeValue, likePattern } from './iam-strings';
import type { IGitHubOidcProvider } from '../provider';
import type { GitHubSubject } from '../subject';

type Operator = 'StringEquals' | 'StringLike';

/** Room the size bound leaves per statement, for anything the rendered document adds (such as a Sid). */
const SIZE_SLACK_PER_STATEMENT = 64;

/**
 * The condition operator that matches a subject exactly as meant.
 *
 * Plain text goes under `StringEquals`. A pattern goes under `StringLike`, and so does
 * anything IAM could read differently from what it says — a `$` (the start of a
 * policy variable) or a value known only at deployment — because only there do IAM's
 * escapes `${$}`, `${*}` and `${?}` make such text literal.
 */
export function subjectOperator(subject: GitHubSubject): Operator {
  const value = subject.value;
  return subject.isPattern || value.includes('$') || hasDeployTimeValue(value) ? 'StringLike' : 'StringEquals';
}

/**
 * The subject as written in its condition: under `StringLike`, with every character
 * that is not one of its wildcards made literal (a subject written out in full with a
 * deploy-time value in it has no wildcards: it is matched literally).
 */
export function subjectConditionValue(subject: GitHubSubject): string {
  return subjectOperator(subject) === 'StringLike' ? likePattern(subject.value, subject.isPattern) : subject.value;
}

/**
 * The federated principal of a GitHub Actions role, which writes the role's trust policy.
 *
 * Conditions in one statement are ANDed, so exact subjects (`StringEquals`) and
 * patterns (`StringLike`) go in separate statements; each statement pins `aud`.
 * The subject lists are lazy, so subjects added after the role was created still
 * land in the template, sorted and without duplicates — until the template is
 * synthesized, after which adding one is refused rather than silently lost.
 */
export class GitHubTrustPrincipal extends iam.WebIdentityPrincipal implements iam.IAssumeRolePrincipal {
  private readonly trusted: GitHubSubject[] = [];
  private readonly statements = new Set<Operator>();
  private document?: iam.PolicyDocument;
  private rendered = false;

  public constructor(private readonly provider: IGitHubOidcProvider, private readonly audience: string) {
    super(provider.oidcProviderArn);
  }

  /**
   * Adds a subject; returns false when it was already trusted.
   */
  public addSubject(subject: GitHubSubject): boolean {
    if (this.trusted.some(s => s.value === subject.value && s.isPattern === subject.isPattern)) return false;
    if (this.rendered) {
      throw new Error(
        `Cannot trust '${subject.value}': the role's trust policy was already synthesized, so the subject would not ` +
        `reach the template. Add every subject before the app is synthesized (before app.synth() or Template.${apiName('fromStack()')}).`,
      );
    }
    this.trusted.push(subject);
    this.addMissingStatements();
    return true;
  }

  /**
   * The subjects trusted, in the order they were added.
   */
  public get subjects(): GitHubSubject[] {
    return [...this.trusted];
  }

  /**
   * How many statements the principal writes into the role's trust policy.
   */
  public get statementCount(): number {
    return this.statements.size;
  }

  /**
   * An upper bound of the size that `trustPolicySize()` finds for a policy of only these
   * statements, computed from the subjects without resolving the document; undefined when a
   * value known only at deployment (in a subject, the audience or the issuer) leaves only the
   * exact count. The statements are written as the document renders them, with the longest
   * provider ARN (partition `aws-us-gov`, a 12-digit account) and room to spare.
   */
  public sizeBound(): number | undefined {
    const issuer = this.provider.issuer;
    if (Token.isUnresolved(this.audience) || Token.isUnresolved(issuer.hostAndPath) || this.trusted.some(s => hasDeployTimeValue(s.value))) {
      return undefined;
    }
    const statements = [...this.statements].map(operator => {
      const values = this.trusted.filter(s => subjectOperator(s) === operator).map(subjectConditionValue);
      const conditions: { [operator: string]: { [key: string]: unknown } } = { StringEquals: { [issuer.audienceConditionKey]: this.audience } };
      conditions[operator] = { ...conditions[operator], [issuer.subjectConditionKey]: values.length === 1 ? values[0] : values };
      return {
        Action: this.assumeRoleAction,
        Condition: conditions,
        Effect: 'Allow',
        Principal: { Federated: `arn:aws-us-gov:iam::123456789012:oidc-provider/${issuer.hostAndPath}` },
      };
    });
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    return Buffer.byteLength(text, 'utf8') + SIZE_SLACK_PER_STATEMENT * statements.length;
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
    this.addMissingStatements();
  }

  private addMissingStatements(): void {
    if (!this.document) return;
    for (const operator of ['StringEquals', 'StringLike'] as Operator[]) {
      if (!this.statements.has(operator) && this.trusted.some(s => subjectOperator(s) === operator)) {
        this.statements.add(operator);
        this.document.addStatements(this.statement(operator));
      }
    }
  }

  private statement(operator: Operator): iam.PolicyStatement {
    const issuer = this.provider.issuer;
    const subjectValues = Lazy.any({
      produce: () => {
        this.rendered = true;
        const values = this.trusted.filter(s => subjectOperator(s) === operator).sort(bySubject).map(subjectConditionValue);
        return values.length === 1 ? values[0] : values;
      },
    });
    const conditions: { [operator: string]: { [key: string]: unknown } } = {
      StringEquals: { [issuer.audienceConditionKey]: this.audience },
    };
    conditions[operator] = { ...conditions[operator], [issuer.subjectConditionKey]: subjectValues };
    return new iam.PolicyStatement({
      actions: [this.assumeRoleAction],
      principals: [this],
      conditions,
    });
  }
}

function bySubject(a: GitHubSubject, b: GitHubSubject): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
