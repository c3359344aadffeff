import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubToken, TrustAuditRule, TrustFindingSeverity, TrustPolicy } from '../src';
import { admits, GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { deployedValue, newStack, synth, trustPolicy } from './util';
import { resolveIntrinsics } from '../src/analysis/template-values';

// Each audit rule on a policy that breaks it and on its corrected twin. Where a rule says a
// policy admits tokens nobody meant, the IAM simulator confirms it for the failing policy and
// refutes it for the twin; every twin admits the token its author meant.

const SUB = `${GITHUB_ISSUER}:sub`;
const AUD = `${GITHUB_ISSUER}:aud`;
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GITHUB_ISSUER}`;
const MAIN = 'repo:octo-org/octo-app:ref:refs/heads/main';

function policy(condition: object | undefined, extra: object = {}) {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      ...(condition ? { Condition: condition } : {}),
      ...extra,
    }],
  };
}

function rulesOf(document: object): string[] {
  return TrustPolicy.fromJson(document).audit().map(finding => finding.rule);
}

describe('each rule fires on the policy that breaks it and not on its twin', () => {
  test('sub-missing: no condition on sub admits every repository', () => {
    const broken = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' } });
    const twin = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: MAIN } });
    expect(rulesOf(broken)).toEqual(['sub-missing']);
    expect(rulesOf(twin)).toEqual([]);
    expect(admits(broken, { sub: 'repo:attacker/anything:ref:refs/heads/main' })).toBe(true);
    expect(admits(twin, { sub: 'repo:attacker/anything:ref:refs/heads/main' })).toBe(false);
    expect(admits(twin, { sub: MAIN })).toBe(true);
  });

  test('sub conditions in other forms: critical exactly when the simulator admits another repository', () => {
    // Every GitHub token has sub, so IfExists and ForAllValues: still compare it; a negated operator admits the rest.
    for (const [operator, admitsOthers] of [['StringEqualsIfExists', false], ['ForAllValues:StringEquals', false], ['StringNotEquals', true]] as const) {
      const document = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, [operator]: { [SUB]: MAIN } });
      expect(admits(document, { sub: 'repo:attacker/x:ref:refs/heads/main' })).toBe(admitsOthers);
      const critical = TrustPolicy.fromJson(document).audit().filter(finding => finding.severity === TrustFindingSeverity.CRITICAL);
      expect({ operator, critical: critical.map(finding => finding.rule) }).toEqual({ operator, critical: admitsOthers ? ['sub-missing'] : [] });
    }
  });

  test('a Deny that pins the repository keeps sub-missing quiet; the simulator agrees', () => {
    const guarded = {
      ...policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' } }),
      Statement: [
        ...policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' } }).Statement,
        { Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringNotLike: { [SUB]: 'repo:octo-org/octo-app:*' } } },
      ],
    };
    expect(admits(guarded, { sub: 'repo:attacker/x:ref:refs/heads/main' })).toBe(false);
    expect(rulesOf(guarded)).not.toContain('sub-missing');
  });

  test.each([
    ['Principal "*"', { Principal: '*' }],
    ['NotPrincipal', { NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' } }],
  ])('admits-unnamed-repository or sub-missing: %s admits GitHub tokens too', (_, principal) => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } }] };
    expect(admits(document, { sub: 'repo:attacker/x:ref:refs/heads/main' })).toBe(true);
    expect(rulesOf(document)).toEqual(['sub-missing']);
  });

  test('the STS claim keys count: a repository pin by the repository claim, exact or a pattern over the owner', () => {
    // STS sets the repository key for every github.com token, so IfExists still compares it.
    const exact = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringEqualsIfExists: { [`${GITHUB_ISSUER}:repository`]: 'octo-org/octo-app' } });
    expect(rulesOf(exact)).toEqual([]);
    const attacker = { sub: 'repo:attacker/x:ref:refs/heads/main', aud: 'sts.amazonaws.com', repository: 'attacker/x' };
    expect(TrustPolicy.fromJson(exact).evaluate(GitHubToken.fromClaims(attacker)).allowed).toBe(false);
    // A pattern over the owner admits every repository of it: critical, as 'repo:octo-org/*' is.
    const orgWide = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [`${GITHUB_ISSUER}:repository`]: 'octo-org/*' } });
    expect(rulesOf(orgWide)).toEqual(['sub-missing']);
    const sibling = { sub: 'repo:octo-org/other:ref:refs/heads/main', aud: 'sts.amazonaws.com', repository: 'octo-org/other' };
    expect(simulateWebIdentity(orgWide, {
      issuer: GITHUB_ISSUER,
      contextVariables: { [SUB]: sibling.sub, [AUD]: sibling.aud, [`${GITHUB_ISSUER}:repository`]: sibling.repository },
    })).toBe('Allowed');
  });

  test.each([
    ['repo:octo-org/*', 'repo:octo-org/octo-app:*', 'repo:octo-org/evil:ref:refs/heads/main'],
    ['repo:octo-org/octo-app*', 'repo:octo-org/octo-app:ref:refs/heads/*', 'repo:octo-org/octo-app-evil:ref:refs/heads/main'],
    ['*', 'repo:octo-org/octo-app:environment:prod*', 'repo:attacker/x:environment:prod'],
    ['*:repo:octo-org/octo-app', 'repo:octo-org/octo-app:ref:refs/tags/v*', 'repo:attacker/x:ref:refs/heads/main:repo:octo-org/octo-app'],
    ['repo:octo-?rg/octo-app:*', 'repo:octo-org/octo-app:ref:refs/heads/release/?', 'repo:octo-xrg/octo-app:ref:refs/heads/main'],
  ])('sub-wildcard-before-pin: %s', (pattern, fixed, forged) => {
    const broken = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: pattern } });
    const twin = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: fixed } });
    expect(rulesOf(broken)).toContain('sub-wildcard-before-pin');
    expect(rulesOf(twin)).not.toContain('sub-wildcard-before-pin');
    expect(admits(broken, { sub: forged })).toBe(true);
    expect(admits(twin, { sub: forged })).toBe(false);
  });

  test('sub-wildcard-before-pin: an escaped wildcard is no wildcard', () => {
    const escaped = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: 'repo:octo-org/octo-app:environment:a${*}b' } });
    expect(rulesOf(escaped)).toEqual([]);
  });

  test('sub-policy-variable: a variable in sub lets the token supply its own value', () => {
    const broken = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: `\${${SUB}}` } });
    const twin = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: MAIN } });
    expect(rulesOf(broken)).toEqual(['sub-policy-variable']);
    expect(admits(broken, { sub: 'repo:attacker/x:ref:refs/heads/main' })).toBe(true);
    expect(rulesOf(twin)).toEqual([]);
    // Without Version 2012-10-17, IAM reads no variables: the value is literal and the rule is quiet.
    expect(rulesOf({ ...broken, Version: '2008-10-17' })).not.toContain('sub-policy-variable');
  });

  test('aud-missing', () => {
    const broken = policy({ StringEquals: { [SUB]: MAIN } });
    expect(rulesOf(broken)).toEqual(['aud-missing']);
    expect(admits(broken, { sub: MAIN, aud: 'https://github.com/octo-org' })).toBe(true);
    const twin = policy({ StringEquals: { [SUB]: MAIN, [AUD]: 'sts.amazonaws.com' } });
    expect(rulesOf(twin)).toEqual([]);
    expect(admits(twin, { sub: MAIN, aud: 'https://github.com/octo-org' })).toBe(false);
  });

  test('for-all-values-in-allow: true when the key is missing', () => {
    const broken = policy({ 'StringEquals': { [SUB]: MAIN }, 'ForAllValues:StringEquals': { [AUD]: 'sts.amazonaws.com' } });
    const findings = rulesOf(broken);
    expect(findings).toContain('for-all-values-in-allow');
    expect(findings).toContain('aud-missing');
    expect(admits(broken, { sub: MAIN, aud: null })).toBe(true);
    expect(rulesOf(policy({ StringEquals: { [SUB]: MAIN, [AUD]: 'sts.amazonaws.com' } }))).not.toContain('for-all-values-in-allow');
  });

  test('foreign-condition-key: a negated condition on another issuer\'s key or :iss always holds', () => {
    const other = 'token.actions.githubusercontent.com/acme';
    const broken = policy({ StringEquals: { [SUB]: MAIN, [AUD]: 'sts.amazonaws.com' }, StringNotEquals: { [`${other}:sub`]: 'repo:evil/x:pull_request', [`${GITHUB_ISSUER}:iss`]: 'x' } });
    const findings = TrustPolicy.fromJson(broken).audit().filter(finding => finding.rule === 'foreign-condition-key');
    expect(findings).toHaveLength(2);
    expect(findings[0].message).toMatch(/always holds/);
    expect(admits(broken, { sub: MAIN })).toBe(true);
    // Required, the same keys kill the statement: one never-matches finding names both.
    const dead = policy({ StringEquals: { [`${other}:sub`]: MAIN, [AUD]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:iss`]: 'x' } });
    expect(rulesOf(dead)).toEqual(['never-matches']);
    expect(TrustPolicy.fromJson(dead).audit()[0].message).toMatch(new RegExp(`'${other}:sub'.*'${GITHUB_ISSUER}:iss'`));
    expect(admits(dead, { sub: MAIN })).toBe(false);
  });

  test('any-context: one subject, or subjects that together admit every run', () => {
    const broken = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: 'repo:octo-org/octo-app:*' } });
    expect(rulesOf(broken)).toEqual(['any-context']);
    const union = policy({
      StringEquals: { [AUD]: 'sts.amazonaws.com' },
      StringLike: { [SUB]: ['repo:octo-org/octo-app:ref:refs/heads/*', 'repo:octo-org/octo-app:ref:refs/tags/*', 'repo:octo-org/octo-app:environment:*', 'repo:octo-org/octo-app:pull_request'] },
    });
    expect(rulesOf(union)).toContain('any-context');
    const twin = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: 'repo:octo-org/octo-app:ref:refs/heads/*' } });
    expect(rulesOf(twin)).toEqual([]);
  });

  test('pull-request', () => {
    expect(rulesOf(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:octo-org/octo-app:pull_request' } }))).toEqual(['pull-request']);
  });

  test('refused-subject: what the builders refuse is reported with their reason', () => {
    // A subject template may list actor, so a token can carry this sub: refused, but not dead.
    const findings = TrustPolicy.fromJson(policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:octo-org/octo-app:actor:octocat' } })).audit();
    expect(findings.map(finding => finding.rule)).toEqual(['refused-subject']);
    expect(findings[0].message).toMatch(/cannot read the part 'actor'/);
  });

  test('name-form-with-ids: the name form where the IDs are known, unless repository_id is pinned', () => {
    const mixed = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: [MAIN, 'repo:octo-org@1234/octo-app@5678:ref:refs/heads/main'] } });
    expect(rulesOf(mixed)).toEqual(['name-form-with-ids']);
    const pinned = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: [MAIN, 'repo:octo-org@1234/octo-app@5678:ref:refs/heads/main'], [`${GITHUB_ISSUER}:repository_id`]: '5678' } });
    expect(rulesOf(pinned)).toEqual([]);
  });
});

