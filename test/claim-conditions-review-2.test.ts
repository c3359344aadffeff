import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import {
  GitHubActionsRole,
  GitHubClaim,
  GitHubClaimCondition,
  GitHubIssuer,
  GitHubOidcProvider,
  GitHubRepository,
  GitHubSubject,
  GitHubToken,
  TrustPolicy,
} from '../src';
import { admitsToken as allowed, GITHUB_ISSUER, simulateWebIdentity, tokenRequest as request } from './oracle';
import { newStack, trustPolicy } from './util';
import { trustPolicySize } from '../src/private/trust-policy-size';

// Second attack review of claim conditions: the statement sharing with merge-queue exclusions, the audit's
// narrowing rule against the builders', and what a user trips over. Every test asserts the behaviour the
// library should have, judged by the pinned IAM simulator (@cloud-copilot/iam-simulate). A failing test
// names the problem and its severity in the comment above it; passing tests pin what held under attack.

const app = GitHubRepository.of('octo-org', 'octo-app');
const other = GitHubRepository.of('octo-org', 'other');
const immutable = GitHubRepository.of('octo-org', 'imm', { ownerId: '1', repositoryId: '2' });
const pinned = GitHubRepository.of('octo-org', 'pinned', { repositoryId: '77' });
const SHA = '0123456789abcdef0123456789abcdef01234567';
const SHARED = 'octo-org/shared/.github/workflows/deploy.yml';
const I = GITHUB_ISSUER;
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${I}`;

/** The `context` part of a merge queue run's `sub` for a base branch. */
const queue = (base: string) => `ref:refs/heads/gh-readonly-queue/${base}/pr-12-${SHA}`;

function roleOf(
  subjects: GitHubSubject[],
  props: { claimConditions?: GitHubClaimCondition[]; stack?: Stack; issuer?: GitHubIssuer; later?: GitHubSubject[] } = {},
) {
  const stack = props.stack ?? newStack();
  const role = new GitHubActionsRole(stack, 'Role', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer: props.issuer }),
    subjects,
    claimConditions: props.claimConditions,
    roleName: 'Deploy',
    maxTrustPolicySize: 4096,
  });
  for (const subject of props.later ?? []) role.addSubject(subject);
  return { stack, role };
}

function policyOf(subjects: GitHubSubject[], claimConditions?: GitHubClaimCondition[]): any {
  return trustPolicy(Template.fromStack(roleOf(subjects, { claimConditions }).stack));
}

function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
}

function auditRules(policy: any): string[] {
  return TrustPolicy.fromJson(JSON.stringify(policy)).audit().map(finding => finding.rule);
}

/** A hand-written policy: one Allow statement for github.com's provider with the given conditions (and more statements). */
function handWritten(conditions: any, more: any[] = []): any {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: conditions }, ...more],
  };
}

/** `repo:octo-org/octo-app:*` with aud pinned, and any further condition blocks merged in. */
function anyContextWith(extra: { [operator: string]: { [key: string]: string | string[] } }): any {
  const conditions: any = { StringEquals: { [`${I}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${I}:sub`]: 'repo:octo-org/octo-app:*' } };
  for (const [operator, keys] of Object.entries(extra)) conditions[operator] = { ...conditions[operator], ...keys };
  return conditions;
}

/** Tokens of runs that 'repo:octo-org/octo-app:*' alone admits: a pull request, an unreviewed branch, an environment. */
const BROAD_RUNS: Array<[string, { [claim: string]: string }]> = [
  ['repo:octo-org/octo-app:pull_request', { ref: 'refs/pull/1/merge' }],
  ['repo:octo-org/octo-app:ref:refs/heads/evil', { ref: 'refs/heads/evil' }],
  ['repo:octo-org/octo-app:environment:production', { ref: 'refs/heads/evil', environment: 'production' }],
];

/** Runs the rendered trust job's shell step for a ref: whether it says the role trusts the ref. */
function trustJobSays(workflow: any, ref: string): boolean {
  const script: string = workflow.jobs.trust.steps[0].run;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-12b-'));
  const output = path.join(dir, 'out');
  try {
    fs.writeFileSync(output, '');
    execFileSync('bash', ['-c', script], { env: { ...process.env, REF: ref, GITHUB_OUTPUT: output } });
    return fs.readFileSync(output, 'utf8').includes('trusted=true');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Findings (tests that fail today)
// ---------------------------------------------------------------------------------------------

describe('finding: a merge queue whose base is known only at deployment keeps no exclusion', () => {
  // LOW (same attack as the first review's mergeQueue('main') finding, unfixed for this form). The exclusion is
  // added by impliedConditions() only when the claim's context is 'mergeQueue'; GitHubClaim.branch() re-detects
  // a queue with a regular expression that it skips for tokens, so mergeQueue(param) is a plain 'branch' subject
  // with no StringNotLike. Simulator, Base = 'release': the queue of the base 'release/pr-1' (a branch any
  // writer can create where a ruleset puts every branch behind a merge queue) is Allowed. Fix: let
  // GitHubClaim.mergeQueue() set the mergeQueue context itself (the escaped token goes into the exclusion as
  // it does into the value), rather than re-detecting the queue from the branch text.
  test('mergeQueue(parameter) deployed as release: the queue of release/pr-1 is refused', () => {
    const stack = newStack();
    const base = new CfnParameter(stack, 'Base').valueAsString;
    roleOf([app.mergeQueue(base)], { stack });
    const policy = trustPolicy(Template.fromStack(stack), undefined, 'aws', { Base: 'release' });
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('release')}`)).toBe(true);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('release/pr-1')}`)).toBe(false);
  });
});

describe('finding: a merge queue in a custom subject template keeps no exclusion unless it is the last claim and built by fromString', () => {
  // LOW. impliedConditions() adds the exclusion only when the queue's claim is the subject's last one and its
  // context is 'mergeQueue'. GitHubClaim.mergeQueue() followed by job_workflow_ref, and GitHubClaim.ref() with a
  // queue pattern, get none; fromString() of the very same value as the second does (the two subjects have
  // equal values and differ in what they admit). Simulator: the queue of base 'main/pr-x' is Allowed in both.
  // Fix: put the exclusion on the queue's claim (the subject's value up to the end of that claim, then '/*'
  // and, when claims follow, ':*'), and treat GitHubClaim.ref('refs/heads/gh-readonly-queue/<base>/pr-*') as
  // fromString() treats it.
  test('mergeQueue then job_workflow_ref', () => {
    const subject = GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.mergeQueue('main'), GitHubClaim.jobWorkflowRef(`${SHARED}@refs/heads/main`)]);
    const policy = policyOf([subject]);
    const sub = (base: string) => `repo:octo-org/octo-app:${queue(base)}:job_workflow_ref:${SHARED}@refs/heads/main`;
    expect(allowed(policy, sub('main'))).toBe(true);
    expect(allowed(policy, sub('main/pr-x'))).toBe(false);
  });

  test('GitHubClaim.ref() with a queue pattern admits what fromString() of the same value refuses', () => {
    const built = GitHubSubject.fromClaims([GitHubClaim.repositoryOwnerId('1'), GitHubClaim.repositoryId('2'), GitHubClaim.ref('refs/heads/gh-readonly-queue/main/pr-*')]);
    const parsed = GitHubSubject.fromString(built.value);
    const sub = `repository_owner_id:1:repository_id:2:${queue('main/pr-x')}`;
    expect(allowed(policyOf([parsed]), sub)).toBe(false);
    expect(allowed(policyOf([built]), sub)).toBe(false);
  });
});

describe("finding: the audit's any-context finding is silenced by a ref condition that does not narrow", () => {
  // MEDIUM (audit false negative on its purpose: catching broad hand-written policies). narrowsRuns() decides
  // syntactically: only 'refs/heads/<wildcards>', 'refs/tags/<wildcards>', 'refs/<wildcards>' and bare
  // wildcards count as "every ref". 'refs*', 'r*', '*/*' and 'refs/*/*' match every ref GitHub sends, and a
  // policy variable '${<issuer>:ref}' compares the claim with itself; the audit stays silent on all of them.
  // Simulator: a pull request, an unreviewed branch and an environment run are all Allowed. (The builders
  // cannot write these values, so only the audit and the CDK Aspect are fooled.) Fix: decide narrowing by
  // matching probe refs of every kind ('refs/heads/<x>', 'refs/heads/<x>/<y>', 'refs/tags/<x>',
  // 'refs/pull/1/merge') against the clause with the evaluator, and treat a value holding a policy
  // variable (other than the ${*} ${?} ${$} escapes) as not narrowing.
  test.each([
    ['StringLike refs*', { StringLike: { [`${I}:ref`]: 'refs*' } }],
    ['StringLike r*', { StringLike: { [`${I}:ref`]: 'r*' } }],
    ['StringLike */*', { StringLike: { [`${I}:ref`]: '*/*' } }],
    ['StringLike refs/*/*', { StringLike: { [`${I}:ref`]: 'refs/*/*' } }],
    ['StringEquals ${issuer:ref}', { StringEquals: { [`${I}:ref`]: `\${${I}:ref}` } }],
    ['StringLike ${issuer:ref}', { StringLike: { [`${I}:ref`]: `\${${I}:ref}` } }],
  ])('%s', (_name, extra) => {
    const policy = handWritten(anyContextWith(extra));
    for (const [sub, claims] of BROAD_RUNS) expect({ sub, allowed: allowed(policy, sub, claims) }).toEqual({ sub, allowed: true });
    expect(auditRules(policy)).toContain('any-context');
  });

  // The same for environment: the builders say environment('*') does not narrow (a role warns); a policy
  // variable in its place, which the simulator treats the same way (every environment run Allowed), silences the audit.
  test('StringEquals environment = ${issuer:environment}, as broad as environment *', () => {
    const star = handWritten(anyContextWith({ StringLike: { [`${I}:environment`]: '*' } }));
    const variable = handWritten(anyContextWith({ StringEquals: { [`${I}:environment`]: `\${${I}:environment}` } }));
    for (const environment of ['production', 'staging', 'anything']) {
      const sub = `repo:octo-org/octo-app:environment:${environment}`;
      expect(allowed(variable, sub, { environment })).toBe(allowed(star, sub, { environment }));
    }
    expect(auditRules(star)).toContain('any-context');
    expect(auditRules(variable)).toContain('any-context');
  });
});

describe("finding: the audit's pull-request finding is silenced by any context narrowed to pull requests", () => {
  // LOW (regression of this change). app.anyContext().withConditions(GitHubClaimCondition.ref('refs/pull/*/merge'))
  // admits every pull request run (simulator: Allowed for pull request 7, refused for main) exactly as
  // app.pullRequest() does, but since narrowing silences any-context and the pull-request rule looks only at the
  // sub's context, the audit of the library's own policy reports nothing, while pullRequest() gets 'pull-request'.
  // Fix: report pull-request when a required ref clause admits 'refs/pull/<n>/merge' (or the sub context is pull_request).
  test('repo:o/r:* where ref = refs/pull/*/merge is reported like repo:o/r:pull_request', () => {
    const narrowed = policyOf([app.anyContext().withConditions(GitHubClaimCondition.ref('refs/pull/*/merge'))]);
    expect(allowed(narrowed, 'repo:octo-org/octo-app:pull_request', { ref: 'refs/pull/7/merge' })).toBe(true);
    expect(allowed(narrowed, 'repo:octo-org/octo-app:ref:refs/heads/main', { ref: 'refs/heads/main' })).toBe(false);
    expect(auditRules(policyOf([app.pullRequest()]))).toContain('pull-request');
    expect(auditRules(narrowed)).toContain('pull-request');
  });
});

describe('finding: the builders warn that subjects together admit every context; the audit of the same policy is silent', () => {
  // LOW (pre-existing; "one engine for trust"). The role's every-context union check looks at all its subjects;
  // the audit's looks per statement. The builders always put pull_request (exact, StringEquals) in another
  // statement than 'refs/heads/*', 'refs/tags/*' and 'environment:*' (patterns), and claim conditions split
  // statements further, so the audit's union rule can never fire on a policy this library writes. Simulator: a
  // pull request, any branch, any tag and any environment are all Allowed. Fix: compute unions over the
  // subjects of all Allow statements of the policy (of one issuer and with no narrowing condition).
  test.each([
    ['plain', [app.branch('*'), app.tag('*'), app.environment('*'), app.pullRequest()]],
    ['one subject held to notActor', [app.branch('*').withConditions(GitHubClaimCondition.notActor('hubot')), app.tag('*'), app.environment('*'), app.pullRequest()]],
  ] as Array<[string, GitHubSubject[]]>)('%s', (_name, subjects) => {
    const { stack } = roleOf(subjects);
    const policy = trustPolicy(Template.fromStack(stack));
    expect(warningsOf(stack).some(w => w.includes('together every branch, tag, environment and pull request'))).toBe(true);
    for (const [sub, claims] of [['repo:octo-org/octo-app:pull_request', {}], ['repo:octo-org/octo-app:ref:refs/heads/evil', {}],
      ['repo:octo-org/octo-app:ref:refs/tags/x', {}], ['repo:octo-org/octo-app:environment:anything', {}]] as Array<[string, any]>) {
      expect({ sub, allowed: allowed(policy, sub, { actor: 'octocat', ...claims }) }).toEqual({ sub, allowed: true });
    }
    expect(auditRules(policy)).toContain('any-context');
  });

  // The audit's union rule works when the four share one statement (a hand-written policy): only the split hides them.
  test('the same subjects in one hand-written statement are reported', () => {
    const policy = handWritten(anyContextWith({
      StringLike: {
        [`${I}:sub`]: ['repo:octo-org/octo-app:ref:refs/heads/*', 'repo:octo-org/octo-app:ref:refs/tags/*',
          'repo:octo-org/octo-app:environment:*', 'repo:octo-org/octo-app:pull_request'],
      },
    }));
    expect(auditRules(policy)).toContain('any-context');
  });
});

describe('finding: a rendered workflow starts merge queue runs that its role refuses', () => {
  // LOW. mergeQueue('*') refuses the queue of any base whose name holds '/pr-' (the exclusion
  // 'gh-readonly-queue/*/pr-*/*' also matches 'gh-readonly-queue/team/pr-tools/pr-12-<sha>'; simulator:
  // ImplicitlyDenied), but the rendered workflow triggers on merge_group for branches '**' and its trust job
  // checks the ref with the role's sub pattern without the exclusion (bash: trusted=true), so the job assumes
  // the role and fails. The same for mergeQueue('re*') with base 'release/pr-1'. "Workflow and role agree" is
  // broken. Fix: give the trust job the exclusions too (a first case arm '…/pr-*/*' that skips), or narrow the
  // exclusion of a pattern base so it refuses only what the base's literal text cannot mean.
  test.each([
    ['*', 'team/pr-tools'],
    ['re*', 'release/pr-1'],
  ])("mergeQueue('%s'), base %s: the trust job and the role agree", (base, attacked) => {
    const { stack, role } = roleOf([app.mergeQueue(base)]);
    const policy = trustPolicy(Template.fromStack(stack));
    const workflow = parse(role.renderWorkflow({ region: 'eu-west-1' }));
    const ref = `refs/heads/gh-readonly-queue/${attacked}/pr-12-${SHA}`;
    const roleAdmits = allowed(policy, `repo:octo-org/octo-app:ref:${ref}`);
    expect({ ref, trustJob: trustJobSays(workflow, ref) }).toEqual({ ref, trustJob: roleAdmits });
    // The queue of a plain base works in both.
    const plain = `refs/heads/gh-readonly-queue/${base === '*' ? 'main' : 'release'}/pr-12-${SHA}`;
    expect(allowed(policy, `repo:octo-org/octo-app:ref:${plain}`)).toBe(true);
    expect(trustJobSays(workflow, plain)).toBe(true);
  });
});

describe('finding: a merge queue alone triggers the warning about unconfirmed claim conditions, naming "sub"', () => {
  // LOW (spurious warning; fails `cdk synth --strict`). warnIfUnconfirmed() counts the merge queue's implied
  // condition on 'sub' as a claim condition, and says "conditions on claims besides sub and aud (sub) ...
  // Where STS does not set a claim, the condition keeps every token out". sub is always set: simulator, on the
  // GHES role, the queue token with only sub and aud is Allowed. Fix: leave the 'sub' claim out (filter
  // claim !== 'sub' as claimConditions() does).
  test.each([
    ['GitHub Enterprise Server', 'us-east-1', GitHubIssuer.enterpriseServer('github.example.com')],
    ['GovCloud', 'us-gov-west-1', undefined],
  ] as Array<[string, string, GitHubIssuer | undefined]>)('%s', (_name, region, issuer) => {
    const stack = newStack({ env: { account: '123456789012', region } });
    roleOf([app.mergeQueue('main')], { stack, issuer });
    const policy = trustPolicy(Template.fromStack(stack), undefined, region.startsWith('us-gov') ? 'aws-us-gov' : 'aws');
    const host = (issuer ?? GitHubIssuer.GITHUB_COM).hostAndPath;
    expect(simulateWebIdentity(policy, {
      ...request(`repo:octo-org/octo-app:${queue('main')}`, {}, host),
      partition: region.startsWith('us-gov') ? 'aws-us-gov' : 'aws',
    })).toBe('Allowed');
    expect(warningsOf(stack).filter(w => w.includes('claimConditionUnconfirmed'))).toEqual([]);
  });
});

describe('finding: a role-wide repository ID is refused for the name form and the immutable form of one repository', () => {
  // LOW (usability, wrong reason). assertOneRepositoryPerId() tells repositories apart by the text of their repo
  // claim, so 'repo:octo-org/octo-app' and 'repo:octo-org@1/octo-app@2' count as two, and the role is refused with
  // "only one has that ID, so the others' tokens would be refused". Both are the repository with ID 2 (the
  // natural set-up while GitHub moves repositories to the immutable form): the same condition given per subject
  // admits both tokens (simulator). Fix: take the repository ID from the claims' traits where they have one, and
  // compare owner/name without the IDs otherwise.
  test('claimConditions: [repositoryId(2)] with app.branch(main) and its immutable form', () => {
    const ids = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1', repositoryId: '2' });
    const perSubject = policyOf([app.branch('main').withConditions(GitHubClaimCondition.repositoryId('2')), ids.branch('main')]);
    expect(allowed(perSubject, 'repo:octo-org/octo-app:ref:refs/heads/main', { repository_id: '2' })).toBe(true);
    expect(allowed(perSubject, 'repo:octo-org@1/octo-app@2:ref:refs/heads/main', { repository_id: '2' })).toBe(true);
    expect(() => roleOf([app.branch('main'), ids.branch('main')], { claimConditions: [GitHubClaimCondition.repositoryId('2')] })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Held under attack (tests that pass today; they pin the behaviour)
// ---------------------------------------------------------------------------------------------

describe('held: statement sharing with merge-queue exclusions matches the model', () => {
  // Model: a token is admitted when some trusted (subject, conditions) pair matches sub and every condition, and
  // none of that subject's own exclusions matches sub. Roles mix merge queues (bases '*', 're*', 'a?c', with '/'),
  // branch and tag patterns, any context, environments, pull requests, four repositories (name form, immutable
  // form, name form with a pinned ID), claim conditions, and subjects added later with addSubject() in any order.
  // The library's own evaluator (explain) must agree with the simulator too.
  const bases = ['main', '*', 're*', 'a?c', 'main/pr-x', 'release/*', 'x/pr-y', 'ma*'];
  const kinds = fc.oneof(
    fc.constantFrom(...bases).map(b => (r: GitHubRepository) => r.mergeQueue(b)),
    fc.constantFrom('*', 'main', 'gh-readonly-queue/*', 'gh-readonly-queue/main/*', 'gh-readonly-queue/main/pr-*/*', 'gh-*', 're*')
      .map(b => (r: GitHubRepository) => r.branch(b)),
    fc.constantFrom('v*', '*').map(t => (r: GitHubRepository) => r.tag(t)),
    fc.constantFrom('prod*', 'production').map(e => (r: GitHubRepository) => r.environment(e)),
    fc.constant((r: GitHubRepository) => r.anyContext()),
    fc.constant((r: GitHubRepository) => r.pullRequest()),
  );
  const conditions = [GitHubClaimCondition.notActor('dependabot[bot]'), GitHubClaimCondition.actorId('5'), GitHubClaimCondition.ref('refs/heads/main'),
    GitHubClaimCondition.ref('refs/heads/*'), GitHubClaimCondition.ref('refs/pull/*/merge')];
  const pair = fc.tuple(fc.constantFrom(app, other, immutable, pinned), kinds, fc.subarray(conditions, { maxLength: 1 })).map(([r, k, chosen]) => {
    const subject = k(r);
    try {
      return subject.withConditions(...chosen);
    } catch {
      return subject; // a combination the builders refuse
    }
  });
  const contexts = ['ref:refs/heads/main', 'ref:refs/heads/re', 'ref:refs/heads/gh-x', 'ref:refs/tags/v1', 'environment:production', 'environment:prod-eu', 'pull_request',
    ...['main', 'main/pr-x', 'main/pr-x/pr-y', 'release/pr-1', 'abc', 'a/c', 're', 'release/1', 'x/pr-y', 'x', 'mainline', 'ma/pr-q'].map(queue),
    // Refs that only an exclusion refuses, more often.
    ...['main/pr-x', 'release/pr-1', 'x/pr-y', 'ma/pr-q', 'abc/pr-1'].map(queue)];
  const repositories = ['octo-org/octo-app', 'octo-org/other', 'octo-org@1/imm@2', 'octo-org/pinned', 'octo-org/imm'];
  const glob = (pattern: string, text: string) =>
    new RegExp(`^${pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')).join('')}$`, 's').test(text);
  const holds = (condition: GitHubClaimCondition, token: { [claim: string]: string }) => {
    const value = token[condition.claim];
    if (value === undefined) return false;
    const equal = condition.claim === 'actor' ? value.toLowerCase() === condition.value.toLowerCase() : glob(condition.value, value);
    return condition.negated ? !equal : equal;
  };
  const model = (pairs: GitHubSubject[], sub: string, claims: { [claim: string]: string }) =>
    pairs.some(p => glob(p.value, sub) && p.conditions.every(condition => holds(condition, { ...claims, sub })));

  test('generated roles and tokens', () => {
    let admitted = 0;
    let refusedByExclusion = 0;
    fc.assert(fc.property(fc.array(pair, { minLength: 1, maxLength: 7 }), fc.nat(7),
      fc.array(fc.tuple(fc.constantFrom(...repositories), fc.constantFrom(...contexts),
        fc.constantFrom('octocat', 'Dependabot[bot]'), fc.constantFrom('5', '6'), fc.constantFrom('refs/heads/main', 'refs/heads/x', 'refs/pull/3/merge')), { minLength: 12, maxLength: 12 }),
      (pairs, split, tokens) => {
        const first = pairs.slice(0, Math.max(1, split % (pairs.length + 1)));
        const { stack, role } = roleOf(first, { later: pairs.slice(first.length) });
        const policy = trustPolicy(Template.fromStack(stack));
        const trust = TrustPolicy.fromJson(JSON.stringify(policy));
        const trusted = role.subjects;
        for (const [repository, context, actor, actorId, ref] of tokens) {
          const sub = `repo:${repository}:${context}`;
          const claims = { actor, actor_id: actorId, ref, repository_id: repository.includes('pinned') ? '77' : repository.includes('imm') ? '2' : '5' };
          const simulated = allowed(policy, sub, claims);
          const expected = model(trusted, sub, claims);
          const seen = { pairs: trusted.map(p => `${p} [${p.conditions.map(String).join(', ')}]`), sub, claims };
          expect({ ...seen, simulated }).toEqual({ ...seen, simulated: expected });
          const explained = trust.evaluate(GitHubToken.fromClaims({ sub, aud: 'sts.amazonaws.com', ...claims })).allowed;
          expect({ ...seen, explained }).toEqual({ ...seen, explained: simulated });
          if (expected) admitted++;
          if (!expected && trusted.some(p => glob(p.value, sub) && p.conditions.filter(c => c.claim !== 'sub').every(c => holds(c, claims)))) refusedByExclusion++;
        }
      }), { numRuns: Number(process.env.FC_RUNS ?? 120), seed: 4242 });
    expect(admitted).toBeGreaterThan(50);
    expect(refusedByExclusion).toBeGreaterThan(10);
  });

  test('queues that cannot share a statement get their own, in either order of addSubject()', () => {
    for (const order of [[app.mergeQueue('main'), app.branch('*')], [app.branch('*'), app.mergeQueue('main')]]) {
      const { stack } = roleOf([app.tag('v*')], { later: order });
      const policy = trustPolicy(Template.fromStack(stack));
      // branch('*') admits the queue of main/pr-x; mergeQueue('main') alone would not.
      expect(allowed(policy, `repo:octo-org/octo-app:${queue('main/pr-x')}`)).toBe(true);
      expect(allowed(policy, `repo:octo-org/octo-app:${queue('main')}`)).toBe(true);
      expect(allowed(policy, 'repo:octo-org/octo-app:ref:refs/tags/v1')).toBe(true);
    }
    // Queues of unrelated bases share one statement, and each keeps its exclusion.
    const shared = policyOf([app.mergeQueue('main'), app.mergeQueue('re*'), app.tag('v*')]);
    expect(shared.Statement).toHaveLength(1);
    expect(allowed(shared, `repo:octo-org/octo-app:${queue('main/pr-x')}`)).toBe(false);
    expect(allowed(shared, `repo:octo-org/octo-app:${queue('release')}`)).toBe(true);
  });

  test('a deploy-time actor ID condition and merge queues sharing a statement', () => {
    const stack = newStack();
    const bot = new CfnParameter(stack, 'Bot').valueAsString;
    roleOf([app.mergeQueue('main').withConditions(GitHubClaimCondition.notActorId(bot))], { stack, later: [app.mergeQueue('dev').withConditions(GitHubClaimCondition.notActorId(bot))] });
    const policy = trustPolicy(Template.fromStack(stack), undefined, 'aws', { Bot: '6' });
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('main')}`, { actor_id: '5' })).toBe(true);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('dev')}`, { actor_id: '5' })).toBe(true);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('dev')}`, { actor_id: '6' })).toBe(false);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('main/pr-x')}`, { actor_id: '5' })).toBe(false);
  });

  test('a literal base matched literally whatever it holds', () => {
    const policy = policyOf([app.mergeQueue('a$b'), app.mergeQueue('main')]);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('a$b')}`)).toBe(true);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('a$b/pr-x')}`)).toBe(false);
    expect(allowed(policy, `repo:octo-org/octo-app:${queue('a')}`)).toBe(false);
  });
});

