import { App, Annotations as CoreAnnotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubIssuer, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../src';
import { ACCOUNT, newStack, synth, trustPolicy } from './util';
import { trustPolicySize } from '../src/private/trust-policy-size';

const app = GitHubRepository.of('octo-org', 'octo-app');
const SUB = 'token.actions.githubusercontent.com:sub';
const AUD = 'token.actions.githubusercontent.com:aud';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

function roleIn(stack: Stack, subjects: GitHubSubject[], extra: Partial<ConstructorParameters<typeof GitHubActionsRole>[2]> = {}) {
  const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
  return new GitHubActionsRole(stack, 'Deploy', { provider, subjects, ...extra });
}

function statement(condition: any) {
  return {
    Effect: 'Allow',
    Principal: { Federated: PROVIDER_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  };
}

describe('GitHubActionsRole trust policy', () => {
  test('one exact subject: one statement, aud and sub under StringEquals, as short as by hand', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    roleIn(stack, [app.branch('main')]);
    // THEN
    expect(trustPolicy(synth(stack))).toEqual({
      Version: '2012-10-17',
      Statement: [statement({
        StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:octo-org/octo-app:ref:refs/heads/main' },
      })],
    });
  });

  test('exact subjects and patterns go in separate statements, both pinning aud', () => {
    const stack = newStack();
    roleIn(stack, [app.tag('v*'), app.branch('main'), app.environment('production'), app.branch('release/*')]);
    expect(trustPolicy(synth(stack)).Statement).toEqual([
      statement({
        StringEquals: {
          [AUD]: 'sts.amazonaws.com',
          [SUB]: ['repo:octo-org/octo-app:environment:production', 'repo:octo-org/octo-app:ref:refs/heads/main'],
        },
      }),
      statement({
        StringEquals: { [AUD]: 'sts.amazonaws.com' },
        StringLike: { [SUB]: ['repo:octo-org/octo-app:ref:refs/heads/release/*', 'repo:octo-org/octo-app:ref:refs/tags/v*'] },
      }),
    ]);
  });

  test('only patterns: a single StringLike statement', () => {
    const stack = newStack();
    roleIn(stack, [app.tag('v*')]);
    expect(trustPolicy(synth(stack)).Statement).toEqual([
      statement({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: 'repo:octo-org/octo-app:ref:refs/tags/v*' } }),
    ]);
  });

  test('subjects are deduplicated and sorted, whatever order they come in', () => {
    const one = newStack();
    roleIn(one, [app.branch('main'), app.pullRequest(), app.branch('main'), app.environment('dev')]);
    const two = newStack();
    roleIn(two, [app.environment('dev'), app.branch('main'), app.pullRequest()]);
    const policy = trustPolicy(synth(one));
    expect(policy).toEqual(trustPolicy(synth(two)));
    expect(policy.Statement[0].Condition.StringEquals[SUB]).toEqual([
      'repo:octo-org/octo-app:environment:dev',
      'repo:octo-org/octo-app:pull_request',
      'repo:octo-org/octo-app:ref:refs/heads/main',
    ]);
  });

  test('addSubject() after construction extends the policy, adding a statement when a new kind arrives', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.branch('main')]);
    role.addSubject(app.branch('dev'));
    role.addSubject(app.tag('v*'));
    role.addSubject(app.branch('dev'));
    const statements = trustPolicy(synth(stack)).Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0].Condition.StringEquals[SUB]).toEqual([
      'repo:octo-org/octo-app:ref:refs/heads/dev', 'repo:octo-org/octo-app:ref:refs/heads/main',
    ]);
    expect(statements[1].Condition.StringLike[SUB]).toBe('repo:octo-org/octo-app:ref:refs/tags/v*');
    expect(role.subjects.map(s => s.value)).toEqual([
      'repo:octo-org/octo-app:ref:refs/heads/main', 'repo:octo-org/octo-app:ref:refs/heads/dev', 'repo:octo-org/octo-app:ref:refs/tags/v*',
    ]);
  });

  test('subjects: [] plus addSubject() is enough', () => {
    const stack = newStack();
    const role = roleIn(stack, []);
    role.addSubject(app.pullRequest());
    expect(trustPolicy(synth(stack)).Statement[0].Condition.StringEquals[SUB]).toBe('repo:octo-org/octo-app:pull_request');
  });

  test('the condition keys follow the provider\'s issuer', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { issuer: GitHubIssuer.gheCom('octocorp') });
    new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main')] });
    synth(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Federated: { Ref: Match.stringLikeRegexp('^GitHub') } },
          Condition: {
            StringEquals: {
              'token.actions.octocorp.ghe.com:aud': 'sts.amazonaws.com',
              'token.actions.octocorp.ghe.com:sub': 'repo:octo-org/octo-app:ref:refs/heads/main',
            },
          },
        })],
      },
    });
  });

  test('a custom audience is pinned instead of sts.amazonaws.com', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { audiences: ['https://github.com/octo-org'] });
    const role = new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main')], audience: 'https://github.com/octo-org' });
    expect(role.audience).toBe('https://github.com/octo-org');
    expect(trustPolicy(synth(stack)).Statement[0].Condition.StringEquals[AUD]).toBe('https://github.com/octo-org');
  });

  test('uses the stack\'s partition for the provider ARN', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    roleIn(stack, [app.branch('main')]);
    const template = synth(stack);
    expect(trustPolicy(template, undefined, 'aws-cn').Statement[0].Principal.Federated)
      .toBe(`arn:aws-cn:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
    expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
  });
});

describe('GitHubActionsRole role properties', () => {
  test('passes the iam.Role properties through, with a one-hour session by default', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess');
    roleIn(stack, [app.branch('main')], {
      roleName: 'octo-app-deploy',
      description: 'Deploys octo-app',
      path: '/ci/',
      permissionsBoundary: boundary,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      inlinePolicies: {
        s3: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })] }),
      },
    });
    synth(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'octo-app-deploy',
      Description: 'Deploys octo-app',
      Path: '/ci/',
      PermissionsBoundary: Match.anyValue(),
      ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
      Policies: [Match.objectLike({ PolicyName: 's3' })],
      MaxSessionDuration: Match.absent(),
    });
  });

  test('takes a longer session when asked', () => {
    const stack = newStack();
    roleIn(stack, [app.branch('main')], { maxSessionDuration: Duration.hours(4) });
    synth(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 14400 });
  });

  test('can be granted permissions like any role', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.branch('main')]);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] }));
    synth(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 's3:ListBucket' })] },
    });
  });

  test('publishes its ARN and trusted subjects as outputs when asked', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.branch('main')], { outputs: true });
    role.addSubject(app.tag('v*'));
    const outputs = synth(stack).toJSON().Outputs;
    const arn = stack.resolve(role.arnOutput!.logicalId);
    expect(outputs[arn]).toEqual({
      Description: 'ARN of the role that GitHub Actions assumes (Ci/Deploy)',
      Value: { 'Fn::GetAtt': [expect.stringMatching(/^Deploy/), 'Arn'] },
    });
    expect(Object.values(outputs)).toContainEqual({
      Description: 'Token subjects (sub claims) that may assume Ci/Deploy',
      Value: 'repo:octo-org/octo-app:ref:refs/heads/main, repo:octo-org/octo-app:ref:refs/tags/v*',
    });
  });

  test('publishes no outputs by default', () => {
    const stack = newStack();
    expect(roleIn(stack, [app.branch('main')]).arnOutput).toBeUndefined();
    expect(synth(stack).toJSON().Outputs).toBeUndefined();
  });

  test('accepts the limits of its settings', () => {
    const stack = newStack();
    const audience = 'a'.repeat(255);
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main')], audience, maxTrustPolicySize: 2048, roleName: 'r'.repeat(64) });
    expect(trustPolicy(synth(stack), stack.resolve((stack.node.findChild('Deploy').node.defaultChild as iam.CfnRole).logicalId))
      .Statement[0].Condition.StringEquals[AUD]).toBe(audience);
  });

  test('exposes its provider', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.branch('main')]);
    expect(role.provider.issuer).toBe(GitHubIssuer.GITHUB_COM);
  });
});

describe('GitHubActionsRole warnings', () => {
  test('warns when a subject admits every context of the repository', () => {
    const stack = newStack();
    roleIn(stack, [app.anyContext()]);
    Annotations.fromStack(stack).hasWarning('/Ci/Deploy',
      "Role trusts 'repo:octo-org/octo-app:*': every branch, tag, environment and pull request of the repository, "
      + 'including branches that anyone with write access can push. Trust a branch, tag or environment instead, '
      + 'or acknowledge this warning if it is intended. [ack: cdk-github-actions-oidc:anyContext]');
  });

  test('warns for a broad subject added later', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.branch('main')]);
    role.addSubject(GitHubSubject.fromString('repo:octo-org/octo-app:*'));
    role.addSubject(GitHubSubject.fromString('repo:octo-org/octo-app:*'));
    expect(Annotations.fromStack(stack).findWarning('/Ci/Deploy', Match.anyValue())).toHaveLength(1);
  });

  test('does not warn for narrow subjects', () => {
    const stack = newStack();
    roleIn(stack, [app.branch('main'), app.tag('v*'), app.environment('prod'), app.pullRequest()]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('warns once for subjects that together admit every context, naming them sorted', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.pullRequest(), app.tag('*'), app.environment('*'), app.branch('*')]);
    role.addSubject(app.branch('main'));
    const warnings = Annotations.fromStack(stack).findWarning('/Ci/Deploy', Match.anyValue());
    expect(warnings.map(w => w.entry.data)).toEqual([
      "Role trusts 'repo:octo-org/octo-app:environment:*', 'repo:octo-org/octo-app:pull_request', "
      + "'repo:octo-org/octo-app:ref:refs/heads/*', 'repo:octo-org/octo-app:ref:refs/tags/*': together every branch, tag, "
      + 'environment and pull request of the repository, as broad as trusting any context, including branches that anyone '
      + 'with write access can push. Trust the branches, tags or environments that need the role instead, or acknowledge '
      + 'this warning if it is intended. [ack: cdk-github-actions-oidc:anyContext]',
    ]);
  });

  test('warns about the size once deploy-time values could take the policy past the limit, not at it', () => {
    const withLimit = (limit?: number) => {
      const stack = newStack();
      const subjects = ['A', 'B', 'C'].map(id => app.environment(new CfnParameter(stack, id).valueAsString));
      const role = roleIn(stack, subjects, { maxTrustPolicySize: limit });
      const warnings = Annotations.fromStack(stack).findWarning('/Ci/Deploy', Match.stringLikeRegexp('values known only at deployment'));
      return { role, warnings: warnings.map(w => String(w.entry.data)) };
    };
    const { role } = withLimit(4096);
    const size = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
    // Three environments known only at deployment: each at most 255 characters, each taking up to 4 once escaped.
    const longest = size + 3 * 255 * 4;
    expect(withLimit(longest).warnings).toEqual([]);
    const [warning] = withLimit(longest - 1).warnings;
    expect(warning).toBe(
      `The trust policy is ${size} characters without its values known only at deployment, which may add up to 3060 characters `
      + `(a '$', '*' or '?' in them takes 4): IAM refuses it at deployment if it grows past ${longest - 1}. Keep those values short, `
      + "or trust fewer subjects, merge them into a pattern such as 'release/*', split them across roles, or, if the account's "
      + 'quota was raised, set the maximum trust policy size, maxTrustPolicySize (max_trust_policy_size in Python), up to 4096. '
      + '[ack: cdk-github-actions-oidc:trustPolicySize]',
    );
  });

  test('the warning can be acknowledged', () => {
    const stack = newStack();
    const role = roleIn(stack, [app.anyContext()]);
    CoreAnnotations.of(role).acknowledgeWarning('cdk-github-actions-oidc:anyContext', 'deploy previews from any branch');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('GitHubActionsRole refuses', () => {
  test('a role with no subject at synth time', () => {
    const stack = newStack();
    roleIn(stack, []);
    expect(() => Template.fromStack(stack)).toThrow(/The role trusts no subject, so no workflow could assume it/);
  });

  test('a trust policy over 2,048 characters, giving its size', () => {
    const stack = newStack();
    const branches = Array.from({ length: 40 }, (_, i) => app.branch(`feature/team-${i}-work`));
    roleIn(stack, branches);
    expect(() => Template.fromStack(stack)).toThrow(
      /The trust policy is \d{4} characters, over the limit of 2048 for 40 subjects.*set the maximum trust policy size, maxTrustPolicySize \(max_trust_policy_size in Python\), up to 4096/,
    );
  });

  test('accepts the same policy when the quota was raised to 4,096', () => {
    const stack = newStack();
    const branches = Array.from({ length: 40 }, (_, i) => app.branch(`feature/team-${i}-work`));
    roleIn(stack, branches, { maxTrustPolicySize: 4096 });
    expect(() => synth(stack)).not.toThrow();
  });

  test.each([1000, 2047, 4097, 5000, 2048.5])('maxTrustPolicySize %p', size => {
    expect(() => roleIn(newStack(), [app.branch('main')], { maxTrustPolicySize: size }))
      .toThrow(`Invalid maximum trust policy size ${size}: IAM's limit is 2048 characters by default and at most 4096 with a raised quota; give a whole number in that range as maxTrustPolicySize (max_trust_policy_size in Python).`);
  });

  test.each([
    ['r'.repeat(65), /Invalid role name 'r{65}': role names are 1-64 .*; this one has 65 characters\./],
    ['octo app', /Invalid role name 'octo app'/],
    ['', /Invalid role name ''/],
    ['r'.repeat(65), /role names are 1-64 letters, digits or '_\+=,\.@-' characters; this one has 65 characters\./],
  ])('role name %p', (roleName, message) => {
    expect(() => roleIn(newStack(), [app.branch('main')], { roleName })).toThrow(message);
  });

  test.each([Duration.minutes(30), Duration.hours(13)])('session duration %s', maxSessionDuration => {
    expect(() => roleIn(newStack(), [app.branch('main')], { maxSessionDuration }))
      .toThrow(/maxSessionDuration is set to \d+, but must be >= 3600sec \(1hr\) and <= 43200sec \(12hrs\)/);
  });

  test('an audience the provider does not accept', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    expect(() => new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main')], audience: 'https://github.com/octo-org' }))
      .toThrow(/Audience 'https:\/\/github.com\/octo-org' is not one of the provider's audiences \(sts.amazonaws.com\): IAM would refuse every token/);
  });

  test.each([
    ['a space', 'has space', "' '"],
    ['a slash and a colon', 'a/b:c/d', "'/', ':'"],
  ])('a role name with %s, naming what is not allowed', (_what, roleName, named) => {
    expect(() => roleIn(newStack(), [app.branch('main')], { roleName })).toThrow(
      `Invalid role name '${roleName}': role names are 1-64 letters, digits or '_+=,.@-' characters; this one has ${named}, `
      + `which ${named.includes(',') ? 'are' : 'is'} not allowed.`,
    );
  });

  test('a deploy-time audience, saying how to pass one', () => {
    const stack = newStack();
    expect(() => roleIn(stack, [app.branch('main')], { audience: new CfnParameter(stack, 'Audience').valueAsString }))
      .toThrow("Pass the audience as a literal string, such as 'sts.amazonaws.com'.");
  });

  test('an audience not among the provider\'s literal audiences, even when the provider also has one known at deployment', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { audiences: ['sts.amazonaws.com', 'https://github.com/octo-org'] });
    expect(() => new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main')], audience: 'other' }))
      .toThrow("Audience 'other' is not one of the provider's audiences (sts.amazonaws.com, https://github.com/octo-org): IAM would refuse every token.");
  });

  test.each(['two words', '', 'a'.repeat(256)])('the malformed audience %p', audience => {
    expect(() => roleIn(newStack(), [app.branch('main')], { audience }))
      .toThrow(`Invalid audience '${audience}': an audience is 1-255 printable characters without spaces, such as 'sts.amazonaws.com'.`);
  });
});
