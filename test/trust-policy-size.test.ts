import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository } from '../src';
import { ACCOUNT, trustPolicy, synth } from './util';
import { trustPolicySize } from '../src/private/trust-policy-size';

// The synth-time size check must count what IAM counts: the deployed policy's
// characters without whitespace. Each test compares it with the policy as deployed.

const app = GitHubRepository.of('octo-org', 'octo-app');
const branches = (count: number) => Array.from({ length: count }, (_, i) => app.branch(`feature/ABC-${1000 + i}-update-deps`));

function iamSize(policy: any): number {
  return JSON.stringify(policy).replace(/\s/g, '').length;
}

function roleIn(stack: Stack, count: number, maxTrustPolicySize?: number, created = false): GitHubActionsRole {
  const provider = created ? new GitHubOidcProvider(stack, 'GitHub') : GitHubOidcProvider.fromAccount(stack, 'GitHub');
  return new GitHubActionsRole(stack, 'Role', { provider, subjects: [...branches(count), app.tag('v*')], maxTrustPolicySize });
}

describe('trust policy size', () => {
  test.each([
    ['us-east-1', 'aws', false],
    ['cn-north-1', 'aws-cn', false],
    ['us-gov-west-1', 'aws-us-gov', true],
  ])('is exact for a stack in %s, partition %s (provider created: %p)', (region, partition, created) => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region } });
    const role = roleIn(stack, 30, 4096, created as boolean);
    const deployed = trustPolicy(synth(stack), undefined, partition as string);
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer)).toBe(iamSize(deployed));
  });

  test('assumes the longest partition and a 12-digit account when the stack has no environment', () => {
    const stack = new Stack(new App(), 'Ci');
    const role = roleIn(stack, 5);
    const longest = trustPolicy(synth(stack), undefined, 'aws-us-gov');
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer)).toBe(iamSize(longest));
  });

  test('allows a policy of exactly the limit and refuses one character more', () => {
    const sized = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    roleIn(sized, 40, 4096);
    const size = iamSize(trustPolicy(synth(sized)));
    expect(size).toBeGreaterThan(2048);

    const exact = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    roleIn(exact, 40, size);
    expect(() => synth(exact)).not.toThrow();

    const over = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    roleIn(over, 40, size - 1);
    expect(() => synth(over)).toThrow(new RegExp(`The trust policy is ${size} characters, over the limit of ${size - 1}`));
  });

  test('counts values that only CloudFormation knows, such as another resource\'s ARN, as empty', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const role = roleIn(stack, 1);
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(other.roleArn)] }));
    const deployed = trustPolicy(synth(stack), stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId));
    deployed.Statement[2].Principal.AWS = '';
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer)).toBe(iamSize(deployed));
  });

  test('counts statements that users add to the policy themselves', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const role = roleIn(stack, 1);
    const before = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer);
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(ACCOUNT)],
    }));
    const after = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer);
    expect(after).toBe(iamSize(trustPolicy(synth(stack))));
    expect(after).toBeGreaterThan(before);
  });
});