describe('what the audit reads', () => {
  test('every rule has a stable ID and a severity, most severe first', () => {
    const rules = TrustAuditRule.all();
    expect(new Set(rules.map(rule => rule.id)).size).toBe(rules.length);
    expect(TrustAuditRule.SUB_MISSING.severity).toBe(TrustFindingSeverity.CRITICAL);
    expect(TrustAuditRule.NAME_FORM_WITH_IDS.severity).toBe(TrustFindingSeverity.INFO);
  });

  test('Deny statements and roles that do not trust GitHub are not audited', () => {
    const service = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    expect(TrustPolicy.fromJson(service).trustsGitHub).toBe(false);
    expect(TrustPolicy.fromJson(service).audit()).toEqual([]);
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    expect(TrustPolicy.fromJson(deny).audit()).toEqual([]);
  });

  test.each([
    ['GHE.com', 'token.actions.octo.ghe.com'],
    ['an enterprise issuer', 'token.actions.githubusercontent.com/octo-enterprise'],
    ['GitHub Enterprise Server', 'github.example.com/_services/token'],
  ])('issuers of %s are GitHub issuers', (_, issuer) => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws-cn:iam::1:oidc-provider/${issuer}` }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    const findings = TrustPolicy.fromJson(document).audit();
    expect(findings.map(finding => finding.rule)).toEqual(['sub-missing', 'aud-missing']);
    expect(findings[0].message).toContain(`${issuer}:sub`);
  });

  test('a principal that is not an ARN (a template value) is judged by the condition keys', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } }] };
    expect(rulesOf(document)).toEqual(['sub-missing']);
  });

  test('malformed documents are refused with what is wrong', () => {
    expect(() => TrustPolicy.fromJson('{')).toThrow(/not valid JSON/);
    expect(() => TrustPolicy.fromJson({ Statement: [{ Effect: 'Permit', Principal: '*', Action: 'x' }] })).toThrow(/Effect 'Permit'/);
    expect(() => TrustPolicy.fromJson({ Version: '2020-01-01', Statement: [] })).toThrow(/Unknown policy Version/);
    expect(() => TrustPolicy.fromJson({ Statement: [{ Effect: 'Allow', Action: 'x' }] })).toThrow(/Principal/);
  });

  test('roles this library writes have no finding above low', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    const app = GitHubRepository.of('octo-org', 'octo-app');
    new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.branch('main'), app.tag('v*'), app.environment('production')] });
    const findings = TrustPolicy.fromJson(trustPolicy(synth(stack))).audit();
    expect(findings).toEqual([]);
  });
});

describe('values that only deployment knows, in templates', () => {
  /** A stack with a hand-written role whose sub pattern holds a parameter, and a role of this library with the same parameter. */
  function stackWithParameter() {
    const stack = newStack();
    const org = new CfnParameter(stack, 'Org');
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    new iam.CfnRole(stack, 'HandWritten', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Federated: provider.oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: Fn.join('', ['repo:', org.valueAsString, '/octo-app:ref:refs/heads/release/*']) } },
        }],
      },
    });
    new GitHubActionsRole(stack, 'Library', { provider, subjects: [GitHubRepository.of(org.valueAsString, 'octo-app').branch('release/*')] });
    return synth(stack);
  }

  test('an unescaped parameter is a finding, this library\'s escaped one is not, and the simulator agrees at deployment', () => {
    const template = stackWithParameter();
    const resources = template.toJSON().Resources;
    const rules = (id: string) =>
      TrustPolicy.fromJson(resolveIntrinsics(resources[id].Properties.AssumeRolePolicyDocument, { resources })).audit().map(f => f.rule);
    const handWritten = 'HandWritten';
    const library = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith('Library'))!;
    expect(rules(handWritten)).toEqual(['sub-unescaped-deploy-time-value']);
    expect(rules(library)).toEqual([]);
    // Deployed with Org = '*', the hand-written role admits any owner's repository of that name; the library's does not.
    const forged = 'repo:attacker/octo-app:ref:refs/heads/release/1';
    const deployed = (id: string) => deployedValue(resources[id].Properties.AssumeRolePolicyDocument, template, 'aws', { Org: '*' });
    expect(admits(deployed(handWritten), { sub: forged })).toBe(true);
    expect(admits(deployed(library), { sub: forged })).toBe(false);
  });
});

describe('the probe sees what the policy\'s own patterns admit', () => {
  test.each([
    ['a repository pattern over owners that start with a letter', { StringLike: { [`${GITHUB_ISSUER}:repository`]: 'a*' } }, 'repo:acme/x:ref:refs/heads/main', 'acme/x'],
    ['a repository pattern with ?', { StringLike: { [`${GITHUB_ISSUER}:repository`]: 'octo-org/???' } }, 'repo:octo-org/abc:ref:refs/heads/main', 'octo-org/abc'],
  ])('%s: critical, and the simulator admits a repository nobody named', (_, condition, sub, repository) => {
    const document = policy({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, ...condition });
    expect(simulateWebIdentity(document, {
      issuer: GITHUB_ISSUER,
      contextVariables: { [SUB]: sub, [AUD]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:repository`]: repository },
    })).toBe('Allowed');
    expect(rulesOf(document)).toEqual(['sub-missing']);
  });
});
