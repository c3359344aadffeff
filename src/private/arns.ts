import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';
import { fragmentsOf } from './iam-strings';

/** An AWS Region code, such as `us-east-1` or `eusc-de-east-1`. */
export const REGION = /^[a-z]{2,}(?:-[a-z]+)+-\d+$/;

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
    'AWS::Partition': (region && RegionInfo.get(region).partition) || 'aws',
    'AWS::Region': region ?? 'us-east-1',
    'AWS::AccountId': Token.isUnresolved(stack.account) ? '123456789012' : stack.account,
    'AWS::URLSuffix': (region && RegionInfo.get(region).domainSuffix) || 'amazonaws.com',
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
    partition: Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).partition,
    account: Token.isUnresolved(stack.account) ? undefined : stack.account,
  };
}
