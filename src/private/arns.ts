import type { IConstruct } from 'constructs';
import { region_info, Stack, Token } from './aws-cdk-lib';
import { fragmentsOf } from './iam-strings';

/** An AWS Region code, such as `us-east-1` or `eusc-de-east-1`. */
export const REGION = /^[a-z]{2,}(?:-[a-z]+)+-\d+$/;

/** The partitions other than `aws`, by the start of their Regions' codes. */
const PARTITIONS: ReadonlyArray<{ readonly prefix: string; readonly partition: string; readonly domainSuffix: string }> = [
  { prefix: 'cn-', partition: 'aws-cn', domainSuffix: 'amazonaws.com.cn' },
  { prefix: 'us-gov-', partition: 'aws-us-gov', domainSuffix: 'amazonaws.com' },
  { prefix: 'us-iso-', partition: 'aws-iso', domainSuffix: 'c2s.ic.gov' },
  { prefix: 'us-isob-', partition: 'aws-iso-b', domainSuffix: 'sc2s.sgov.gov' },
  { prefix: 'eu-isoe-', partition: 'aws-iso-e', domainSuffix: 'cloud.adc-e.uk' },
  { prefix: 'us-isof-', partition: 'aws-iso-f', domainSuffix: 'csp.hci.ic.gov' },
  { prefix: 'eusc-', partition: 'aws-eusc', domainSuffix: 'amazonaws.eu' },
];

/**
 * A Region in `aws` by the shape of its code: one of that partition's geographies, a compass
 * direction, a number (`eu-west-1`, `ap-southeast-7`, `mx-central-1`).
 */
const AWS_REGION = /^(?:af|ap|ca|eu|il|me|mx|sa|us)-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-\d+$/;

/**
 * The partition of a Region and the domain suffix of its endpoints; undefined where it is not known.
 *
 * aws-cdk-lib's `RegionInfo` knows both for the Regions it lists, but its first lookup loads every
 * fact of every Region (about 0.1 s). So a code that starts as another partition's Regions do, or
 * has the shape of an `aws` Region, is read from the code, and only any other text is looked up in
 * `RegionInfo`. test/partitions.test.ts holds this to `RegionInfo` for every Region it lists.
 */
export function regionPartition(region: string): { partition: string; domainSuffix: string } | undefined {
  const other = PARTITIONS.find(candidate => region.startsWith(candidate.prefix));
  if (other !== undefined && REGION.test(region)) return { partition: other.partition, domainSuffix: other.domainSuffix };
  if (AWS_REGION.test(region)) return { partition: 'aws', domainSuffix: 'amazonaws.com' };
  if (Token.isUnresolved(region)) return undefined;
  const { partition, domainSuffix } = region_info.RegionInfo.get(region);
  return partition === undefined || domainSuffix === undefined ? undefined : { partition, domainSuffix };
}

/**
 * An ARN as far as it can be known at synth time: pseudo parameters (partition, Region,
 * account, URL suffix) filled in with the stack's values, or with a sample where the
 * stack has none, so that the ARN's literal parts can be checked. Undefined when other
 * values known only at deployment (parameters, imports) remain in it.
 */
export function arnAtSynth(scope: IConstruct, arn: string): string | undefined {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const pseudoParameters: { [name: string]: string } = {
    'AWS::Partition': (region && regionPartition(region)?.partition) || 'aws',
    'AWS::Region': region ?? 'us-east-1',
    'AWS::AccountId': Token.isUnresolved(stack.account) ? '123456789012' : stack.account,
    'AWS::URLSuffix': (region && regionPartition(region)?.domainSuffix) || 'amazonaws.com',
  };
  const pieces = fragmentsOf(arn).map(piece => {
    if (typeof piece === 'string') return piece;
    const ref = (stack.resolve(piece) as { Ref?: unknown } | undefined)?.Ref;
    return typeof ref === 'string' ? pseudoParameters[ref] : undefined;
  });
  return pieces.every(piece => piece !== undefined) ? pieces.join('') : undefined;
}

/**
 * Whether a token stands for one of CloudFormation's pseudo parameters, such as `AWS::AccountId`.
 */
export function isPseudoParameter(scope: IConstruct, token: unknown): boolean {
  const ref = (Stack.of(scope).resolve(token) as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' && ref.startsWith('AWS::');
}

/**
 * The partition and account a stack is known to deploy to, for checking an ARN against them.
 */
export function knownPartitionAndAccount(scope: IConstruct): { partition?: string; account?: string } {
  const stack = Stack.of(scope);
  return {
    partition: Token.isUnresolved(stack.region) ? undefined : regionPartition(stack.region)?.partition,
    account: Token.isUnresolved(stack.account) ? undefined : stack.account,
  };
}
