import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { GitHubActionsRole, GitHubClaimCondition, GitHubIssuer, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../src';
import { ACCOUNT, trustPolicy, synth } from './util';
import { trustPolicySize } from '../src/private/trust-policy-size';

// The synth-time size check must never count less than IAM could: the deployed policy's
// compact JSON, white space inside values included, characters above U+007F as their two
// UTF-8 bytes. Each test compares it with the policy as deployed.

const app = GitHubRepository.of('octo-org', 'octo-app');
const branches = (count: number) => Array.from({ length: count }, (_, i) => app.branch(`feature/ABC-${1000 + i}-update-deps`));

function iamSize(policy: any): number {
  return Buffer.byteLength(JSON.stringify(policy), 'utf8');
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
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size).toBe(iamSize(deployed));
  });

  test('assumes the longest partition and a 12-digit account when the stack has no environment', () => {
    const stack = new Stack(new App(), 'Ci');
    const role = roleIn(stack, 5);
    const longest = trustPolicy(synth(stack), undefined, 'aws-us-gov');
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size).toBe(iamSize(longest));
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
    expect(trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size).toBe(iamSize(deployed));
  });

  test.each([
    ['white space inside a value', 'prod eu', 1],
    ['a Latin-1 letter as its two UTF-8 bytes', 'producción', 1],
  ])('counts %s', (_what, environment, extra) => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.environment(environment)] });
    const deployed = trustPolicy(synth(stack));
    const size = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
    expect(size).toBe(iamSize(deployed));
    expect(size).toBe(JSON.stringify(deployed).replace(/\s/g, '').length + extra);
  });

  describe('values known only at deployment', () => {
    const WARNING = Match.stringLikeRegexp('without its values known only at deployment');

    function warnings(build: (stack: Stack) => GitHubSubject[]): string[] {
      const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
      new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: build(stack) });
      return Annotations.fromStack(stack).findWarning('*', WARNING).map(warning => String(warning.entry.data));
    }

    const parameter = (stack: Stack, id: string) => new CfnParameter(stack, id).valueAsString;

    test('do not warn while their longest escaped form fits', () => {
      expect(warnings(stack => [app.branch(parameter(stack, 'Branch'))])).toEqual([]);
    });

    test('warn, with the numbers, when their longest escaped form could pass the limit', () => {
      const found = warnings(stack => [app.environment(parameter(stack, 'A')), app.environment(parameter(stack, 'B'))]);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^The trust policy is \d+ characters without its values known only at deployment, which may add up to 2040 characters \(a '\$', '\*' or '\?' in them takes 4\): IAM refuses it at deployment if it grows past 2048\./);
    });

    test('warn for a whole subject of unknown length', () => {
      expect(warnings(stack => [GitHubSubject.fromString(parameter(stack, 'Subject'))])[0]).toMatch(/which may add any number of characters/);
    });

    test('warn for deploy-time values that users add outside the subjects', () => {
      const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch('main')] });
      const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(other.roleArn)] }));
      const found = Annotations.fromStack(stack).findWarning('*', WARNING).map(warning => String(warning.entry.data));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/which may add any number of characters/);
    });

    test('count as empty for the refusal, which is certain', () => {
      const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
      new GitHubActionsRole(stack, 'Role', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [...branches(60), app.branch(parameter(stack, 'Branch'))],
      });
      expect(() => synth(stack)).toThrow(/The trust policy is \d+ characters, over the limit of 2048 for 61 subjects/);
    });
  });

  test('counts statements that users add to the policy themselves', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const role = roleIn(stack, 1);
    const before = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(ACCOUNT)],
    }));
    const after = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
    expect(after).toBe(iamSize(trustPolicy(synth(stack))));
    expect(after).toBeGreaterThan(before);
  });
});

describe('the size bound computed from the subjects', () => {
  // The synth-time check skips resolving the document when this bound is within the limit, so
  // it must never be below the exact count, for any subjects, issuer, region and audience.
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,30}[a-z0-9]$/)
    .filter(n => !n.includes('..') && !n.includes('//') && !n.split('/').some(part => part.startsWith('.') || part.endsWith('.lock')));
  const subject = fc.oneof(
    name.map(n => app.branch(n)),
    name.map(n => app.tag(`${n}*`)),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 $:éÿ._-]{0,20}[A-Za-z0-9]$/).map(n => app.environment(n)),
    fc.constant(app.pullRequest()),
    name.map(n => app.mergeQueue(n)),
    name.map(n => app.environment('production')
      .withConditions(GitHubClaimCondition.ref(`refs/heads/${n}`), GitHubClaimCondition.notActor('dependabot[bot]'))),
  );

  test('is never below the exact size, and close to it', () => {
    fc.assert(fc.property(
      fc.array(subject, { minLength: 1, maxLength: 30 }),
      fc.constantFrom('us-east-1', 'cn-north-1', 'us-gov-west-1', undefined),
      fc.constantFrom('sts.amazonaws.com', 'https://github.com/octo-org'),
      fc.constantFrom(undefined, GitHubIssuer.enterpriseCloud('octo-enterprise'), GitHubIssuer.enterpriseServer('github.example.com')),
      (subjects, region, audience, issuer) => {
        const stack = new Stack(new App(), 'Ci', region ? { env: { account: ACCOUNT, region } } : {});
        const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer });
        const role = new GitHubActionsRole(stack, 'Role', { provider, subjects, audience, maxTrustPolicySize: 4096 });
        const trust = (role as any).trust;
        const exact = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
        const bound = trust.sizeBound();
        expect(bound).toBeGreaterThanOrEqual(exact);
        // Per statement, the bound adds 64 characters of slack, the longest partition ('aws-us-gov', 7 more than 'aws'), a
        // comma, and '[]' around a single subject: it is close when it stays within 80 a statement.
        expect(bound - exact).toBeLessThanOrEqual(80 * trust.statementCount + 20);
      }), { numRuns: Number(process.env.FC_RUNS ?? 100) });
  });

  test('is not used for values known only at deployment, nor for statements added by hand', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const branch = new CfnParameter(stack, 'Branch').valueAsString;
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch(branch)] });
    expect((role as any).trust.sizeBound()).toBeUndefined();

    // A statement added by hand is counted: only the exact path sees it.
    const other = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const small = new GitHubActionsRole(other, 'Role', {
      provider: GitHubOidcProvider.fromAccount(other, 'GitHub'), subjects: [app.branch('main')],
    });
    small.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:TagSession'],
      principals: [new iam.AccountPrincipal(ACCOUNT)],
      conditions: { StringEquals: { 'aws:RequestTag/team': 'x'.repeat(2000) } },
    }));
    expect(() => synth(other)).toThrow(/The trust policy is \d+ characters, over the limit of 2048/);
  });
});
