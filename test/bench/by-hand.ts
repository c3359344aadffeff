import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Build, ENV, ISSUER, ROLES_PER_STACK } from './builds';

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
