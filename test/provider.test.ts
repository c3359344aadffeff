import { App, Aws, CfnParameter, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubIssuer, GitHubOidcProvider } from '../src';
import { ACCOUNT, newStack, synth } from './util';

describe('GitHubOidcProvider', () => {
  test('creates a native OIDC provider for github.com with the STS audience and no thumbprints', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    // THEN
    const template = synth(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
      ThumbprintList: Match.absent(),
    });
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(1);
    expect(template.findResources('AWS::Lambda::Function')).toEqual({});
    expect(provider.issuer).toBe(GitHubIssuer.GITHUB_COM);
    expect(provider.audiences).toEqual(['sts.amazonaws.com']);
  });

  test('uses the enterprise issuer, audiences, thumbprints and removal policy it is given', () => {
    const stack = newStack();
    new GitHubOidcProvider(stack, 'GitHub', {
      issuer: GitHubIssuer.enterpriseServer('github.example.com'),
      audiences: ['sts.amazonaws.com', 'https://github.com/octo-org'],
      thumbprints: ['a031c46782e6e6c662c2c87c76da9aa62ccabd8e'],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const template = synth(stack);
    template.hasResource('AWS::IAM::OIDCProvider', {
      Properties: {
        Url: 'https://github.example.com/_services/token',
        ClientIdList: ['sts.amazonaws.com', 'https://github.com/octo-org'],
        ThumbprintList: ['a031c46782e6e6c662c2c87c76da9aa62ccabd8e'],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('stays when its stack is deleted or it is replaced, unless told otherwise, and can be adopted with cdk import', () => {
    // Every role of the account that trusts GitHub uses the one provider of its issuer: deleting
    // it with one stack would cut them all off. CloudFormation imports only a resource that has a
    // DeletionPolicy, by its primary identifier (the provider's ARN).
    const stack = newStack();
    new GitHubOidcProvider(stack, 'GitHub');
    synth(stack).hasResource('AWS::IAM::OIDCProvider', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });

    const scratch = newStack();
    new GitHubOidcProvider(scratch, 'GitHub', { removalPolicy: RemovalPolicy.DESTROY });
    synth(scratch).hasResource('AWS::IAM::OIDCProvider', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('is an iam.IOidcProvider, usable with aws-cdk-lib principals', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    const principal = new iam.OpenIdConnectPrincipal(provider);
    expect(stack.resolve(principal.federated)).toEqual({ Ref: expect.stringMatching(/^GitHub/) });
  });

  test('does not keep a reference to the caller\'s audiences array', () => {
    const audiences = ['sts.amazonaws.com'];
    const provider = new GitHubOidcProvider(newStack(), 'GitHub', { audiences });
    audiences.push('late');
    expect(provider.audiences).toEqual(['sts.amazonaws.com']);
  });

  describe('refuses', () => {
    test('a second provider for the same issuer in one stack', () => {
      const stack = newStack();
      new GitHubOidcProvider(stack, 'GitHub');
      expect(() => new GitHubOidcProvider(stack, 'Again')).toThrow(
        /Duplicate OIDC provider for issuer 'https:\/\/token.actions.githubusercontent.com' at 'Ci\/Again': 'Ci\/GitHub' already creates it.*EntityAlreadyExists/,
      );
    });

    test('a second provider for the same issuer in another stack of the same account', () => {
      const app = new App();
      new GitHubOidcProvider(new Stack(app, 'One', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'GitHub');
      const other = new Stack(app, 'Two', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      expect(() => new GitHubOidcProvider(other, 'GitHub')).toThrow(/Duplicate OIDC provider/);
    });

    test.each([
      [[], /needs 1 to 100 audiences, got 0/],
      [['sts.amazonaws.com', 'sts.amazonaws.com'], /Audience 'sts.amazonaws.com' is listed twice/],
      [['has space'], /Invalid audience 'has space'/],
      [[''], /Invalid audience ''/],
      [['a'.repeat(256)], /Invalid audience 'a{256}': an audience is 1-255 printable characters without spaces/],
      [Array.from({ length: 101 }, (_, i) => `audience-${i}`), /needs 1 to 100 audiences, got 101: leave 'audiences' unset for the default \['sts.amazonaws.com'\]/],
    ])('audiences %p', (audiences, message) => {
      expect(() => new GitHubOidcProvider(newStack(), 'GitHub', { audiences })).toThrow(message);
    });

    test.each([
      [['abc'], /Invalid thumbprint 'abc'/],
      [[`x${'a'.repeat(40)}`], /Invalid thumbprint 'xa{40}'/],
      [[`${'a'.repeat(40)}x`], /Invalid thumbprint 'a{40}x'/],
      [Array(6).fill('a031c46782e6e6c662c2c87c76da9aa62ccabd8e'), /at most 5 thumbprints, got 6/],
    ])('thumbprints %p', (thumbprints, message) => {
      expect(() => new GitHubOidcProvider(newStack(), 'GitHub', { thumbprints })).toThrow(message);
    });
  });

  test('a second provider for the same issuer in an environment-agnostic stack', () => {
    const stack = new Stack(new App(), 'Ci');
    new GitHubOidcProvider(stack, 'GitHub');
    expect(() => new GitHubOidcProvider(stack, 'Again')).toThrow(/Duplicate OIDC provider/);
  });

  test.each([
    [Array.from({ length: 100 }, (_, i) => `audience-${i}`), 100],
    [['a'.repeat(255)], 1],
  ])('accepts audiences at the limits (%#)', (audiences, count) => {
    expect(new GitHubOidcProvider(newStack(), 'GitHub', { audiences }).audiences).toHaveLength(count);
  });

  test('accepts an audience known only at deploy time, and five thumbprints', () => {
    const stack = newStack();
    const audience = new CfnParameter(stack, 'Audience').valueAsString;
    const provider = new GitHubOidcProvider(stack, 'GitHub', { audiences: [audience], thumbprints: Array(5).fill('A031C46782E6E6C662C2C87C76DA9AA62CCABD8E') });
    expect(provider.audiences).toEqual([audience]);
  });

  test('allows one provider per issuer: github.com and an enterprise issuer side by side', () => {
    const stack = newStack();
    new GitHubOidcProvider(stack, 'GitHub');
    new GitHubOidcProvider(stack, 'Enterprise', { issuer: GitHubIssuer.enterpriseCloud('octo-enterprise') });
    synth(stack).resourceCountIs('AWS::IAM::OIDCProvider', 2);
  });

  test('allows providers for one issuer in stacks of different accounts', () => {
    const app = new App();
    new GitHubOidcProvider(new Stack(app, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }), 'GitHub');
    const prod = new Stack(app, 'Prod', { env: { account: '222222222222', region: 'us-east-1' } });
    expect(() => new GitHubOidcProvider(prod, 'GitHub')).not.toThrow();
  });
});

describe('GitHubOidcProvider.fromAccount', () => {
  test('builds the partition-aware ARN of the account\'s provider for the issuer', () => {
    const stack = new Stack(new App(), 'Ci');
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
    expect(stack.resolve(provider.oidcProviderArn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
        ':oidc-provider/token.actions.githubusercontent.com',
      ]],
    });
    expect(provider.issuer).toBe(GitHubIssuer.GITHUB_COM);
    expect(provider.oidcProviderIssuer).toBe('token.actions.githubusercontent.com');
  });

  test('uses the stack\'s account and the enterprise issuer\'s path', () => {
    const stack = newStack();
    const issuer = GitHubIssuer.enterpriseCloud('octo-enterprise');
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer });
    expect(stack.resolve(provider.oidcProviderArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com/octo-enterprise`]],
    });
    expect(provider.issuer).toBe(issuer);
    expect(provider.openIdConnectProviderArn).toBe(provider.oidcProviderArn);
    expect(provider.openIdConnectProviderIssuer).toBe('token.actions.githubusercontent.com/octo-enterprise');
    expect(provider.oidcProviderRef.oidcProviderArn).toBe(provider.oidcProviderArn);
  });

  test('creates no resource', () => {
    const stack = newStack();
    GitHubOidcProvider.fromAccount(stack, 'GitHub');
    expect(stack.node.findAll().filter(construct => construct instanceof CfnResource)).toEqual([]);
  });
});

describe('GitHubOidcProvider.fromProviderArn', () => {
  const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

  test('imports a provider by ARN, with the ARN\'s account', () => {
    const other = 'arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com';
    const provider = GitHubOidcProvider.fromProviderArn(new Stack(new App(), 'Ci'), 'GitHub', other);
    expect(provider.oidcProviderArn).toBe(other);
    expect(provider.env.account).toBe('210987654321');
  });

  test('takes an ARN known only at deploy time', () => {
    const stack = newStack();
    const provider = GitHubOidcProvider.fromProviderArn(stack, 'GitHub', new CfnParameter(stack, 'ProviderArn').valueAsString);
    expect(stack.resolve(provider.oidcProviderArn)).toEqual({ Ref: 'ProviderArn' });
  });

  test('names the expected provider in its refusal', () => {
    expect(() => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', 'arn:aws:iam::123456789012:oidc-provider/token.actions.octocorp.ghe.com'))
      .toThrow("its name must be 'token.actions.githubusercontent.com' (ARN ending ':oidc-provider/token.actions.githubusercontent.com'). "
        + 'Pass the ARN of the provider for this issuer, or the matching `issuer` option.');
  });

  test('refuses an ARN whose provider is for another issuer', () => {
    expect(() => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', arn, {
      issuer: GitHubIssuer.gheCom('octocorp'),
    })).toThrow(/OIDC provider ARN '.*' does not belong to issuer 'https:\/\/token.actions.octocorp.ghe.com'/);
  });

  test.each([
    ['a host name', 'token.actions.githubusercontent.com'],
    ['an S3 ARN', 'arn:aws:s3:::bucket:oidc-provider/token.actions.githubusercontent.com'],
    ['another IAM resource type', 'arn:aws:iam::123456789012:saml-provider/token.actions.githubusercontent.com'],
    ['an ARN with a Region', 'arn:aws:iam:us-east-1:123456789012:oidc-provider/token.actions.githubusercontent.com'],
    ['an ARN with a wildcard account', 'arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com'],
    ['an ARN with a short account', 'arn:aws:iam::1234:oidc-provider/token.actions.githubusercontent.com'],
    ['an ARN of another partition scheme', 'arn:evil:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'],
  ])('refuses %s, which is not an IAM OIDC provider ARN', (_what, value) => {
    expect(() => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', value))
      .toThrow(new RegExp(`Invalid OIDC provider ARN '${value.replace(/[.*]/g, '\\$&')}': an IAM OIDC provider's ARN is 'arn:<partition>:iam::<12-digit account>:oidc-provider/token\\.actions\\.githubusercontent\\.com'`));
  });

  test.each(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'])('takes a provider ARN in partition %s', partition => {
    const value = `arn:${partition}:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`;
    expect(GitHubOidcProvider.fromProviderArn(new Stack(new App(), 'Ci'), 'GitHub', value).oidcProviderArn).toBe(value);
  });

  test.each([
    ['another account', 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com', 'aws account 999999999999, but the stack deploys to aws account 123456789012'],
    ['another partition', 'arn:aws-cn:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', 'aws-cn account 123456789012, but the stack deploys to aws account 123456789012'],
  ])('refuses a provider in %s than the stack, which no role of the stack can trust', (_what, value, where) => {
    expect(() => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', value))
      .toThrow(`OIDC provider ARN '${value}' is in ${where}: a role can only trust a provider in its own account`);
  });

  test('checks an ARN built from pseudo parameters, such as an environment-agnostic stack writes', () => {
    const stack = new Stack(new App(), 'Ci');
    expect(() => GitHubOidcProvider.fromProviderArn(stack, 'Other', `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/gitlab.com`))
      .toThrow(/does not belong to issuer 'https:\/\/token\.actions\.githubusercontent\.com'/);
    expect(() => GitHubOidcProvider.fromProviderArn(stack, 'Third', `arn:aws:iam::${new CfnParameter(stack, 'Account').valueAsString}:oidc-provider/gitlab.com`))
      .toThrow(/does not belong to issuer/);
    const pseudo = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
    expect(GitHubOidcProvider.fromProviderArn(stack, 'GitHub', pseudo).oidcProviderArn).toBe(pseudo);
  });
});
