import { App, CfnParameter, Stack } from 'aws-cdk-lib';
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
import { admitsToken as allowed } from './oracle';
import { ACCOUNT, keepWorkflow, newStack, synth, trustPolicy } from './util';

// Claim conditions, judged by the pinned IAM simulator: a token is admitted when it matches one
// trusted subject and carries every claim that subject was given with — and no other way.

const app = GitHubRepository.of('octo-org', 'octo-app');
const SHARED = 'octo-org/shared/.github/workflows/deploy.yml';

function roleOf(subjects: GitHubSubject[], props: { claimConditions?: GitHubClaimCondition[]; stack?: Stack; maxTrustPolicySize?: number } = {}) {
  const stack = props.stack ?? newStack();
  const role = new GitHubActionsRole(stack, 'Role', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
    subjects,
    claimConditions: props.claimConditions,
    maxTrustPolicySize: props.maxTrustPolicySize,
  });
  return { stack, role };
}

function policyOf(subjects: GitHubSubject[], claimConditions?: GitHubClaimCondition[]): any {
  return trustPolicy(synth(roleOf(subjects, { claimConditions }).stack));
}

/** The same, for generated roles: at the raised size limit, and the template not kept for cfn-lint. */
function generatedPolicyOf(subjects: GitHubSubject[]): any {
  return trustPolicy(Template.fromStack(roleOf(subjects, { maxTrustPolicySize: 4096 }).stack));
}

describe('each claim condition admits the tokens that carry its claim, and only those', () => {
  const main = 'repo:octo-org/octo-app:ref:refs/heads/main';
  const production = 'repo:octo-org/octo-app:environment:production';

  test.each([
    ['repositoryId', app.branch('main').withConditions(GitHubClaimCondition.repositoryId('89012345')), main,
      { repository_id: '89012345' }, [{ repository_id: '89012346' }, {}]],
    ['jobWorkflowRef', app.environment('production').withConditions(GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/heads/main`)), production,
      { job_workflow_ref: `${SHARED}@refs/heads/main` },
      [{ job_workflow_ref: `${SHARED}@refs/heads/feature` }, { job_workflow_ref: 'octo-org/octo-app/.github/workflows/deploy.yml@refs/heads/main' }, {}]],
    ['jobWorkflowRef (a pattern in the ref)', app.environment('production').withConditions(GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/tags/v*`)), production,
      { job_workflow_ref: `${SHARED}@refs/tags/v2.1.0` },
      [{ job_workflow_ref: `${SHARED}@refs/heads/v2` }, { job_workflow_ref: 'octo-org/shared/.github/workflows/other.yml@refs/tags/v2' }, {}]],
    ['actor (any letter case)', app.branch('main').withConditions(GitHubClaimCondition.actor('dependabot[bot]')), main,
      { actor: 'Dependabot[bot]' }, [{ actor: 'octocat' }, { actor: 'dependabot' }, {}]],
    ['notActor (any letter case; the claim required)', app.branch('main').withConditions(GitHubClaimCondition.notActor('dependabot[bot]')), main,
      { actor: 'octocat' }, [{ actor: 'dependabot[bot]' }, { actor: 'DEPENDABOT[BOT]' }, {}]],
    ['actorId', app.branch('main').withConditions(GitHubClaimCondition.actorId('49699333')), main,
      { actor_id: '49699333' }, [{ actor_id: '4969933' }, {}]],
    ['notActorId (the claim required)', app.branch('main').withConditions(GitHubClaimCondition.notActorId('49699333')), main,
      { actor_id: '583231' }, [{ actor_id: '49699333' }, {}]],
    ['enterpriseId', app.branch('main').withConditions(GitHubClaimCondition.enterpriseId('11468')), main,
      { enterprise_id: '11468' }, [{ enterprise_id: '11469' }, {}]],
    ['ref of an environment', app.environment('production').withConditions(GitHubClaimCondition.ref('refs/heads/main')), production,
      { ref: 'refs/heads/main' }, [{ ref: 'refs/heads/feature' }, { ref: 'refs/pull/7/merge' }, {}]],
    ['ref pattern of an environment', app.environment('production').withConditions(GitHubClaimCondition.ref('refs/tags/v*')), production,
      { ref: 'refs/tags/v1.2.3' }, [{ ref: 'refs/heads/v1' }, {}]],
    ['environment of a subject without a context',
      GitHubSubject.fromString('repository_owner_id:1234567:repository_id:89012345').withConditions(GitHubClaimCondition.environment('prod:eu')),
      'repository_owner_id:1234567:repository_id:89012345', { environment: 'prod:eu' }, [{ environment: 'prod%3Aeu' }, { environment: 'staging' }, {}]],
  ])('%s', (_name, subject, sub, good, bad) => {
    const policy = policyOf([subject as GitHubSubject]);
    expect(allowed(policy, sub as string, good as any)).toBe(true);
    for (const claims of bad as any[]) expect(allowed(policy, sub as string, claims)).toBe(false);
    // The claim alone is not enough: another subject with the right claims is refused.
    expect(allowed(policy, 'repo:octo-org/other:ref:refs/heads/main', good as any)).toBe(false);
  });

  test('a deploy-time ID is matched literally: deployed as `*`, it admits no other ID', () => {
    const stack = newStack();
    const id = new CfnParameter(stack, 'RepositoryId').valueAsString;
    roleOf([app.branch('main').withConditions(GitHubClaimCondition.repositoryId(id))], { stack });
    const template = synth(stack);
    const star = trustPolicy(template, undefined, 'aws', { RepositoryId: '*' });
    expect(allowed(star, main, { repository_id: '89012345' })).toBe(false);
    expect(allowed(star, main, { repository_id: '*' })).toBe(true);
    const real = trustPolicy(template, undefined, 'aws', { RepositoryId: '89012345' });
    expect(allowed(real, main, { repository_id: '89012345' })).toBe(true);
    expect(allowed(real, main, { repository_id: '8901234' })).toBe(false);
  });
});

