import { createValidatedPolicy, validateIdentityPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { EvaluationResult, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT } from './util';

/**
 * What a GitHub Actions job presents to AWS STS: the token's issuer and claims.
 */
export interface Token {
  /** The issuer without `https://`. Default: github.com's. */
  readonly issuer?: string;
  /** The `sub` claim; absent when undefined. */
  readonly sub?: string;
  /** The `aud` claim; absent when null. Default: sts.amazonaws.com. */
  readonly aud?: string | null;
  /** The partition the provider lives in. Default: aws. */
  readonly partition?: string;
}

export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/**
 * Asks the pinned, independent IAM simulator (@cloud-copilot/iam-simulate) whether
 * `sts:AssumeRoleWithWebIdentity` with this token is allowed by the trust policy.
 *
 * The policy is first validated as a trust policy; an invalid policy fails the test.
 * `runUnsafeSimulation` is used because the checked `runSimulation` drops condition
 * keys it does not know, such as `token.actions.githubusercontent.com:sub`.
 */
export function admits(trustPolicy: any, token: Token): boolean {
  const issuer = token.issuer ?? GITHUB_ISSUER;
  const contextVariables: Record<string, string> = {};
  if (token.sub !== undefined) contextVariables[`${issuer}:sub`] = token.sub;
  const aud = token.aud === undefined ? 'sts.amazonaws.com' : token.aud;
  if (aud !== null) contextVariables[`${issuer}:aud`] = aud;
  return simulateWebIdentity(trustPolicy, { issuer, contextVariables, partition: token.partition }) === 'Allowed';
}

/** A web-identity request as STS presents it to a trust policy. */
export interface WebIdentityRequest {
  /** The issuer without `https://`: the OIDC provider's name. */
  readonly issuer: string;
  /** The request's condition keys and their values, passed to the simulator as given. */
  readonly contextVariables: Record<string, string | string[]>;
  /** The partition the provider lives in. Default: aws. */
  readonly partition?: string;
}

/**
 * Like `admits`, but with any condition keys: the simulator's decision on the provider of
 * `request.issuer` calling `sts:AssumeRoleWithWebIdentity` under the trust policy
 * (`Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`).
 */
export function simulateWebIdentity(trustPolicy: any, request: WebIdentityRequest): EvaluationResult {
  const validated = createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: 'trust-policy' });
  if (validated.errors.length > 0) {
    throw new Error(`Not a valid trust policy: ${JSON.stringify(validated.errors)}\n${JSON.stringify(trustPolicy)}`);
  }
  const partition = request.partition ?? 'aws';
  return runUnsafeSimulation({
    request: {
      principal: `arn:${partition}:iam::${ACCOUNT}:oidc-provider/${request.issuer}`,
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: { resource: `arn:${partition}:iam::${ACCOUNT}:role/GitHubActions`, accountId: ACCOUNT },
      contextVariables: request.contextVariables,
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: validated,
  }, {});
}

/**
 * Asks the same simulator whether an identity policy lets its role perform an action
 * on a resource (used for the permissions a role is granted, such as ECR push).
 */
export function allowsAction(identityPolicy: any, action: string, resource: string): boolean {
  const validated = createValidatedPolicy(identityPolicy, validateIdentityPolicy, { name: 'identity-policy' });
  if (validated.errors.length > 0) {
    throw new Error(`Not a valid identity policy: ${JSON.stringify(validated.errors)}\n${JSON.stringify(identityPolicy)}`);
  }
  const result = runUnsafeSimulation({
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:role/GitHubActions`,
      action,
      resource: { resource, accountId: resource.split(':')[4] || ACCOUNT },
      contextVariables: {},
    },
    identityPolicies: [{ name: 'identity-policy', policy: identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  return result === 'Allowed';
}

/**
 * A web-identity request for a token with this `sub`, the default audience and any other claims,
 * each under the issuer's key prefix (`token.actions.githubusercontent.com:ref`).
 */
export function tokenRequest(sub: string, claims: { [claim: string]: string } = {}, issuer = GITHUB_ISSUER): WebIdentityRequest {
  const contextVariables: Record<string, string> = { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: 'sts.amazonaws.com' };
  for (const [claim, value] of Object.entries(claims)) contextVariables[`${issuer}:${claim}`] = value;
  return { issuer, contextVariables };
}

/** Whether the simulator allows such a token under the trust policy. */
export function admitsToken(trustPolicy: any, sub: string, claims: { [claim: string]: string } = {}, issuer = GITHUB_ISSUER): boolean {
  return simulateWebIdentity(trustPolicy, tokenRequest(sub, claims, issuer)) === 'Allowed';
}
