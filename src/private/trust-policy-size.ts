import { Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';
import type { GitHubIssuer } from '../issuer';

/**
 * The size IAM gives a role's trust policy when checking its limit: the
 * characters of the JSON document, whitespace not counted.
 *
 * CloudFormation fills in some values only at deployment. They are counted as
 * deployed where the stack knows them (the account, the partition of its
 * Region) and at their longest where it does not (partition `aws-us-gov`, a
 * 12-digit account); other deploy-time values (such as a parameter) cannot be
 * known and count as empty.
 */
export function trustPolicySize(scope: IConstruct, document: iam.PolicyDocument, issuer: GitHubIssuer): number {
  const stack = Stack.of(scope);
  const regionPartition = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).partition;
  const pseudoParameters: { [name: string]: string } = {
    'AWS::Partition': regionPartition ?? 'aws-us-gov',
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
  const text = JSON.stringify(substituteIntrinsics(resolved, pseudoParameters));
  return text.replace(/\s/g, '').length;
}

function literalOr(value: string, longest: string): string {
  return Token.isUnresolved(value) ? longest : value;
}

function substituteIntrinsics(value: any, pseudoParameters: { [name: string]: string }): any {
  if (Array.isArray(value)) {
    return value.map(item => substituteIntrinsics(item, pseudoParameters));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    return pseudoParameters[value.Ref] ?? '';
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'];
    return (parts as any[]).map(part => String(substituteIntrinsics(part, pseudoParameters))).join(separator);
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) {
    return '';
  }
  const result: { [key: string]: any } = {};
  for (const key of keys) {
    result[key] = substituteIntrinsics(value[key], pseudoParameters);
  }
  return result;
}
