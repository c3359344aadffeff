import { apiName } from './api-names';
import { aws_iam as iam, Token } from './aws-cdk-lib';
import { hasDeployTimeValue, likePattern } from './iam-strings';
import type { GitHubClaimCondition } from '../claim-condition';
import type { IGitHubOidcProvider } from '../provider';
import type { GitHubSubject } from '../subject';

type Operator = 'StringEquals' | 'StringLike';

/** Conditions as a policy statement holds them: operator, then key, then a value or a list. */
type Conditions = { [operator: string]: { [key: string]: string | string[] } };

/**
 * Subjects matched under one operator and held to the same claim conditions: one statement. The
 * `sub` patterns its subjects leave out (a merge queue's) are refused for the whole statement, so a
 * subject joins only where no other member can match what they leave out.
 */
interface Group {
  /** The operator and the conditions, written out: the same for groups whose statements differ only in their subjects. */
  readonly kind: string;
  readonly operator: Operator;
  readonly conditions: GitHubClaimCondition[];
  readonly members: GitHubSubject[];
  /** Each member's value as its condition holds it, in the order of the members. */
  readonly conditionValues: string[];
  statement?: iam.PolicyStatement;
}

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
 * The conditions on claims besides `sub` and `aud`, as a statement holds them. Negated conditions on
 * one claim share a list (the claim must differ from each value), and each requires its claim
 * (`Null: false`), for a negated operator holds when the key is missing. Logins are compared
 * without regard to case; a pattern, a `$` or a deploy-time value goes under `StringLike`, escaped.
 */
export function claimConditions(prefix: string, conditions: GitHubClaimCondition[]): Conditions {
  const result: Conditions = {};
  const add = (operator: string, key: string, value: string) => {
    const block = result[operator] ?? (result[operator] = {});
    const before = block[key];
    block[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value].sort();
  };
  const byClaim = conditions.filter(condition => condition.claim !== 'sub').sort((a, b) => a.claim < b.claim ? -1 : a.claim > b.claim ? 1 : 0);
  for (const condition of byClaim) {
    const key = `${prefix}:${condition.claim}`;
    const like = condition.isPattern || condition.value.includes('$') || hasDeployTimeValue(condition.value);
    const operator = condition._ignoresCase ? 'StringEqualsIgnoreCase' : like ? 'StringLike' : 'StringEquals';
    add(condition.negated ? operator.replace('String', 'StringNot') : operator, key, like ? likePattern(condition.value, condition.isPattern) : condition.value);
    if (condition.negated) (result.Null ?? (result.Null = {}))[key] = 'false';
  }
  return result;
}

/**
 * The federated principal of a GitHub Actions role, which writes the role's trust policy.
 *
 * Conditions in one statement are ANDed, so exact subjects (`StringEquals`) and
 * patterns (`StringLike`) go in separate statements, and so do subjects held to different
 * claim conditions; each statement pins `aud`.
 * A subject added after the role was created updates its statement's condition, so it
 * still lands in the template, sorted and without duplicates — until the template is
 * synthesized (aws-cdk-lib then freezes the statements), after which adding one is refused
 * rather than silently lost.
 */
export class GitHubTrustPrincipal extends iam.WebIdentityPrincipal implements iam.IAssumeRolePrincipal {
  private readonly trusted: GitHubSubject[] = [];
  private readonly trustKeys = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private document?: iam.PolicyDocument;

  public constructor(private readonly provider: IGitHubOidcProvider, private readonly audience: string) {
    super(provider.oidcProviderArn);
  }

