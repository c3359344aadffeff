import { TrustPolicy } from '../src';
const GI = 'token.actions.githubusercontent.com';
const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GI}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${GI}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GI}:repository`]: '*/octo-app' } } }] };
console.log(TrustPolicy.fromJson(doc).audit());