describe('a role admits exactly its (subject, conditions) pairs', () => {
  // An independent model of what the role means, compared with the simulator on generated roles
  // and tokens: some pair's subject matches `sub` and the token meets every condition of that pair.
  const other = GitHubRepository.of('octo-org', 'other');
  const subjects = [
    app.branch('main'), app.branch('release/*'), app.environment('production'), app.environment('prod*'), app.tag('v*'),
    app.pullRequest(), app.mergeQueue('main'), app.mergeQueue('develop'), app.branch('*'),
    other.branch('main'), other.environment('production'), other.anyContext(),
  ];
  const conditions = [
    GitHubClaimCondition.repositoryId('11'), GitHubClaimCondition.repositoryId('22'),
    GitHubClaimCondition.actor('octocat'), GitHubClaimCondition.notActor('dependabot[bot]'), GitHubClaimCondition.notActor('renovate[bot]'),
    GitHubClaimCondition.actorId('5'), GitHubClaimCondition.notActorId('6'), GitHubClaimCondition.enterpriseId('9'),
    GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/heads/main`), GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/tags/v*`),
    GitHubClaimCondition.ref('refs/heads/main'), GitHubClaimCondition.ref('refs/tags/v*'),
  ];
  const contexts = ['ref:refs/heads/main', 'ref:refs/heads/release/1.x', 'environment:production', 'environment:prod-eu', 'ref:refs/tags/v1',
    'pull_request', 'ref:refs/heads/gh-readonly-queue/main/pr-12-0123456789abcdef0123456789abcdef01234567', 'ref:refs/heads/feature',
    'ref:refs/heads/gh-readonly-queue/develop/pr-3-0123456789abcdef0123456789abcdef01234567',
    'ref:refs/heads/gh-readonly-queue/main/pr-x/pr-3-0123456789abcdef0123456789abcdef01234567'];
  const claimValues: { [claim: string]: string[] } = {
    repository_id: ['11', '22'],
    actor: ['octocat', 'OctoCat', 'dependabot[bot]', 'Renovate[bot]', 'hubot'],
    actor_id: ['5', '6', '7'],
    enterprise_id: ['9', '8'],
    job_workflow_ref: [`${SHARED}@refs/heads/main`, `${SHARED}@refs/tags/v3`, `${SHARED}@refs/heads/feature`],
    ref: ['refs/heads/main', 'refs/tags/v2', 'refs/heads/dev'],
  };

  const glob = (pattern: string, text: string) =>
    new RegExp(`^${pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')).join('')}$`, 's').test(text);
  // `sub` itself may carry a condition: a merge queue's subject leaves out refs with a '/' after 'pr-'.
  const holds = (condition: GitHubClaimCondition, token: { [claim: string]: string }) => {
    const value = token[condition.claim];
    if (value === undefined) return false;
    const equal = condition.claim === 'actor' ? value.toLowerCase() === condition.value.toLowerCase() : glob(condition.value, value);
    return condition.negated ? !equal : equal;
  };
  const model = (pairs: GitHubSubject[], sub: string, claims: { [claim: string]: string }) =>
    pairs.some(pair => glob(pair.value, sub) && pair.conditions.every(condition => holds(condition, { ...claims, sub })));

  const pair = fc.tuple(fc.constantFrom(...subjects), fc.subarray(conditions, { maxLength: 3 })).map(([subject, chosen]) => {
    try {
      return subject.withConditions(...chosen);
    } catch {
      return subject; // a combination the builders refuse (two values of one claim, a ref the subject names)
    }
  });
  const token = fc.record({
    repository: fc.constantFrom('octo-app', 'other'),
    context: fc.constantFrom(...contexts),
    claims: fc.record(
      Object.fromEntries(Object.entries(claimValues).map(([claim, values]) => [claim, fc.constantFrom(...values)])),
      { requiredKeys: [] },
    ),
  });

  test('for generated roles and tokens, the simulator agrees with the model', () => {
    let admitted = 0;
    let refusedOnClaimsAlone = 0;
    fc.assert(fc.property(fc.array(pair, { minLength: 1, maxLength: 4 }), fc.array(token, { minLength: 8, maxLength: 8 }), (pairs, tokens) => {
      const policy = generatedPolicyOf(pairs);
      for (const t of tokens) {
        const sub = `repo:octo-org/${t.repository}:${t.context}`;
        const claims = t.claims as { [claim: string]: string };
        const expected = model(pairs, sub, claims);
        const seen = { sub, claims, pairs: pairs.map(String) };
        expect({ ...seen, allowed: allowed(policy, sub, claims) }).toEqual({ ...seen, allowed: expected });
        if (expected) admitted++;
        if (!expected && pairs.some(p => glob(p.value, sub))) refusedOnClaimsAlone++;
      }
    }), { numRuns: Number(process.env.FC_RUNS ?? 60), seed: 20261127 });
    // Both outcomes are reached, and refusals by the claims alone (the subject matched) among them.
    expect(admitted).toBeGreaterThan(10);
    expect(refusedOnClaimsAlone).toBeGreaterThan(10);
  });

  test('subjects of several repositories: each keeps its own conditions', () => {
    const policy = policyOf([
      app.environment('production').withConditions(GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/heads/main`)),
      other.environment('production'),
    ]);
    const shared = { job_workflow_ref: `${SHARED}@refs/heads/main` };
    expect(allowed(policy, 'repo:octo-org/octo-app:environment:production', shared)).toBe(true);
    expect(allowed(policy, 'repo:octo-org/octo-app:environment:production', { job_workflow_ref: `${SHARED}@refs/heads/evil` })).toBe(false);
    expect(allowed(policy, 'repo:octo-org/other:environment:production', {})).toBe(true);
    expect(policy.Statement).toHaveLength(2);
  });

  test("a role's claim conditions hold for every subject, added later too", () => {
    const { stack, role } = roleOf([app.branch('main')], { claimConditions: [GitHubClaimCondition.notActor('dependabot[bot]')] });
    role.addSubject(other.branch('main'));
    expect(role.subjects.map(String)).toEqual([
      'repo:octo-org/octo-app:ref:refs/heads/main where actor != dependabot[bot]',
      'repo:octo-org/other:ref:refs/heads/main where actor != dependabot[bot]',
    ]);
    const policy = trustPolicy(synth(stack));
    expect(policy.Statement).toHaveLength(1);
    for (const repository of ['octo-app', 'other']) {
      expect(allowed(policy, `repo:octo-org/${repository}:ref:refs/heads/main`, { actor: 'octocat' })).toBe(true);
      expect(allowed(policy, `repo:octo-org/${repository}:ref:refs/heads/main`, { actor: 'dependabot[bot]' })).toBe(false);
    }
  });
});

describe('the immutable-ID switch', () => {
  const nameForm = 'repo:octo-org/octo-app:ref:refs/heads/main';
  const immutableForm = 'repo:octo-org@1234567/octo-app@89012345:ref:refs/heads/main';

  test('a repository ID alone: name-form subjects pinned by repository_id, immune to a new repository of the same name', () => {
    const pinned = GitHubRepository.of('octo-org', 'octo-app', { repositoryId: '89012345' });
    expect(pinned.branch('main').value).toBe(nameForm);
    expect(pinned.branch('main').conditions.map(String)).toEqual(['repository_id = 89012345']);
    const policy = policyOf([pinned.branch('main')]);
    expect(allowed(policy, nameForm, { repository_id: '89012345' })).toBe(true);
    expect(allowed(policy, nameForm, { repository_id: '99999999' })).toBe(false); // the name, taken again
    expect(allowed(policy, immutableForm, { repository_id: '89012345' })).toBe(false);
  });

  test('during the switch, both forms of one repository: each admitted, nothing else', () => {
    const named = GitHubRepository.of('octo-org', 'octo-app', { repositoryId: '89012345' });
    const immutable = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: '89012345' });
    const policy = policyOf([named.branch('main'), immutable.branch('main')]);
    expect(allowed(policy, nameForm, { repository_id: '89012345' })).toBe(true);
    expect(allowed(policy, immutableForm, { repository_id: '89012345' })).toBe(true);
    expect(allowed(policy, nameForm, { repository_id: '1' })).toBe(false);
    expect(allowed(policy, 'repo:octo-org@1234567/octo-app@1:ref:refs/heads/main', { repository_id: '1' })).toBe(false);
  });

  test('custom claims keep the pin; IDs that disagree are refused', () => {
    const pinned = GitHubRepository.of('octo-org', 'octo-app', { repositoryId: '89012345' });
    expect(pinned.environment('production').withConditions(GitHubClaimCondition.repositoryId('89012345')).conditions).toHaveLength(1);
    expect(() => pinned.branch('main').withConditions(GitHubClaimCondition.repositoryId('1')))
      .toThrow("Subject 'repo:octo-org/octo-app:ref:refs/heads/main' has two conditions on 'repository_id' ('repository_id = 89012345' and 'repository_id = 1'): a token carries one value, so none could meet both.");
  });
});

describe('merge queues', () => {
  test('mergeQueue() admits the queue of its base branch and no other branch', () => {
    const policy = policyOf([app.mergeQueue('main')]);
    const queue = (base: string) => `repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/${base}/pr-12-0123456789abcdef0123456789abcdef01234567`;
    expect(app.mergeQueue('main').value).toBe('repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-*');
    expect(allowed(policy, queue('main'))).toBe(true);
    for (const sub of [queue('develop'), queue('main-2'), 'repo:octo-org/octo-app:ref:refs/heads/main', 'repo:octo-org/octo-app:pull_request',
      'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main', queue('main').replace('octo-app', 'other')]) {
      expect(allowed(policy, sub)).toBe(false);
    }
  });

  test('the rendered workflow runs on merge_group for the base branch, and its trust job lets queue refs through', () => {
    const { role } = roleOf([app.mergeQueue('main'), app.branch('main')]);
    const text = role.renderWorkflow({ region: 'eu-west-1' });
    keepWorkflow(text);
    const workflow = parse(text);
    expect(workflow.on.merge_group).toEqual({ types: ['checks_requested'], branches: ['main'] });
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    expect(workflow.jobs.trust.steps[0].run).toContain("'refs/heads/gh-readonly-queue/main/pr-'*");
  });

  test('queues share a statement with subjects that cannot match what they leave out, and only with those', () => {
    const shared = policyOf([app.mergeQueue('main'), app.mergeQueue('develop'), app.tag('v*')]);
    expect(shared.Statement).toHaveLength(1);
    expect(shared.Statement[0].Condition.StringNotLike).toEqual({
      'token.actions.githubusercontent.com:sub': [
        'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/develop/pr-*/*',
        'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-*/*',
      ],
    });
    // Every branch also admits a branch the queue leaves out: that subject keeps its own statement.
    const split = policyOf([app.mergeQueue('main'), app.branch('*')]);
    expect(split.Statement).toHaveLength(2);
    expect(allowed(split, 'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-x/pr-1-abc')).toBe(true);
  });

  test('a subject written out for the queue is a merge queue subject too', () => {
    expect(GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-*')._runContext)
      .toEqual({ kind: 'mergeQueue', name: 'main' });
  });
});

describe('refusals name the value and the fix', () => {
  test.each([
    ['a ref condition on a branch subject', () => app.branch('main').withConditions(GitHubClaimCondition.ref('refs/heads/main')),
      "Subject 'repo:octo-org/octo-app:ref:refs/heads/main' already names its ref (its branch), so the condition 'ref = refs/heads/main' adds nothing or keeps every token out."],
    ['an environment condition on a branch subject', () => app.branch('main').withConditions(GitHubClaimCondition.environment('production')),
      /keeps every token out: a job that uses an environment gets the subject 'environment:<name>' instead/],
    ['two actors', () => app.branch('main').withConditions(GitHubClaimCondition.actor('octocat'), GitHubClaimCondition.actor('hubot')),
      /has two conditions on 'actor' \('actor = octocat' and 'actor = hubot'\): a token carries one value, so none could meet both/],
    ['an actor and not the same actor', () => app.branch('main').withConditions(GitHubClaimCondition.actor('octocat'), GitHubClaimCondition.notActor('OctoCat')),
      "Subject 'repo:octo-org/octo-app:ref:refs/heads/main' has two conditions on 'actor' ('actor = octocat' and 'actor != OctoCat'): no token could meet both. Give one of them."],
    ['two reusable workflows, one a pattern', () => app.environment('production').withConditions(
      GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/heads/main`), GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/tags/v*`)),
    /has two conditions on 'job_workflow_ref' .*: give one; to admit either of two values, trust the subject twice/],
    ['a reusable workflow in the subject and in a condition', () => GitHubSubject.fromClaims([
      GitHubClaim.repo(app), GitHubClaim.environment('production'), GitHubClaim.jobWorkflowRef(`${SHARED}@refs/heads/main`),
    ]).withConditions(GitHubClaimCondition.jobWorkflowRef(`${SHARED}@refs/heads/main`)),
    /already names its job_workflow_ref \('job_workflow_ref:octo-org\/shared\/.github\/workflows\/deploy.yml@refs\/heads\/main'\)/],
    ['a role-wide repository ID over two repositories', () => roleOf([app.branch('main'), GitHubRepository.of('octo-org', 'other').branch('main')],
      { claimConditions: [GitHubClaimCondition.repositoryId('89012345')] }),
    /The role's claim condition 'repository_id = 89012345' applies to every subject, and they name several repositories .*repositoryId \(repository_id in Python\) of GitHubRepository.of\(\)/],
    ['a dynamic reference', () => GitHubClaimCondition.environment('{{resolve:ssm:/deploy/environment}}'), /holds a CloudFormation dynamic reference/],
    ['a login with a wildcard', () => GitHubClaimCondition.notActor('*[bot]'), /Invalid GitHub actor '\*\[bot\]': wildcards/],
    ['a login that is none', () => GitHubClaimCondition.actor('octo cat'), /Invalid GitHub actor 'octo cat': an actor is a login/],
    ['a login known only at deployment', () => GitHubClaimCondition.actor(new CfnParameter(newStack(), 'Actor').valueAsString),
      /must be known at synth time: logins are compared without regard to case.*GitHubClaimCondition\.actorId\(\) \(actor_id\(\) in Python\)/],
    ['an ID that is none', () => GitHubClaimCondition.enterpriseId('12a'), /Invalid GitHub enterprise ID '12a'/],
    ['a reusable workflow outside .github/workflows', () => GitHubClaimCondition.jobWorkflowRef('octo-org/shared/deploy.yml@refs/heads/main'),
      /Invalid job_workflow_ref/],
    ['a merge queue base with a ref prefix', () => app.mergeQueue('refs/heads/main'), /give the branch name without the 'refs\/...' prefix/],
    ['an owner ID alone', () => GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1' }), /has an owner ID but no repository ID/],
  ])('%s', (_name, attempt, message) => {
    expect(attempt).toThrow(message as any);
  });
});

describe('warnings where STS evaluating the claims is not confirmed', () => {
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('claimConditionUnconfirmed'));

  test.each([
    ['an enterprise issuer', new Stack(new App(), 'E', { env: { account: ACCOUNT, region: 'us-east-1' } }), GitHubIssuer.enterpriseCloud('octo-enterprise'), /the issuer https:\/\/token\.actions\.githubusercontent\.com\/octo-enterprise/],
    ['the China partition', new Stack(new App(), 'C', { env: { account: ACCOUNT, region: 'cn-north-1' } }), undefined, /the aws-cn partition/],
    ['GovCloud', new Stack(new App(), 'G', { env: { account: ACCOUNT, region: 'us-gov-west-1' } }), undefined, /the aws-us-gov partition/],
  ])('%s', (_name, stack, issuer, where) => {
    new GitHubActionsRole(stack, 'Role', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer }),
      subjects: [app.branch('main').withConditions(GitHubClaimCondition.repositoryId('89012345'))],
    });
    const found = warnings(stack);
    expect(found).toHaveLength(1);
    expect(found[0].entry.data).toMatch(where);
    expect(found[0].entry.data).toMatch(/it fails closed/);
  });

  test('none for github.com in the aws partition, nor without conditions', () => {
    const { stack } = roleOf([app.branch('main').withConditions(GitHubClaimCondition.repositoryId('89012345'))]);
    expect(warnings(stack)).toHaveLength(0);
    const china = new Stack(new App(), 'C', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    new GitHubActionsRole(china, 'Role', { provider: GitHubOidcProvider.fromAccount(china, 'GitHub'), subjects: [app.branch('main')] });
    expect(warnings(china)).toHaveLength(0);
  });
});

describe('the analysis reads the conditions the role writes', () => {
  const policy = () => policyOf([
    app.environment('production').withConditions(GitHubClaimCondition.ref('refs/heads/main'), GitHubClaimCondition.notActor('dependabot[bot]')),
  ]);

  test('the audit finds nothing to report', () => {
    expect(TrustPolicy.fromJson(JSON.stringify(policy())).audit().map(f => f.rule)).toEqual([]);
  });

  test('explain says which claim refused a token, as the simulator decides', () => {
    const trust = TrustPolicy.fromJson(JSON.stringify(policy()));
    const sub = 'repo:octo-org/octo-app:environment:production';
    const cases: Array<[{ [claim: string]: string }, boolean]> = [
      [{ ref: 'refs/heads/main', actor: 'octocat' }, true],
      [{ ref: 'refs/heads/feature', actor: 'octocat' }, false],
      [{ ref: 'refs/heads/main', actor: 'dependabot[bot]' }, false],
      [{ ref: 'refs/heads/main' }, false],
    ];
    for (const [claims, expected] of cases) {
      expect(allowed(policy(), sub, claims)).toBe(expected);
      const decision = trust.evaluate(GitHubToken.fromClaims({ sub, aud: 'sts.amazonaws.com', ...claims }));
      expect(decision.allowed).toBe(expected);
    }
    const refused = trust.evaluate(GitHubToken.fromClaims({ sub, aud: 'sts.amazonaws.com', ref: 'refs/heads/feature', actor: 'octocat' }));
    expect(refused.reasons.join('\n')).toMatch(/token.actions.githubusercontent.com:ref/);
  });
});
