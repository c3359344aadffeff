import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TrustAuditOptions, TrustFinding, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { runCli } from '../src/cli';

// Regressions from a review of the never-matches rule (commits d1dd0b7..4c6d54b) by a helper
// session, as an attacker and as a new user. Every test here failed on the reviewed code and
// passes since the fixes; each comment gives the policy, what the audit said, and the pinned IAM
// simulator's verdict (test/oracle.ts). One test (the repo claim alone) was turned to pin a
// decision the review questioned; its comment says why.

const I = GITHUB_ISSUER;
const ACME = `${I}/acme`;
const AUD = { [`${I}:aud`]: 'sts.amazonaws.com' };
const APP = 'repo:octo-org/octo-app';

function provider(issuer: string): string {
  return `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
}

function policy(condition: object, issuer = I) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: provider(issuer) }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  };
}

function audit(document: object, options: TrustAuditOptions = {}): TrustFinding[] {
  return TrustPolicy.fromJson(document).audit(options);
}

const rules = (findings: TrustFinding[]) => findings.map(finding => finding.rule);

/** The simulator's decision on a token with these condition keys (aud defaults to sts.amazonaws.com). */
function simulate(document: object, keys: Record<string, string>, issuer = I): string {
  return simulateWebIdentity(document, { issuer, contextVariables: { [`${issuer}:aud`]: 'sts.amazonaws.com', ...keys } });
}

function cli(args: string[], files: { [name: string]: string }) {
  let stdout = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'never-matches-review-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const status = runCli(args, { env: {}, cwd: dir, stdout: text => { stdout += text; }, stderr: text => { stdout += text; } });
  return { status, stdout };
}

describe('1. CRITICAL: a false "dead" verdict hides a statement that admits every repository', () => {
  // StringEqualsIgnoreCase is read as if it were case-sensitive StringEquals: deadAudience compares
  // `id === value`, and the ref check is `value.startsWith('refs/')`. The statement is called dead
  // ("every run is denied"), which suppresses sub-missing and aud-missing; the probe behind
  // admits-unnamed-repository only tries aud 'sts.amazonaws.com' and refs main / v1.0.0, so it
  // does not see these tokens either. The audit's only finding is a HIGH never-matches that
  // claims the role admits nothing, while any repository on GitHub can assume it.

  test('IgnoreCase aud of a custom client ID, no sub: the audit says "every run is denied"; IAM admits any repository', () => {
    // Policy: StringEqualsIgnoreCase {aud: 'My-Audience'}; provider client IDs ['my-audience'].
    // Audit: only [never-matches] "the audience 'My-Audience' is not a client ID".
    // Simulator: token of repo:evil/x with aud 'my-audience' -> Allowed.
    const document = policy({ StringEqualsIgnoreCase: { [`${I}:aud`]: 'My-Audience' } });
    expect(simulate(document, { [`${I}:aud`]: 'my-audience', [`${I}:sub`]: 'repo:evil/x:ref:refs/heads/main' })).toBe('Allowed');
    const findings = audit(document, { providerClientIds: ['my-audience'] });
    expect(rules(findings)).not.toContain('never-matches');
    expect(rules(findings)).toContain('sub-missing');
  });

  test('IgnoreCase ref, no sub: the audit says "every run is denied"; IAM admits any repository on that branch', () => {
    // Policy: StringEquals {aud}, StringEqualsIgnoreCase {ref: 'Refs/heads/release'}.
    // Audit: only [never-matches] "'Refs/heads/release' is no ref ... Write 'refs/heads/Refs/heads/release'".
    // Simulator: token of repo:evil/x on refs/heads/release -> Allowed.
    const document = policy({ StringEquals: AUD, StringEqualsIgnoreCase: { [`${I}:ref`]: 'Refs/heads/release' } });
    expect(simulate(document, { [`${I}:sub`]: 'repo:evil/x:ref:refs/heads/release', [`${I}:ref`]: 'refs/heads/release' })).toBe('Allowed');
    const findings = audit(document);
    expect(rules(findings)).not.toContain('never-matches');
    expect(rules(findings)).toContain('sub-missing');
  });

  test('ForAnyValue:StringEqualsIgnoreCase on ref: same', () => {
    // Simulator: token of repo:evil/x on refs/tags/deploy -> Allowed. Audit: only never-matches.
    const document = policy({ 'StringEquals': AUD, 'ForAnyValue:StringEqualsIgnoreCase': { [`${I}:ref`]: 'REFS/TAGS/deploy' } });
    expect(simulate(document, { [`${I}:sub`]: 'repo:evil/x:ref:refs/tags/deploy', [`${I}:ref`]: 'refs/tags/deploy' })).toBe('Allowed');
    const findings = audit(document);
    expect(rules(findings)).not.toContain('never-matches');
    expect(rules(findings)).toContain('sub-missing');
  });

  test('a template\'s provider client IDs are applied to a statement that trusts another (imported) provider', () => {
    // providerClientIds() unions the client IDs of every template provider the document refers to
    // and the audit applies them to every statement. Statement 1 trusts an imported enterprise
    // provider (its client IDs, e.g. ['acme-deploy'], are not in the template) and has no sub.
    // Audit: only [never-matches] on statement 1 ("'acme-deploy' is not a client ID of the OIDC
    // provider ('sts.amazonaws.com')"), no sub-missing.
    // Simulator: a token of any repository of the acme enterprise with aud 'acme-deploy' -> Allowed.
    const statements = [
      {
        Effect: 'Allow',
        Principal: { Federated: { Ref: 'Provider' } },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { ...AUD, [`${I}:sub`]: `${APP}:ref:refs/heads/main` } },
      },
      {
        Effect: 'Allow',
        Principal: { Federated: provider(ACME) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${ACME}:aud`]: 'acme-deploy' } },
      },
    ];
    const template = {
      Resources: {
        Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${I}`, ClientIdList: ['sts.amazonaws.com'] } },
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements } } },
      },
    };
    const imported = { Version: '2012-10-17', Statement: [statements[1]] };
    expect(simulateWebIdentity(imported, {
      issuer: ACME,
      contextVariables: { [`${ACME}:aud`]: 'acme-deploy', [`${ACME}:sub`]: 'repo:anyone-in-acme/x:ref:refs/heads/main' },
    })).toBe('Allowed');
    const result = cli(['audit', 'template.json', '--format', 'json'], { 'template.json': JSON.stringify(template) });
    const findings = JSON.parse(result.stdout).roles[0].findings;
    expect(findings.filter((finding: any) => finding.statement === 1).map((finding: any) => finding.rule)).toEqual(['sub-missing']);
  });
});

describe('2. HIGH/MEDIUM: false "dead" for values a real token can carry (an ERROR in every app using the aspect)', () => {
  test('StringEqualsIgnoreCase on sub is parsed as if case-sensitive', () => {
    // Policy: StringEqualsIgnoreCase {sub: 'REPO:octo-org/octo-app:REF:refs/heads/main'}.
    // Audit: never-matches ("cannot read the part 'REPO'"). Simulator: the default-template
    // token 'repo:octo-org/octo-app:ref:refs/heads/main' -> Allowed.
    const document = policy({ StringEquals: AUD, StringEqualsIgnoreCase: { [`${I}:sub`]: 'REPO:octo-org/octo-app:REF:refs/heads/main' } });
    expect(simulate(document, { [`${I}:sub`]: `${APP}:ref:refs/heads/main` })).toBe('Allowed');
    expect(rules(audit(document))).not.toContain('never-matches');
  });

  test('StringEqualsIgnoreCase on aud is compared case-sensitively with the client IDs', () => {
    // Policy: StringEqualsIgnoreCase {aud: 'STS.amazonaws.com'} + sub pinned; client IDs ['sts.amazonaws.com'].
    // Audit: never-matches. Simulator: the ordinary token (aud 'sts.amazonaws.com') -> Allowed.
    const document = policy({
      StringEquals: { [`${I}:sub`]: `${APP}:ref:refs/heads/main` },
      StringEqualsIgnoreCase: { [`${I}:aud`]: 'STS.amazonaws.com' },
    });
    expect(simulate(document, { [`${I}:sub`]: `${APP}:ref:refs/heads/main` })).toBe('Allowed');
    expect(rules(audit(document, { providerClientIds: ['sts.amazonaws.com'] }))).not.toContain('never-matches');
  });

  // Kept as never-matches by decision: the issue lists a sub without a context as dead (no token of
  // GitHub's default template has that shape), the builders refuse it, and the message names the
  // custom template that would send it. The review's test is kept, turned to pin that decision.
  test('a template that lists only "repo" sends repo:OWNER/REPO: never-matches, with the template named', () => {
    // include_claim_keys ["repo"] is accepted by GitHub's API (any claim keys; single-claim
    // templates such as ["job_workflow_ref"] are in use). The finding's own text says: "A subject
    // template that lists only 'repo' gives every run ... the same sub". Not trusting it is a
    // policy choice (refused-subject), not "no token matches" — yet the aspect makes it an error.
    // Simulator: token sub 'repo:octo-org/octo-app' -> Allowed.
    const document = policy({ StringEquals: { ...AUD, [`${I}:sub`]: APP } });
    expect(simulate(document, { [`${I}:sub`]: APP })).toBe('Allowed');
    const findings = audit(document);
    expect(rules(findings)).toEqual(['never-matches']);
    expect(findings[0].message).toContain("A subject template that lists only 'repo' gives every run");
  });

  test.each([
    ['check_run_id (a token claim since Nov 2025)', `${APP}:check_run_id:4242`, false],
    ['check_run_id as a pattern', `${APP}:check_run_id:*`, true],
    ['environment_node_id', `${APP}:environment_node_id:EN_kwDOabc`, false],
  ])('a custom template claim TEMPLATE_CLAIMS does not list: %s', (_name, value, pattern) => {
    // TEMPLATE_CLAIMS misses token claims a subject template can list (check_run_id,
    // environment_node_id); parseClaims then throws NoTokenMatchesError instead of the plain Error
    // it throws for modelled template claims. Audit: never-matches. Simulator: the token whose
    // template lists the claim -> Allowed.
    const document = policy({ StringEquals: AUD, [pattern ? 'StringLike' : 'StringEquals']: { [`${I}:sub`]: value } });
    expect(simulate(document, { [`${I}:sub`]: value.replace('*', '4242') })).toBe('Allowed');
    expect(rules(audit(document))).not.toContain('never-matches');
  });

  test('a workflow name holding "*" under a template that lists "workflow" is called dead', () => {
    // literalWildcard() exempts only environment names, but a `workflow` claim is the workflow's
    // free-text name ("Deploy *prod*"). Audit: never-matches, and it advises moving the value to
    // StringLike (which would widen it). Simulator: that run's token -> Allowed.
    const value = `${APP}:workflow:Deploy *prod*`;
    const document = policy({ StringEquals: { ...AUD, [`${I}:sub`]: value } });
    expect(simulate(document, { [`${I}:sub`]: value })).toBe('Allowed');
    expect(rules(audit(document))).not.toContain('never-matches');
  });

  test.each(['-draft', '@'])('branch "%s" is a valid git ref (git check-ref-format refs/heads/<name> accepts it) but is called dead', name => {
    // refNameProblem() applies `git branch`'s leading-'-' rule and the whole-refname '@' rule to
    // the short name; `git check-ref-format refs/heads/-draft` and `refs/heads/@` both succeed and
    // `git push origin HEAD:refs/heads/-draft` creates the branch. (Lower confidence: whether
    // github.com accepts such a push was not verified.) Simulator: that run's token -> Allowed.
    const value = `${APP}:ref:refs/heads/${name}`;
    const document = policy({ StringEquals: { ...AUD, [`${I}:sub`]: value } });
    expect(simulate(document, { [`${I}:sub`]: value })).toBe('Allowed');
    expect(rules(audit(document))).not.toContain('never-matches');
  });
});

describe('3. MEDIUM (new user): corrections that admit no token the user meant', () => {
  const S = { [`${I}:sub`]: `${APP}:*` };
  test.each([
    ['tags/v1', 'refs/tags/v1'],
    ['heads/main', 'refs/heads/main'],
  ])('ref %s is "corrected" under refs/heads/ (the run has %s)', (written, meant) => {
    // Audit: "Write 'refs/heads/tags/v1'" (and 'refs/heads/heads/main'). Simulator: with the
    // correction applied, the token on `meant` -> ImplicitlyDenied.
    const document = policy({ StringEquals: { ...AUD, [`${I}:ref`]: written }, StringLike: S });
    const correction = audit(document).find(finding => finding.rule === 'never-matches')?.correction;
    expect(correction).toBeDefined();
    const corrected = policy({ StringEquals: { ...AUD, [`${I}:ref`]: correction! }, StringLike: S });
    expect(simulate(corrected, { [`${I}:sub`]: `${APP}:ref:${meant}`, [`${I}:ref`]: meant })).toBe('Allowed');
  });

  test('"repo:o/r:environment" is "corrected" to a branch named environment', () => {
    // Audit correction: 'repo:octo-org/octo-app:ref:refs/heads/environment'. The user meant an
    // environment; a branch called "environment" is a guess that hides the real fix.
    const document = policy({ StringEquals: { ...AUD, [`${I}:sub`]: `${APP}:environment` } });
    const correction = audit(document).find(finding => finding.rule === 'never-matches')?.correction;
    expect(correction).not.toBe(`${APP}:ref:refs/heads/environment`);
  });

  test('"repo:o/r:refs/pull/1/merge" is "corrected" to a sub the default template never sends for a pull request', () => {
    // Audit correction: 'repo:octo-org/octo-app:ref:refs/pull/1/merge'. Under the default template
    // a pull-request run sends 'repo:octo-org/octo-app:pull_request'. Simulator with the
    // correction applied: that token -> ImplicitlyDenied.
    const document = policy({ StringEquals: { ...AUD, [`${I}:sub`]: `${APP}:refs/pull/1/merge` } });
    const correction = audit(document).find(finding => finding.rule === 'never-matches')?.correction;
    const corrected = policy({ StringEquals: { ...AUD, [`${I}:sub`]: correction } });
    expect(simulate(corrected, { [`${I}:sub`]: `${APP}:pull_request` })).toBe('Allowed');
  });

  test('a literal "*" in repository is explained as a contradiction with sub, not as a literal wildcard', () => {
    // Policy: StringEquals {repository: 'octo-org/*', sub: 'repo:octo-org/octo-app:ref:refs/heads/main'}.
    // Audit: "'...:repository' requires 'octo-org/*', and the sub values name other repositories"
    // — the real mistake ('*' under StringEquals is literal; use StringLike) is not named.
    const document = policy({ StringEquals: { ...AUD, [`${I}:repository`]: 'octo-org/*', [`${I}:sub`]: `${APP}:ref:refs/heads/main` } });
    const message = audit(document).find(finding => finding.rule === 'never-matches')?.message ?? '';
    expect(message).toMatch(/literal|StringLike/);
  });
});

describe('4. LOW: dead conditions from the issue\'s list that are not reported', () => {
  // Each policy below admits no token GitHub sends (simulator: the octo-org/octo-app tokens that
  // the rest of the policy admits are denied), and the audit reports no never-matches.
  const S = { [`${I}:sub`]: `${APP}:*` };
  const token = { [`${I}:sub`]: `${APP}:ref:refs/heads/main`, [`${I}:repository`]: 'octo-org/octo-app', [`${I}:ref`]: 'refs/heads/main' };
  test.each([
    ['"*" under StringEquals on repository', { StringEquals: { ...AUD, [`${I}:repository`]: 'octo-org/*' }, StringLike: S }],
    ['"*" under StringEquals on ref', { StringEquals: { ...AUD, [`${I}:ref`]: 'refs/heads/*' }, StringLike: S }],
    ['a sub value in the repository key', { StringEquals: { ...AUD, [`${I}:repository`]: 'octo-org/octo-app:ref:refs/heads/main' }, StringLike: S }],
    ['the immutable form in the repository key (the claim is always owner/name)', { StringEquals: { ...AUD, [`${I}:repository`]: 'octo-org@1/octo-app@2' }, StringLike: S }],
    ['StringEqualsIfExists on sub (always present) with a literal "*"', { StringEquals: AUD, StringEqualsIfExists: { [`${I}:sub`]: 'repo:octo-org/*' } }],
    ['Null true on sub, which every token carries', { StringEquals: AUD, Null: { [`${I}:sub`]: 'true' }, StringLike: S }],
  ])('%s', (_name, condition) => {
    const document = policy(condition);
    expect(simulate(document, token)).not.toBe('Allowed');
    expect(rules(audit(document))).toContain('never-matches');
  });
});

describe('5. LOW (new user): "every run is denied" for a statement that admits another issuer\'s runs', () => {
  test('Federated [github.com, acme] with github.com keys only: the finding says every run is denied', () => {
    // Audit: "[never-matches] Statement 0: it never admits a token from
    // token.actions.githubusercontent.com/acme, so every run is denied" — and the aspect makes it an
    // error. Simulator: the github.com token of repo:o/r on main -> Allowed. The acme half is dead,
    // the statement and the role are not.
    const document = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: [provider(I), provider(ACME)] },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { ...AUD, [`${I}:sub`]: `${APP}:ref:refs/heads/main` } },
      }],
    };
    expect(simulate(document, { [`${I}:sub`]: `${APP}:ref:refs/heads/main` })).toBe('Allowed');
    const message = audit(document).find(finding => finding.rule === 'never-matches')?.message ?? '';
    expect(message).not.toContain('every run is denied');
  });
});
