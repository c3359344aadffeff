import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { Stack, Token } from './aws-cdk-lib';
import type { GitHubIssuer } from '../issuer';
import { regionPartition } from './arns';

/**
 * The size of a role's trust policy as IAM could count it against its limit, never less.
 *
 * IAM's quota page says it does not count white space; whether that includes white
 * space inside string values is not said, so it is counted here. Characters from
 * U+0080 to U+00FF count as the two bytes they take in UTF-8, in case IAM counts bytes.
 *
 * CloudFormation fills in some values only at deployment. They are counted as
 * deployed where the stack knows them (the account, the partition of its
 * Region) and at their longest where it does not (partition `aws-us-gov`, a
 * 12-digit account); other deploy-time values (such as a parameter) cannot be
 * known here and count as empty. The role adds the longest that those in its subjects (and
 * their claim conditions, under the issuer's keys) can be; any other is reported as
 * `unknownOutsideSubjects`, of a length that nothing bounds.
 */
export function trustPolicySize(scope: IConstruct, document: iam.PolicyDocument, issuer: GitHubIssuer): TrustPolicySize {
  const stack = Stack.of(scope);
  const stackPartition = Token.isUnresolved(stack.region) ? undefined : regionPartition(stack.region)?.partition;
  const pseudoParameters: { [name: string]: string } = {
    'AWS::Partition': stackPartition ?? 'aws-us-gov',
    'AWS::AccountId': literalOr(stack.account, '123456789012'),
  };
  const providerArn = `arn:${pseudoParameters['AWS::Partition']}:iam::${pseudoParameters['AWS::AccountId']}:oidc-provider/${issuer.hostAndPath}`;
  const resolved = stack.resolve(document);
  for (const statement of resolved.Statement) {
    const principal = statement.Principal;
    if (principal && principal.Federated !== undefined && typeof principal.Federated !== 'string') {
      principal.Federated = providerArn;
    }
  }
  const unknown = { outsideSubjects: false };
  const text = JSON.stringify(substituteIntrinsics(resolved, pseudoParameters, unknown, `${issuer.hostAndPath}:`));
  return { size: Buffer.byteLength(text, 'utf8'), unknownOutsideSubjects: unknown.outsideSubjects };
}

/**
 * A trust policy's size with its values known only at deployment counted as empty.
 */
export interface TrustPolicySize {
  readonly size: number;
  /** Whether values known only at deployment stand elsewhere than in the subjects. */
  readonly unknownOutsideSubjects: boolean;
}

function literalOr(value: string, longest: string): string {
  return Token.isUnresolved(value) ? longest : value;
}

function substituteIntrinsics(
  value: any,
  pseudoParameters: { [name: string]: string },
  unknown: { outsideSubjects: boolean },
  claimPrefix: string,
  inSubjects = false,
): any {
  const visit = (child: any, subjects = inSubjects) => substituteIntrinsics(child, pseudoParameters, unknown, claimPrefix, subjects);
  if (Array.isArray(value)) {
    return value.map(item => visit(item));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::Join' && Array.isArray(value['Fn::Join'][1])) {
    const [separator, parts] = value['Fn::Join'];
    return (parts as any[]).map(part => String(visit(part))).join(separator);
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const pseudo = keys[0] === 'Ref' ? pseudoParameters[value.Ref] : undefined;
    if (pseudo === undefined && !inSubjects) unknown.outsideSubjects = true;
    return pseudo ?? '';
  }
  const result: { [key: string]: any } = {};
  for (const key of keys) {
    result[key] = visit(value[key], inSubjects || key.startsWith(claimPrefix));
  }
  return result;
}
