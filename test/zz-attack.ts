import { TrustPolicy, GitHubToken } from '../src';
import { simulateWebIdentity } from './oracle';
const GI = 'token.actions.githubusercontent.com';
const SUB = `${GI}:sub`, AUD = `${GI}:aud`;
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GI}`;
const ACTION = 'sts:AssumeRoleWithWebIdentity';
const policy = (...s: object[]) => ({ Version: '2012-10-17', Statement: s });
const github = (c: object) => ({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: ACTION, Condition: c });
const k = (c: string) => `${GI}:${c}`;

function claimsOf(sub: string, extra: Record<string, string> = {}) {
  const m = /^repo:([^/:]+)\/([^/:]+):(?:ref:(.*)|environment:(.*)|pull_request)$/.exec(sub);
  const c: Record<string, string> = { sub, aud: 'sts.amazonaws.com' };
  if (m) { c.repository = `${m[1]}/${m[2]}`; if (m[3]) c.ref = m[3]; if (m[4]) c.environment = m[4]; }
  return { ...c, ...extra };
}
function run(name: string, doc: any, sub: string, extra: Record<string, string> = {}) {
  const claims = claimsOf(sub, extra);
  const ctx: Record<string, string> = {};
  for (const [n, v] of Object.entries(claims)) ctx[k(n)] = v;
  let sim; try { sim = simulateWebIdentity(doc, { issuer: GI, contextVariables: ctx }); } catch (e) { sim = 'INVALID ' + (e as Error).message.slice(0, 100); }
  let ev; try { ev = TrustPolicy.fromJson(doc).evaluate(GitHubToken.fromClaims({ iss: `https://${GI}`, ...claims })).decision; } catch (e) { ev = 'ERR'; }
  let fs; try { fs = TrustPolicy.fromJson(doc).audit().map(f => `${f.severity}:${f.rule}`).join(', '); } catch (e) { fs = 'ERR ' + (e as Error).message; }
  console.log(`${name}\n   attacker ${sub} ${JSON.stringify(extra)} sim=${sim} eval=${ev}\n   audit: ${fs}`);
}
const A = { StringEquals: { [AUD]: 'sts.amazonaws.com' } };
run('ref only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('ref')]: 'refs/heads/release' } })), 'repo:evil/x:ref:refs/heads/release');
run('environment only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('environment')]: 'prod' } })), 'repo:evil/x:environment:prod');
run('job_workflow_ref only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [k('job_workflow_ref')]: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main' } })), 'repo:evil/x:ref:refs/heads/main', { job_workflow_ref: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main' });
run('workflow only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('workflow')]: 'Deploy' } })), 'repo:evil/x:ref:refs/heads/main', { workflow: 'Deploy' });
run('actor only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('actor')]: 'octocat' } })), 'repo:octocat/x:ref:refs/heads/main', { actor: 'octocat' });
run('repository */octo-app', policy(github({ ...A, StringLike: { [k('repository')]: '*/octo-app' } })), 'repo:evil/octo-app:ref:refs/heads/main');
run('repository octo-org/octo-app*', policy(github({ ...A, StringLike: { [k('repository')]: 'octo-org/octo-app*' } })), 'repo:octo-org/octo-app-evil:ref:refs/heads/main');
run('repository octo-org/* + ref production', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('ref')]: 'refs/heads/production' }, StringLike: { [k('repository')]: 'octo-org/*' } })), 'repo:octo-org/other:ref:refs/heads/production');
run('sub repo:octo-org/*:ref:refs/heads/production (for comparison)', policy(github({ ...A, StringLike: { [SUB]: 'repo:octo-org/*:ref:refs/heads/production' } })), 'repo:octo-org/other:ref:refs/heads/production');
run('StringLikeIfExists sub octo-app*', policy(github({ ...A, StringLikeIfExists: { [SUB]: 'repo:octo-org/octo-app*' } })), 'repo:octo-org/octo-app-evil:ref:refs/heads/main');
run('StringLikeIfExists sub */octo-app', policy(github({ ...A, StringLikeIfExists: { [SUB]: 'repo:*/octo-app:*' } })), 'repo:evil/octo-app:ref:refs/heads/main');
run('ForAllValues:StringLike sub */octo-app', policy(github({ ...A, 'ForAllValues:StringLike': { [SUB]: 'repo:*/octo-app:*' } })), 'repo:evil/octo-app:ref:refs/heads/main');
run('Deny StringNotLike sub */octo-app', policy(github(A), { Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: ACTION, Condition: { StringNotLike: { [SUB]: 'repo:*/octo-app:*' } } }), 'repo:evil/octo-app:ref:refs/heads/main');
run('Deny StringNotLike sub octo-org/octo-app*', policy(github(A), { Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: ACTION, Condition: { StringNotLike: { [SUB]: 'repo:octo-org/octo-app*' } } }), 'repo:octo-org/octo-app-evil:ref:refs/heads/main');
run('StringNotLike sub tuned', policy(github({ ...A, StringNotLike: { [SUB]: ['*zz-unnamed*'] } })), 'repo:evil/x:ref:refs/heads/main');
run('StringNotLike sub repo:z* (no zz)', policy(github({ ...A, StringNotLike: { [SUB]: ['repo:z*', 'repo:*/z*'] } })), 'repo:evil/x:ref:refs/heads/main');
run('StringNotLike sub pull_request only', policy(github({ ...A, StringNotLike: { [SUB]: ['*:pull_request'] } })), 'repo:evil/x:ref:refs/heads/main');
run('ref dev* + sub repo:* ? structural', policy(github({ ...A, StringLike: { [k('ref')]: 'refs/heads/dev*' } })), 'repo:evil/x:ref:refs/heads/dev');
run('Null sub false only', policy(github({ ...A, Null: { [SUB]: 'false' } })), 'repo:evil/x:ref:refs/heads/main');
run('repository_owner_id', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('repository_owner_id')]: '123' } })), 'repo:evil/x:ref:refs/heads/main', { repository_owner_id: '123' });
run('repository_id only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('repository_id')]: '456' } })), 'repo:evil/x:ref:refs/heads/main', { repository_id: '456' });
run('enterprise_id only', policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [k('enterprise_id')]: '9' } })), 'repo:evil/x:ref:refs/heads/main', { enterprise_id: '9' });
run('sub ?-trick repo:[?]', policy(github({ ...A, StringLike: { [SUB]: 'repo:octo-org/octo-app:ref:refs/heads/main', [k('repository')]: '*' } })), 'repo:evil/x:ref:refs/heads/main');