  /**
   * Adds a subject; returns false when it was already trusted.
   */
  public addSubject(subject: GitHubSubject): boolean {
    const trustKey = subject._trustKey;
    if (this.trustKeys.has(trustKey)) return false;
    // aws-cdk-lib freezes a statement when it renders the policy.
    if (this.document && [...this.groups.values()].some(group => group.statement?.frozen)) {
      throw new Error(
        `Cannot trust '${subject.value}': the role's trust policy was already synthesized, so the subject would not ` +
        `reach the template. Add every subject before the app is synthesized (before app.synth() or Template.${apiName('fromStack()')}).`,
      );
    }
    this.trusted.push(subject);
    this.trustKeys.add(trustKey);
    const operator = subjectOperator(subject);
    const conditions = subject.conditions.length === 0 ? [] : subject.conditions.filter(condition => condition.claim !== 'sub');
    const base = conditions.length === 0 ? `${operator} []` : `${operator} ${JSON.stringify(conditions.map(String).sort())}`;
    let key = base;
    for (let n = 2; this.groups.has(key) && !canJoin(this.groups.get(key)!, subject); n++) key = `${base} #${n}`;
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, { kind: base, operator, conditions, members: [subject], conditionValues: [subjectConditionValue(subject)] });
      this.addMissingStatements();
    } else {
      group.members.push(subject);
      group.conditionValues.push(subjectConditionValue(subject));
      if (group.statement) {
        const subjectKey = this.provider.issuer.subjectConditionKey;
        group.statement.addCondition(operator, { [subjectKey]: listOrOne(sortedValues(group)) });
        const leftOut = exclusionsOf(group);
        if (leftOut.length > 0) group.statement.addCondition('StringNotLike', { [subjectKey]: listOrOne(leftOut) });
      }
    }
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
    return this.groups.size;
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
    if (this.trusted.some(s => s.conditions.some(condition => hasDeployTimeValue(condition.value)))) return undefined;
    let size = DOCUMENT_SIZE;
    for (const group of this.groups.values()) {
      size += skeletonSize(issuer.hostAndPath, this.audience, group, () => this.statementConditions(group, [], []));
      // Written as a list even for one value: two characters more than the string IAM gets.
      size += Buffer.byteLength(JSON.stringify(group.conditionValues), 'utf8');
      const leftOut = exclusionsOf(group);
      if (leftOut.length > 0) size += Buffer.byteLength(JSON.stringify({ StringNotLike: { [issuer.subjectConditionKey]: leftOut } }), 'utf8');
    }
    return size;
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
    this.addMissingStatements();
  }

  /**
   * Adds a statement for each group that has none yet: on first rendering, subjects without
   * claim conditions first, exact before patterns, then the others by their conditions.
   */
  private addMissingStatements(): void {
    if (!this.document) return;
    const missing: Array<{ key: string; group: Group }> = [];
    this.groups.forEach((group, key) => {
      if (group.statement === undefined) missing.push({ key, group });
    });
    missing.sort((a, b) => byGroup(a.key, b.key));
    for (const { group } of missing) {
      const subjects = listOrOne(sortedValues(group));
      group.statement = new iam.PolicyStatement({
        actions: [this.assumeRoleAction],
        principals: [this],
        conditions: this.statementConditions(group, subjects, listOrOne(exclusionsOf(group))),
      });
      this.document.addStatements(group.statement);
    }
  }

  private statementConditions(group: Group, subjects: string | string[], leftOut: string | string[]): Conditions {
    const issuer = this.provider.issuer;
    const conditions: Conditions = { StringEquals: { [issuer.audienceConditionKey]: this.audience } };
    const block = (operator: string) => conditions[operator] ?? (conditions[operator] = {});
    block(group.operator)[issuer.subjectConditionKey] = subjects;
    if (leftOut.length > 0) conditions.StringNotLike = { [issuer.subjectConditionKey]: leftOut };
    if (group.conditions.length === 0) return conditions;
    for (const [operator, keys] of Object.entries(claimConditions(issuer.hostAndPath, group.conditions))) Object.assign(block(operator), keys);
    return conditions;
  }
}

/** The `sub` patterns the members of a group leave out, sorted, as written under `StringNotLike`. */
function exclusionsOf(group: Group): string[] {
  if (group.members.every(member => member.conditions.length === 0)) return [];
  const patterns = group.members.flatMap(member => member.conditions.filter(condition => condition.claim === 'sub'));
  return [...new Set(patterns.map(condition => likePattern(condition.value, true)))].sort();
}

/** The members' condition values in the order of the members' own values. */
function sortedValues(group: Group): string[] {
  if (group.members.length === 1) return [group.conditionValues[0]];
  const values = group.members.map(member => member.value);
  return values.map((_, i) => i).sort((a, b) => values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0).map(i => group.conditionValues[i]);
}

function listOrOne(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/**
 * Whether a subject can share a group's statement: no member's value can match a pattern the
 * subject leaves out, and the subject's value can match none that members leave out.
 */
function canJoin(group: Group, subject: GitHubSubject): boolean {
  const leftOut = (s: GitHubSubject) => s.conditions.filter(condition => condition.claim === 'sub').map(condition => condition.value);
  return group.members.every(member => leftOut(subject).every(pattern => !mayOverlap(member.value, pattern))
    && leftOut(member).every(pattern => !mayOverlap(subject.value, pattern)));
}

/**
 * Whether some text could match both values as patterns: unless their literal starts (up to the
 * first wildcard) differ where both have text. A value known only at deployment may hold anything.
 */
function mayOverlap(a: string, b: string): boolean {
  if (hasDeployTimeValue(a) || hasDeployTimeValue(b)) return true;
  const start = (value: string) => value.slice(0, value.search(/[*?]|$/));
  const [x, y] = [start(a), start(b)];
  return x.startsWith(y) || y.startsWith(x);
}

/** Exact subjects without claim conditions first, then patterns, then the groups with conditions. */
function byGroup(a: string, b: string): number {
  const rank = (key: string) => (key.endsWith(' []') ? 0 : 2) + (key.startsWith('StringLike') ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

const SKELETON_SIZES = new Map<string, number>();
/** The document around the statements. */
const DOCUMENT_SIZE = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

/**
 * The size of a group's statement without its subject list, with the longest provider ARN
 * (partition `aws-us-gov`, a 12-digit account) and room to spare; the same for every role of an issuer, audience and group, so worked out once.
 */
function skeletonSize(hostAndPath: string, audience: string, group: Group, conditions: () => Conditions): number {
  const cacheKey = `${hostAndPath}\n${audience}\n${group.kind}`;
  let size = SKELETON_SIZES.get(cacheKey);
  if (size === undefined) {
    const statement = {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: conditions(),
      Effect: 'Allow',
      Principal: { Federated: `arn:aws-us-gov:iam::123456789012:oidc-provider/${hostAndPath}` },
    };
    // Its subject list is written `[]`; one more character for the comma between statements.
    size = Buffer.byteLength(JSON.stringify(statement), 'utf8') - 2 + 1 + SIZE_SLACK_PER_STATEMENT;
    SKELETON_SIZES.set(cacheKey, size);
  }
  return size;
}