describe("held: the audit's narrowing is not fooled by clauses that do not require the claim", () => {
  // Each of these leaves a pull request or an unreviewed branch Allowed (simulator), and the audit reports any-context.
  test.each([
    ['ref IfExists', { StringEqualsIfExists: { [`${I}:ref`]: 'refs/heads/main' } }],
    ['ref ForAllValues', { 'ForAllValues:StringEquals': { [`${I}:ref`]: 'refs/heads/main' } }],
    ['ref negated', { StringNotEquals: { [`${I}:ref`]: 'refs/heads/evil' } }],
    ['ref Null false', { Null: { [`${I}:ref`]: 'false' } }],
    ['ref refs/heads/* and refs/heads/main', { StringLike: { [`${I}:ref`]: ['refs/heads/main', 'refs/*'] } }],
  ])('%s', (_name, extra) => {
    const policy = handWritten(anyContextWith(extra));
    const admitted = BROAD_RUNS.concat([['repo:octo-org/octo-app:ref:refs/heads/evil', {}]]).some(([sub, claims]) => allowed(policy, sub, claims));
    expect(admitted).toBe(true);
    expect(auditRules(policy)).toContain('any-context');
  });

  test("another issuer's key, a narrowing condition in another statement, a Deny statement", () => {
    const otherIssuer = handWritten(anyContextWith({ StringEquals: { [`${I}/octo-enterprise:ref`]: 'refs/heads/main' } }));
    expect(auditRules(otherIssuer)).toContain('any-context');
    const narrowedElsewhere = handWritten(anyContextWith({}), [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${I}:aud`]: 'sts.amazonaws.com', [`${I}:sub`]: 'repo:octo-org/octo-app:environment:production', [`${I}:ref`]: 'refs/heads/main' } },
    }]);
    expect(allowed(narrowedElsewhere, 'repo:octo-org/octo-app:pull_request', { ref: 'refs/pull/1/merge' })).toBe(true);
    expect(auditRules(narrowedElsewhere)).toContain('any-context');
    const deny = handWritten(anyContextWith({}), [{
      Effect: 'Deny',
      Principal: { Federated: PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${I}:ref`]: 'refs/heads/main' } },
    }]);
    expect(allowed(deny, 'repo:octo-org/octo-app:pull_request', { ref: 'refs/pull/1/merge' })).toBe(true);
    expect(auditRules(deny)).toContain('any-context');
  });

  test('an escaped ${*} and upper-case keys narrow, as the simulator says', () => {
    for (const extra of <Array<{ [operator: string]: { [key: string]: string } }>>[{ StringLike: { [`${I}:ref`]: 'refs/heads/${*}' } }, { StringEquals: { [`${I.toUpperCase()}:REF`]: 'refs/heads/main' } }]) {
      const policy = handWritten(anyContextWith(extra));
      for (const [sub, claims] of BROAD_RUNS) expect(allowed(policy, sub, claims)).toBe(false);
      expect(auditRules(policy)).not.toContain('any-context');
    }
  });

  test('builders and audit agree on roles the builders write', () => {
    for (const [subjects, broad] of [
      [[app.anyContext().withConditions(GitHubClaimCondition.ref('refs/heads/main'))], false],
      // Every branch (or every tag) is not every context: tags and pull requests (branches, pull requests) are refused.
      [[app.anyContext().withConditions(GitHubClaimCondition.ref('refs/heads/*'))], false],
      [[app.anyContext().withConditions(GitHubClaimCondition.ref('refs/tags/*'))], false],
      [[app.anyContext().withConditions(GitHubClaimCondition.ref('refs/heads/main')), app.anyContext().withConditions(GitHubClaimCondition.actor('hubot'))], true],
      [[GitHubSubject.fromString('repository_owner_id:1:repository_id:2').withConditions(GitHubClaimCondition.environment('?*'))], true],
      [[GitHubSubject.fromString('repository_owner_id:1:repository_id:2').withConditions(GitHubClaimCondition.environment('prod'))], false],
    ] as Array<[GitHubSubject[], boolean]>) {
      const { stack } = roleOf(subjects);
      const policy = trustPolicy(Template.fromStack(stack));
      const seen = subjects.map(String);
      expect({ seen, warned: warningsOf(stack).some(w => w.includes('anyContext')) }).toEqual({ seen, warned: broad });
      expect({ seen, audit: auditRules(policy).includes('any-context') }).toEqual({ seen, audit: broad });
    }
  });
});

