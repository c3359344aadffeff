import { Annotations, App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations as Found, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubTrustChecks, TrustFindingSeverity } from '../src';
import { ACCOUNT, REGION } from './util';

// The aspect audits every role of an app: roles of this library, iam.Role and CfnRole alike.

const ISSUER = 'token.actions.githubusercontent.com';

function app(build: (stack: Stack) => void, checks = new GitHubTrustChecks()) {
  const cdkApp = new App();
  const stack = new Stack(cdkApp, 'Ci', { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  Aspects.of(cdkApp).add(checks);
  return { stack, found: () => Found.fromStack(stack) };
}

/** An iam.Role that trusts the provider with only the audience checked: the classic mistake. */
function audienceOnlyRole(stack: Stack, id = 'Legacy'): iam.Role {
  const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: `https://${ISSUER}`, clientIdList: ['sts.amazonaws.com'] });
  return new iam.Role(stack, id, {
    assumedBy: new iam.WebIdentityPrincipal(provider.attrArn, { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' } }),
  });
}

test('an iam.Role without a sub condition is an error on its CfnRole, with the rule ID', () => {
  const { found } = app(stack => { audienceOnlyRole(stack); });
  found().hasError('/Ci/Legacy/Resource', Match.stringLikeRegexp('^\\[sub-missing\\] Statement 0: it trusts tokens from token.actions.githubusercontent.com'));
});

test('a CfnRole whose principal is a Ref to the provider is recognized by the provider\'s URL', () => {
  const { found } = app(stack => {
    const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: `https://${ISSUER}`, clientIdList: ['sts.amazonaws.com'] });
    new iam.CfnRole(stack, 'Raw', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: provider.ref }, Action: 'sts:AssumeRoleWithWebIdentity' }],
      },
    });
  });
  found().hasError('/Ci/Raw', Match.stringLikeRegexp('^\\[sub-missing\\]'));
  found().hasError('/Ci/Raw', Match.stringLikeRegexp('^\\[aud-missing\\]'));
});

test('findings below errorSeverity are warnings that acknowledgeWarning silences', () => {
  const build = (acknowledge: boolean) => app(stack => {
    const role = new GitHubActionsRole(stack, 'Preview', {
      provider: new GitHubOidcProvider(stack, 'GitHub'),
      subjects: [GitHubRepository.of('octo-org', 'octo-app').pullRequest()],
    });
    if (acknowledge) Annotations.of(role).acknowledgeWarning('cdk-github-actions-oidc:pull-request', 'preview role');
  });
  build(false).found().hasWarning('/Ci/Preview/Resource', Match.stringLikeRegexp('^\\[pull-request\\]'));
  build(true).found().hasNoWarning('/Ci/Preview/Resource', Match.stringLikeRegexp('^\\[pull-request\\]'));
});

test('GitHubTrustChecks.acknowledge() turns an error into an info with the reason, from any scope above', () => {
  const { found } = app(stack => {
    audienceOnlyRole(stack);
    GitHubTrustChecks.acknowledge(stack, 'sub-missing', 'a break-glass role, removed by 2027');
  });
  found().hasNoError('/Ci/Legacy/Resource', Match.anyValue());
  found().hasInfo('/Ci/Legacy/Resource', Match.stringLikeRegexp('^Acknowledged: \\[sub-missing\\].* Reason: a break-glass role, removed by 2027$'));
});

test('errorSeverity and minimumSeverity choose what is an error and what is reported', () => {
  const strict = app(stack => {
    new GitHubActionsRole(stack, 'Preview', {
      provider: new GitHubOidcProvider(stack, 'GitHub'),
      subjects: [GitHubRepository.of('octo-org', 'octo-app').pullRequest()],
    });
  }, new GitHubTrustChecks({ errorSeverity: TrustFindingSeverity.LOW }));
  strict.found().hasError('/Ci/Preview/Resource', Match.stringLikeRegexp('^\\[pull-request\\]'));
  const quiet = app(stack => { audienceOnlyRole(stack); }, new GitHubTrustChecks({ minimumSeverity: TrustFindingSeverity.CRITICAL }));
  quiet.found().hasError('/Ci/Legacy/Resource', Match.stringLikeRegexp('^\\[sub-missing\\]'));
  quiet.found().hasNoError('/Ci/Legacy/Resource', Match.stringLikeRegexp('^\\[aud-missing\\]'));
});

test('roles that do not trust GitHub, and exact roles of this library, get nothing', () => {
  const { found } = app(stack => {
    new iam.Role(stack, 'Lambda', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new GitHubActionsRole(stack, 'Deploy', {
      provider: new GitHubOidcProvider(stack, 'GitHub'),
      subjects: [GitHubRepository.of('octo-org', 'octo-app').branch('main')],
    });
  });
  found().hasNoError('*', Match.anyValue());
  found().hasNoWarning('*', Match.stringLikeRegexp('^\\['));
});

test('acknowledge() refuses unknown rules and empty reasons', () => {
  const stack = new Stack();
  expect(() => GitHubTrustChecks.acknowledge(stack, 'sub-mising', 'typo')).toThrow(/Unknown trust audit rule 'sub-mising': use one of sub-missing, /);
  expect(() => GitHubTrustChecks.acknowledge(stack, 'pull-request', ' ')).toThrow(/needs a reason/);
});

test('a policy engine that cannot load fails the synth rather than passing roles with a warning', () => {
  jest.isolateModules(() => {
    jest.doMock('../src/private/on-first-use', () => ({
      trustEngine: () => { throw new Error("Cannot find module '../analysis/engine'"); },
    }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const isolated: typeof import('../src') = require('../src');
    const cdkApp = new App();
    const stack = new Stack(cdkApp, 'Ci', { env: { account: ACCOUNT, region: REGION } });
    audienceOnlyRole(stack);
    Aspects.of(cdkApp).add(new isolated.GitHubTrustChecks());
    expect(() => cdkApp.synth()).toThrow(/Cannot find module '..\/analysis\/engine'/);
  });
});
