/**
 * The two variants the benchmark compares, N roles each: with the library, and the same trust
 * policies written by hand with aws-cdk-lib. Used in process by bench.ts and, transpiled, as
 * whole processes (see bench.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, IGitHubOidcProvider } from '../../src';

export const ENV = { account: '123456789012', region: 'us-east-1' };
export const ISSUER = 'token.actions.githubusercontent.com';

export type Build = (roles: number) => App;

/**
 * A stack holds at most 500 resources, so roles go 250 to a stack: the first stack creates the
 * provider, the others name it by its ARN (both variants alike).
 */
export const ROLES_PER_STACK = 250;

/** The library: one provider, N roles trusting main, production and tags v* of their own repository. */
export const withLibrary: Build = roles => {
  const app = new App();
  let stack!: Stack;
  let provider!: IGitHubOidcProvider;
  for (let i = 0; i < roles; i++) {
    if (i % ROLES_PER_STACK === 0) {
      stack = new Stack(app, i === 0 ? 'Bench' : `Bench${i / ROLES_PER_STACK}`, { env: ENV });
      provider = i === 0 ? new GitHubOidcProvider(stack, 'GitHub') : GitHubOidcProvider.fromAccount(stack, 'GitHub');
    }
    const repo = GitHubRepository.of('octo-org', `app-${i}`);
    new GitHubActionsRole(stack, `Role${i}`, { provider, subjects: [repo.branch('main'), repo.environment('production'), repo.tag('v*')] });
  }
  return app;
};

/** The same trust policies written with aws-cdk-lib primitives, as a careful engineer would. */
export const byHand: Build = roles => {
  const app = new App();
  let stack!: Stack;
  let providerArn!: string;
  for (let i = 0; i < roles; i++) {
    if (i % ROLES_PER_STACK === 0) {
      stack = new Stack(app, i === 0 ? 'Bench' : `Bench${i / ROLES_PER_STACK}`, { env: ENV });
      providerArn = i === 0
        ? new iam.OidcProviderNative(stack, 'GitHub', { url: `https://${ISSUER}`, clientIds: ['sts.amazonaws.com'] }).oidcProviderArn
        : `arn:${stack.partition}:iam::${stack.account}:oidc-provider/${ISSUER}`;
    }
    const repo = `repo:octo-org/app-${i}`;
    const role = new iam.Role(stack, `Role${i}`, {
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${ISSUER}:aud`]: 'sts.amazonaws.com',
          [`${ISSUER}:sub`]: [`${repo}:environment:production`, `${repo}:ref:refs/heads/main`],
        },
      }),
    });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.FederatedPrincipal(providerArn)],
      conditions: {
        StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${ISSUER}:sub`]: `${repo}:ref:refs/tags/v*` },
      },
    }));
  }
  return app;
};
