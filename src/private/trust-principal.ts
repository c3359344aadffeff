import { Token } from 'aws-cdk-lib';
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
 * A subject added after the role was created updates its statement's condition, so it
 * still lands in the template, sorted and without duplicates — until the template is
 * synthesized (aws-cdk-lib then freezes the statements), after which adding one is refused
 * rather than silently lost.
 */
export class GitHubTrustPrincipal extends iam.WebIdentityPrincipal implements iam.IAssumeRolePrincipal {
  private readonly trusted: GitHubSubject[] = [];
  /** Each subject's operator, worked out once. */
  private readonly operators = new Map<GitHubSubject, Operator>();
  private readonly statements = new Map<Operator, iam.PolicyStatement>();
  private document?: iam.PolicyDocument;

  public constructor(private readonly provider: IGitHubOidcProvider, private readonly audience: string) {
    super(provider.oidcProviderArn);
  }

  /**
   * Adds a subject; returns false when it was already trusted.
   */
  public addSubject(subject: GitHubSubject): boolean {
    if (this.trusted.some(s => s.value === subject.value && s.isPattern === subject.isPattern)) return false;
    // aws-cdk-lib freezes a statement when it renders the policy.
    if ([...this.statements.values()].some(statement => statement.frozen)) {
      throw new Error(
        `Cannot trust '${subject.value}': the role's trust policy was already synthesized, so the subject would not ` +
        `reach the template. Add every subject before the app is synthesized (before app.synth() or Template.${apiName('fromStack()')}).`,
      );
    }
    this.trusted.push(subject);
    const operator = subjectOperator(subject);
    this.operators.set(subject, operator);
    const statement = this.statements.get(operator);
    if (statement) statement.addCondition(operator, { [this.provider.issuer.subjectConditionKey]: this.subjectValues(operator) });
    else this.addMissingStatements();
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
   * exact count.
   */
  public sizeBound(): number | undefined {
    const issuer = this.provider.issuer;
    if (Token.isUnresolved(this.audience) || Token.isUnresolved(issuer.hostAndPath) || this.trusted.some(s => hasDeployTimeValue(s.value))) {
      return undefined;
    }
    let size = skeletonSize(issuer.hostAndPath, issuer.audienceConditionKey, issuer.subjectConditionKey, this.audience, [...this.statements.keys()]);
    for (const operator of this.statements.keys()) {
      // Written as a list even for one value: two characters more than the string IAM gets.
      const values = this.trusted.filter(s => this.operators.get(s) === operator).map(subjectConditionValue);
      size += Buffer.byteLength(JSON.stringify(values), 'utf8');
    }
    return size;
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
    this.addMissingStatements();
  }

  private addMissingStatements(): void {
    if (!this.document) return;
    for (const operator of ['StringEquals', 'StringLike'] as Operator[]) {
      if (!this.statements.has(operator) && this.trusted.some(s => this.operators.get(s) === operator)) {
        const statement = this.statement(operator);
        this.statements.set(operator, statement);
        this.document.addStatements(statement);
      }
    }
  }

  /** The condition values of the subjects under an operator: sorted, as they appear in the template. */
  private subjectValues(operator: Operator): string | string[] {
    const values = this.trusted.filter(s => this.operators.get(s) === operator).sort(bySubject).map(subjectConditionValue);
    return values.length === 1 ? values[0] : values;
  }

  private statement(operator: Operator): iam.PolicyStatement {
    const issuer = this.provider.issuer;
    const conditions: { [operator: string]: { [key: string]: unknown } } = {
      StringEquals: { [issuer.audienceConditionKey]: this.audience },
    };
    conditions[operator] = { ...conditions[operator], [issuer.subjectConditionKey]: this.subjectValues(operator) };
    return new iam.PolicyStatement({
      actions: [this.assumeRoleAction],
      principals: [this],
      conditions,
    });
  }
}

const SKELETON_SIZES = new Map<string, number>();

/**
 * The size of the policy's statements without their subject lists (each written `[]`), with the
 * longest provider ARN (partition `aws-us-gov`, a 12-digit account) and room to spare; the same
 * for every role of an issuer and audience, so worked out once.
 */
function skeletonSize(hostAndPath: string, audienceKey: string, subjectKey: string, audience: string, operators: Operator[]): number {
  const cacheKey = JSON.stringify([hostAndPath, audienceKey, subjectKey, audience, operators]);
  let size = SKELETON_SIZES.get(cacheKey);
  if (size === undefined) {
    const statements = operators.map(operator => {
      const conditions: { [operator: string]: { [key: string]: unknown } } = { StringEquals: { [audienceKey]: audience } };
      conditions[operator] = { ...conditions[operator], [subjectKey]: [] };
      return {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: conditions,
        Effect: 'Allow',
        Principal: { Federated: `arn:aws-us-gov:iam::123456789012:oidc-provider/${hostAndPath}` },
      };
    });
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    size = Buffer.byteLength(text, 'utf8') - 2 * operators.length + SIZE_SLACK_PER_STATEMENT * operators.length;
    SKELETON_SIZES.set(cacheKey, size);
  }
  return size;
}

function bySubject(a: GitHubSubject, b: GitHubSubject): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