describe('held: the size bound with exclusions is never below the exact size', () => {
  test('merge queues with odd bases, immutable forms, subjects added later, GovCloud', () => {
    const characters = fc.constantFrom('a', 'é', 'ÿ', '"', '\\', '$', '*', '?', '/', '{', '}');
    const name = fc.array(characters, { minLength: 1, maxLength: 20 }).map(list => `x${list.join('')}x`);
    const subject = fc.tuple(fc.constantFrom(app, immutable, GitHubRepository.of('o', 'p', { repositoryId: '99999999999999999999' })),
      fc.oneof(name.map(n => ['mergeQueue', n]), name.map(n => ['branch', n]), fc.constantFrom(['anyContext', ''], ['tag', 'v*'], ['mergeQueue', '*'])),
      fc.subarray([GitHubClaimCondition.notActor('dependabot[bot]'), GitHubClaimCondition.jobWorkflowRef('o/s/.github/workflows/d.yml@refs/heads/*')], { maxLength: 2 }))
      .map(([r, [kind, text], chosen]) => {
        let built: GitHubSubject;
        try {
          built = (r as any)[kind](text);
        } catch {
          built = r.branch('main');
        }
        try {
          return built.withConditions(...chosen);
        } catch {
          return built;
        }
      });
    fc.assert(fc.property(fc.array(subject, { minLength: 1, maxLength: 12 }), fc.nat(12), fc.constantFrom(undefined, GitHubIssuer.enterpriseCloud('a-long-enterprise-slug')),
      (subjects, split, issuer) => {
        const stack = newStack({ env: { account: '123456789012', region: 'us-gov-west-1' } });
        const first = Math.max(1, split % (subjects.length + 1));
        const { role } = roleOf(subjects.slice(0, first), { stack, issuer, later: subjects.slice(first) });
        const bound = (role as any).trust.sizeBound() as number;
        const exact = trustPolicySize(role, role.assumeRolePolicy!, role.provider.issuer).size;
        expect({ subjects: subjects.map(String), belowExact: bound < exact }).toEqual({ subjects: subjects.map(String), belowExact: false });
      }), { numRuns: Number(process.env.FC_RUNS ?? 300), seed: 99 });
  });

  test('how many subjects fit in 2048 characters (pinned, for the README)', () => {
    const fits = (make: (i: number) => GitHubSubject, claimConditions: GitHubClaimCondition[] = []) => {
      for (let n = 1; n < 100; n++) {
        const stack = newStack();
        new GitHubActionsRole(stack, 'Role', {
          provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: Array.from({ length: n }, (_, i) => make(i)), claimConditions,
        });
        if (stack.node.findAll().some(c => c.node.validate().length > 0)) return n - 1;
      }
      return 100;
    };
    expect({
      branches: fits(i => app.branch(`feature-${i}`)),
      branchesNotActor: fits(i => app.branch(`feature-${i}`), [GitHubClaimCondition.notActor('dependabot[bot]')]),
      mergeQueues: fits(i => app.mergeQueue(`feature-${i}`)),
      branchesEachWithItsOwnActorId: fits(i => app.branch(`feature-${i}`).withConditions(GitHubClaimCondition.actorId(String(i + 1)))),
    }).toEqual({ branches: 33, branchesNotActor: 30, mergeQueues: 11, branchesEachWithItsOwnActorId: 5 });
  });
});
