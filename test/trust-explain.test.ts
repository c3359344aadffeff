import { GitHubActionsRole, GitHubClaim, GitHubOidcProvider, GitHubRepository, GitHubSubject, GitHubToken, TrustPolicy } from '../src';
import { admits, GITHUB_ISSUER } from './oracle';
import { newStack, synth, trustPolicy } from './util';

// Explaining a denial in the terms of the mistakes users make. Each case takes a role this
// library writes, a token that users report as "Not authorized to perform
// sts:AssumeRoleWithWebIdentity", and checks the denial with the IAM simulator before
// checking what the explanation says.

function roleTrusting(...subjects: GitHubSubject[]): any {
  const stack = newStack();
  new GitHubActionsRole(stack, 'Deploy', { provider: new GitHubOidcProvider(stack, 'GitHub'), subjects });
  return trustPolicy(synth(stack));
}

const app = GitHubRepository.of('octo-org', 'octo-app');

function explain(document: any, token: GitHubToken) {
  const decision = TrustPolicy.fromJson(document).evaluate(token);
  const oracle = admits(document, {
    sub: token.subject,
    aud: token.audiences[0] ?? null,
    issuer: token.issuerHostAndPath,
  });
  expect(decision.allowed).toBe(oracle);
  return decision;
}

test('allowed: the statement that allowed it and why', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' }));
  expect(decision).toMatchObject({ allowed: true, decision: 'Allow', statement: 0, causes: [] });
  expect(decision.reasons[0]).toMatch(/^Statement 0 allows it: /);
});

test('letter case', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:Octo-Org/octo-app:ref:refs/heads/main' }));
  expect(decision.decision).toBe('Deny');
  expect(decision.causes.map(cause => cause.cause)).toEqual(['letter-case']);
  expect(decision.nearestSubject).toBe('repo:octo-org/octo-app:ref:refs/heads/main');
});

test('a job that uses an environment, against a role that trusts the branch', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:environment:production' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['environment-job']);
  expect(decision.causes[0].message).toContain("'environment:production'");
});

test('a job without an environment, against a role that trusts one', () => {
  const decision = explain(roleTrusting(app.environment('production')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['branch-job']);
});

test('the immutable form against a name-form role, and the reverse', () => {
  const byName = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:octo-org@1234/octo-app@5678:ref:refs/heads/main' }));
  expect(byName.causes.map(cause => cause.cause)).toEqual(['immutable-form']);
  const withIds = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234', repositoryId: '5678' });
  const byIds = explain(roleTrusting(withIds.branch('main')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' }));
  expect(byIds.causes.map(cause => cause.cause)).toEqual(['name-form']);
});

test('the wrong audience', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main', audience: 'https://github.com/octo-org' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['wrong-audience']);
  expect(decision.causes[0].message).toContain("'https://github.com/octo-org'");
  expect(decision.nearestSubject).toBeUndefined();
});

test('the wrong issuer: an enterprise with its own issuer URL', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({
    subject: 'repo:octo-org/octo-app:ref:refs/heads/main',
    issuerUrl: 'https://token.actions.githubusercontent.com/octo-enterprise',
  }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['wrong-issuer']);
  expect(decision.causes[0].message).toContain(`https://${GITHUB_ISSUER}`);
});

test('a pull request run, and that runs for pull requests from forks get no token', () => {
  const decision = explain(roleTrusting(app.branch('main')), GitHubToken.of({ subject: 'repo:octo-org/octo-app:pull_request' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['pull-request']);
  expect(decision.causes[0].message).toMatch(/forks get no token/);
});

test('a reusable workflow: the role pins job_workflow_ref, the subject template does not list it', () => {
  const subject = GitHubSubject.fromClaims([
    GitHubClaim.repo(app), GitHubClaim.environment('production'),
    GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
  ]);
  const decision = explain(roleTrusting(subject), GitHubToken.of({ subject: 'repo:octo-org/octo-app:environment:production' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['reusable-workflow']);
  expect(decision.causes[0].message).toMatch(/include_claim_keys/);
});

test('a reusable workflow: the token names the caller, the role trusts the workflow\'s repository', () => {
  const shared = GitHubRepository.of('octo-org', 'shared');
  const decision = explain(roleTrusting(shared.branch('main')), GitHubToken.fromClaims({
    sub: 'repo:octo-org/octo-app:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
    repository: 'octo-org/octo-app',
    job_workflow_ref: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main',
  }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['reusable-workflow']);
  expect(decision.causes[0].message).toContain('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main');
});

test('an explicit Deny wins and is named', () => {
  const document = roleTrusting(app.branch('main'));
  document.Statement.push({
    Effect: 'Deny',
    Principal: { Federated: document.Statement[0].Principal.Federated },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringLike: { [`${GITHUB_ISSUER}:sub`]: 'repo:octo-org/octo-app:ref:refs/heads/ma*' } },
  });
  const decision = explain(document, GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' }));
  expect(decision).toMatchObject({ allowed: false, explicitDeny: true, statement: 1 });
  expect(decision.causes.map(cause => cause.cause)).toEqual(['explicit-deny']);
});

test('another subject: the nearest trusted one and where it differs', () => {
  const decision = explain(roleTrusting(app.branch('main'), GitHubRepository.of('octo-org', 'web').branch('main')),
    GitHubToken.of({ subject: 'repo:octo-org/octo-api:ref:refs/heads/main' }));
  expect(decision.causes.map(cause => cause.cause)).toEqual(['different-subject']);
  expect(decision.nearestSubject).toBe('repo:octo-org/octo-app:ref:refs/heads/main');
});

describe('tokens', () => {
  test('a JWT is decoded without verification, claims taken as STS takes them', () => {
    const payload = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/octo-app:ref:refs/heads/main', aud: 'sts.amazonaws.com', repository: 'octo-org/octo-app' };
    const jwt = ['{"alg":"RS256"}', JSON.stringify(payload)].map(part => Buffer.from(part).toString('base64url')).join('.') + '.signature';
    const token = GitHubToken.fromJwt(jwt);
    expect(token.subject).toBe(payload.sub);
    expect(token.claim('repository')).toBe('octo-org/octo-app');
    expect(token.issuerHostAndPath).toBe(GITHUB_ISSUER);
  });

  test('bad tokens and claims are refused with what is wrong', () => {
    expect(() => GitHubToken.fromJwt('not-a-token')).toThrow(/three base64url parts/);
    expect(() => GitHubToken.fromJwt('a.b.c')).toThrow(/not base64url-encoded JSON/);
    expect(() => GitHubToken.fromClaims({ aud: 'sts.amazonaws.com' })).toThrow(/no 'sub'/);
    expect(() => GitHubToken.fromClaims([] as any)).toThrow(/JSON object/);
  });
});
