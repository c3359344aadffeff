import { Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IGitHubOidcProvider } from '../provider';
import type { GitHubSubject } from '../subject';

/**
 * The federated principal of a GitHub Actions role, which writes the role's trust policy.
 *
 * Conditions in one statement are ANDed, so exact subjects (`StringEquals`) and
 * patterns (`StringLike`) go in separate statements; each statement pins `aud`.
 * The subject lists are lazy, so subjects added after the role was created still
 * land in the template, sorted and without duplicates.
 */
export class GitHubTrustPrincipal extends iam.WebIdentityPrincipal implements iam.IAssumeRolePrincipal {
  private readonly trusted: GitHubSubject[] = [];
  private document?: iam.PolicyDocument;
  private hasExactStatement = false;
  private hasPatternStatement = false;

  public constructor(private readonly provider: IGitHubOidcProvider, private readonly audience: string) {
    super(provider.oidcProviderArn);
  }

  /**
   * Adds a subject; returns false when it was already trusted.
   */
  public addSubject(subject: GitHubSubject): boolean {
    if (this.trusted.some(s => s.value === subject.value)) return false;
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

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
    this.addMissingStatements();
  }

  private addMissingStatements(): void {
    if (!this.document) return;
    if (!this.hasExactStatement && this.trusted.some(s => !s.isPattern)) {
      this.hasExactStatement = true;
      this.document.addStatements(this.statement('StringEquals', false));
    }
    if (!this.hasPatternStatement && this.trusted.some(s => s.isPattern)) {
      this.hasPatternStatement = true;
      this.document.addStatements(this.statement('StringLike', true));
    }
  }

  private statement(operator: 'StringEquals' | 'StringLike', patterns: boolean): iam.PolicyStatement {
    const issuer = this.provider.issuer;
    const subjectValues = Lazy.any({
      produce: () => singleOrList(this.trusted.filter(s => s.isPattern === patterns).map(s => s.value).sort()),
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

function singleOrList(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}
