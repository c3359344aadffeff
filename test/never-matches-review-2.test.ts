import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitHubSubject, TrustFinding, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { runCli } from '../src/cli';

// Regressions from a second attack review of the never-matches rule by a helper session. Every
// test here failed on the reviewed code (commit 23af89e) and passes since the fix; the comments
// below are the review's.
// Common root cause: `keepsEveryoneOut` is decided per issuer in `trustedGitHubIssuers(statement)`,
// but the tokens a statement admits are not limited to those issuers. When a principal admits
// tokens of an issuer the audit does not audit the statement for ('*', or a provider only
// deployment names), a condition that is dead for the audited issuer is very much alive for the
// other one (Null true, IfExists and keys of another issuer hold on a missing key). The audit
// then reports only a HIGH never-matches ("it never admits a token") and suppresses sub-missing
// and aud-missing, while IAM admits every repository of the other issuer.

const I = GITHUB_ISSUER;
const ACME = `${I}/acme`;
const EVIL = 'repo:evil-org/evil-app:ref:refs/heads/main';
const CRITICAL = ['sub-missing', 'admits-unnamed-repository', 'sub-wildcard-before-pin'];

function provider(issuer: string): string {
  return `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
}

function policy(principal: unknown, condition: object) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  };
}

const rules = (findings: TrustFinding[]) => findings.map(finding => finding.rule);

/** The simulator's decision on a token of `issuer` with this sub and aud sts.amazonaws.com. */
function simulate(document: object, issuer: string, sub: string): string {
  return simulateWebIdentity(document, { issuer, contextVariables: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: 'sts.amazonaws.com' } });
}

function cliAudit(document: object) {
  let stdout = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'never-matches-review-2-'));
  fs.writeFileSync(path.join(dir, 'template.json'), JSON.stringify(document));
  const status = runCli(['audit', 'template.json'], { env: {}, cwd: dir, stdout: text => { stdout += text; }, stderr: text => { stdout += text; } });
  return { status, stdout };
}

function template(federated: unknown, condition: object) {
  return {
    Parameters: { Provider: { Type: 'String' } },
    Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy({ Federated: federated }, condition) } } },
  };
}

describe('1. CRITICAL: Principal "*" — a death for the issuer the keys name hides every other issuer', () => {
  test('Null true on acme:sub: audit says only never-matches; IAM admits any github.com repository', () => {
    // Policy: Principal '*', Condition {Null: {"token.actions.githubusercontent.com/acme:sub": "true"}}.
    // Audit: trustedGitHubIssuers -> [acme] (from the keys); for acme, Null true on an always-present key
    //   is an intrinsic death, so keepsEveryoneOut -> no sub-missing, no aud-missing. Output:
    //   ["never-matches"] only ("it never admits a token from .../acme").
    // Simulator: a github.com token of repo:evil-org/evil-app (no acme:sub key) -> Allowed.
    const document = policy('*', { Null: { [`${ACME}:sub`]: 'true' } });
    expect(simulate(document, I, EVIL)).toBe('Allowed');
    const found = rules(TrustPolicy.fromJson(document).audit());
    expect(found).toContain('never-matches');
    expect(found.some(rule => CRITICAL.includes(rule))).toBe(true);
  });

  test('StringEqualsIfExists on acme:sub with a typo (ref:main): the same, and a realistic mistake', () => {
    // Policy: Principal '*', Condition {StringEqualsIfExists: {".../acme:sub": "repo:octo-org/octo-app:ref:main"}}.
    // Audit: ["never-matches"] only ("Invalid ref 'main'"): IfExists on sub is read as always compared,
    //   which is true for acme tokens only.
    // Simulator: github.com token of repo:evil-org/evil-app -> Allowed (the acme key is missing, IfExists holds).
    const document = policy('*', { StringEqualsIfExists: { [`${ACME}:sub`]: 'repo:octo-org/octo-app:ref:main' } });
    expect(simulate(document, I, EVIL)).toBe('Allowed');
    const found = rules(TrustPolicy.fromJson(document).audit());
    expect(found).toContain('never-matches');
    expect(found.some(rule => CRITICAL.includes(rule))).toBe(true);
  });

  test('Null true on github.com:sub: audit silent about acme (and every other GitHub issuer)', () => {
    // Policy: Principal '*', Condition {Null: {"token.actions.githubusercontent.com:sub": "true"}}.
    // Audit: ["never-matches"] only. Simulator: acme token of repo:evil-org/evil-app -> Allowed.
    const document = policy('*', { Null: { [`${I}:sub`]: 'true' } });
    expect(simulate(document, ACME, EVIL)).toBe('Allowed');
    const found = rules(TrustPolicy.fromJson(document).audit());
    expect(found).toContain('never-matches');
    expect(found.some(rule => CRITICAL.includes(rule))).toBe(true);
  });
});

describe('2. CRITICAL: a Federated list with a literal provider and a deploy-time one (CloudFormation template)', () => {
  test('[acme literal, {Ref: Provider}] with github.com aud only: audited for acme alone; the forgotten sub goes unreported', () => {
    // Template: Federated [arn:...:oidc-provider/token.actions.githubusercontent.com/acme, {Ref: Provider}],
    //   Condition {StringEquals: {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}.
    // Audit (CLI): trustedGitHubIssuers returns the named issuers only ([acme]) as soon as one is literal,
    //   so github.com is never audited; for acme the github.com:aud key is absent -> intrinsic death ->
    //   output: "high never-matches: ... never admits a token from .../acme" and nothing else.
    // Simulator, with Provider = github.com's provider: token of repo:evil-org/evil-app -> Allowed.
    // (With Federated {Ref: Provider} alone, the same statement gets sub-missing: adding a second,
    // literal provider silences it.)
    const resolved = policy({ Federated: [provider(ACME), provider(I)] }, { StringEquals: { [`${I}:aud`]: 'sts.amazonaws.com' } });
    expect(simulate(resolved, I, EVIL)).toBe('Allowed');
    const { stdout } = cliAudit(template([provider(ACME), { Ref: 'Provider' }], { StringEquals: { [`${I}:aud`]: 'sts.amazonaws.com' } }));
    expect(stdout).toContain('never-matches');
    expect(CRITICAL.some(rule => stdout.includes(rule))).toBe(true);
  });

  test('[github.com literal, {Ref: Provider}] with acme keys: any acme repository, same silence', () => {
    // Template: Federated [github.com literal, {Ref: Provider}], Condition {StringEquals: {".../acme:aud": "sts.amazonaws.com"}}.
    // Audit (CLI): only "high never-matches ... never admits a token from token.actions.githubusercontent.com".
    // Simulator, Provider = acme's: acme token of repo:evil-org/evil-app -> Allowed.
    const resolved = policy({ Federated: [provider(I), provider(ACME)] }, { StringEquals: { [`${ACME}:aud`]: 'sts.amazonaws.com' } });
    expect(simulate(resolved, ACME, EVIL)).toBe('Allowed');
    const { stdout } = cliAudit(template([provider(I), { Ref: 'Provider' }], { StringEquals: { [`${ACME}:aud`]: 'sts.amazonaws.com' } }));
    expect(stdout).toContain('never-matches');
    expect(CRITICAL.some(rule => stdout.includes(rule))).toBe(true);
  });
});

describe('3. MEDIUM: a provider only deployment names is assumed to be the issuer of the keys, and the death is called intrinsic', () => {
  test('{Ref: Provider} with StringEqualsIfExists github.com:sub (typo): "never admits"; an acme/GHES provider admits every repository', () => {
    // Template: Federated {Ref: Provider}, Condition {StringEqualsIfExists: {"token.actions.githubusercontent.com:sub":
    //   "repo:octo-org/octo-app:ref:main"}}.
    // Audit (CLI): only "high never-matches ... Invalid ref 'main'". The audit's own wording for such a principal
    //   is "tokens from X, if it is that issuer's"; the death holds only under that assumption, so it is not
    //   intrinsic and should not suppress sub-missing.
    // Simulator, Provider = acme's: acme token of repo:evil-org/evil-app -> Allowed.
    const condition = { StringEqualsIfExists: { [`${I}:sub`]: 'repo:octo-org/octo-app:ref:main' } };
    expect(simulate(policy({ Federated: provider(ACME) }, condition), ACME, EVIL)).toBe('Allowed');
    const { stdout } = cliAudit(template({ Ref: 'Provider' }, condition));
    expect(stdout).toContain('never-matches');
    expect(CRITICAL.some(rule => stdout.includes(rule))).toBe(true);
  });
});

describe('refused but not called dead: names a token may carry that the builders refuse', () => {
  // From the second review's unconfirmed list: old accounts with hyphens where new ones may not,
  // refs git takes (longer than 255 characters, characters one cannot see). The builders refuse
  // them; the audit must not make them an error in every app as "never matches".
  test.each([
    ['an old owner name ending in a hyphen', 'repo:legacy-/octo-app:ref:refs/heads/main'],
    ['an old owner name with two hyphens', 'repo:old--name/octo-app:ref:refs/heads/main'],
    ['a branch longer than 255 characters', `repo:octo-org/octo-app:ref:refs/heads/${'b'.repeat(260)}`],
    ['a branch with a zero-width space', 'repo:octo-org/octo-app:ref:refs/heads/ma\u200bin'],
  ])('%s', (_name, value) => {
    expect(() => GitHubSubject.fromString(value)).toThrow();
    expect(GitHubSubject._whyNoTokenMatches(value, false)).toBeUndefined();
  });

  test('a new-style owner name GitHub never gives is still dead', () => {
    expect(GitHubSubject._whyNoTokenMatches('repo:octo.org/octo-app:ref:refs/heads/main', false)).toMatch(/Invalid GitHub owner 'octo\.org'/);
  });
});
