import * as fc from 'fast-check';
import { parse } from 'yaml';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../src';
import { admits } from './oracle';
import { keepWorkflow, newStack, synth, trustPolicy } from './util';

// Property: every run a rendered workflow can start — each trigger, on each branch or tag
// its filters let through, in the job's environment — carries a `sub` that the role admits
// (judged by the IAM simulator), and every kind of subject the role trusts for the
// workflow's repository has a trigger that reaches it.

const SEED = Number(process.env.FC_SEED ?? 20261127);
const RUNS = Math.min(Number(process.env.FC_RUNS ?? 150), 150);

/**
 * Whether GitHub's branch or tag filter matches a name: `**` any characters, `*` any
 * characters but `/`, `[...]` one character of the class, `\x` the character x,
 * `?` and `+` zero-or-one and one-or-more of the character before.
 */
export function githubFilterMatches(filter: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === '\\') source += escapeRegExp(filter[++i]);
    else if (c === '*' && filter[i + 1] === '*') { source += '.*'; i++; }
    else if (c === '*') source += '[^/]*';
    else if (c === '[') { const end = filter.indexOf(']', i); source += filter.slice(i, end + 1); i = end; }
    else if (c === '?' || c === '+') source += c;
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's').test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** The job's `if`, as GitHub evaluates the conditions the library writes. */
function conditionHolds(condition: string | undefined, event: string, ref: string): boolean {
  if (condition === undefined) return true;
  return condition.split(' || ').some(term => {
    let match = /^github\.event_name != '(.*)'$/.exec(term);
    if (match) return event !== match[1];
    match = /^github\.ref == '(.*)'$/.exec(term);
    if (match) return ref === match[1].replace(/''/g, "'");
    match = /^startsWith\(github\.ref, '(.*)'\)$/.exec(term);
    if (match) return ref.startsWith(match[1].replace(/''/g, "'"));
    throw new Error(`Unknown term in the job's condition: ${term}`);
  });
}

describe('a rendered workflow and its role agree', () => {
  test('the filter matcher follows GitHub\'s documented syntax (sanity)', () => {
    expect(githubFilterMatches('release/**', 'release/a/b')).toBe(true);
    expect(githubFilterMatches('release/*', 'release/a/b')).toBe(false);
    expect(githubFilterMatches('v[a-zA-Z0-9]', 'v1')).toBe(true);
    expect(githubFilterMatches('v[a-zA-Z0-9]', 'v10')).toBe(false);
    expect(githubFilterMatches('v?', 'v')).toBe(true);
    expect(githubFilterMatches('c\\+\\+', 'c++')).toBe(true);
    expect(conditionHolds("github.event_name != 'workflow_dispatch' || github.ref == 'refs/heads/main'", 'workflow_dispatch', 'refs/heads/dev')).toBe(false);
  });

  const piece = fc.constantFrom('main', 'dev', 'release', 'v1', 'v10', 'x', 'feature', '2026', 'hotfix');
  const name = fc.array(piece, { minLength: 1, maxLength: 2 }).map(parts => parts.join('/'));
  const pattern = fc.oneof(name, name.map(n => `${n}*`), name.map(n => `${n}?`), name.map(n => `${n}/*`), fc.constant('v?'), fc.constant('*'));
  const subjectFor = (repo: GitHubRepository) => fc.oneof(
    pattern.map(p => ({ kind: 'branch', subject: repo.branch(p) })),
    pattern.map(p => ({ kind: 'tag', subject: repo.tag(p) })),
    name.map(n => ({ kind: 'environment', subject: repo.environment(n) })),
    fc.constant({ kind: 'pullRequest', subject: repo.pullRequest() }),
  );
  const repos = [GitHubRepository.of('octo-org', 'octo-app'), GitHubRepository.of('octo-org', 'other-app')];
  const roles = fc.tuple(
    fc.array(subjectFor(repos[0]), { minLength: 1, maxLength: 4 }),
    fc.array(subjectFor(repos[1]), { minLength: 0, maxLength: 3 }),
  );
  const candidates = ['main', 'dev', 'release', 'release/1', 'release/a/b', 'v1', 'v10', 'v1.2', 'x', 'feature/x', 'main-evil', 'v', 'vX'];

  test('every run the workflow starts is admitted, and every trusted kind is reached', () => {
    let runs = 0;
    fc.assert(fc.property(roles, ([own, others]) => {
      const stack = newStack();
      const role = new GitHubActionsRole(stack, 'Role', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [...own, ...others].map(entry => entry.subject as GitHubSubject),
      });
      const policy = trustPolicy(synth(stack));
      const workflow = parse(keepWorkflow(role.renderWorkflow({ repository: repos[0] })));
      const job = workflow.jobs.deploy;
      const on = workflow.on;
      const sub = (context: string) => `repo:octo-org/octo-app:${job.environment !== undefined ? `environment:${job.environment}` : context}`;
      const started: string[] = [];
      const names = [...candidates, ...own.flatMap(entry => [entry.subject.value.split(':').pop()!.replace(/^refs\/(heads|tags)\//, '').replace(/[*?]/g, 'z')])];
      for (const ref of names) {
        // A push filter for only branches (or only tags) starts no run for the other kind.
        const push = on.push;
        const every = push !== undefined && push.branches === undefined && push.tags === undefined;
        if (every || (push?.branches ?? []).some((f: string) => githubFilterMatches(f, ref))) started.push(sub(`ref:refs/heads/${ref}`));
        if (every || (push?.tags ?? []).some((f: string) => githubFilterMatches(f, ref))) started.push(sub(`ref:refs/tags/${ref}`));
        for (const kind of ['heads', 'tags']) {
          if (on.workflow_dispatch && conditionHolds(job.if, 'workflow_dispatch', `refs/${kind}/${ref}`)) started.push(sub(`ref:refs/${kind}/${ref}`));
        }
      }
      if (on.pull_request && conditionHolds(job.if, 'pull_request', 'refs/pull/1/merge')) started.push(sub('pull_request'));

      for (const token of started) {
        if (!admits(policy, { sub: token })) throw new Error(`The workflow starts a run with ${token}, which the role refuses`);
        runs++;
      }
      const kinds = new Set(own.map(entry => entry.kind));
      const exact = own.filter(entry => !/[*?]/.test(entry.subject.value));
      if (job.environment === undefined) {
        if (kinds.has('pullRequest') && !on.pull_request) throw new Error('No trigger for the pull requests the role trusts');
        for (const entry of exact.filter(e => e.kind === 'branch' || e.kind === 'tag')) {
          const ref = entry.subject.value.split(':refs/')[1];
          if (!started.includes(sub(`ref:refs/${ref}`))) throw new Error(`No trigger reaches ${entry.subject.value}`);
        }
      } else if (!own.some(entry => entry.kind === 'environment' && entry.subject.value.endsWith(`:environment:${job.environment}`))) {
        throw new Error(`The job's environment ${job.environment} is not one the role trusts`);
      }
      return started.length > 0 || Object.keys(on).length > 0;
    }), { seed: SEED, numRuns: RUNS });
    expect(runs).toBeGreaterThan(RUNS);
  });

  test('a role trusting two repositories needs the workflow\'s repository, and uses only its subjects', () => {
    const stack = newStack();
    const role = new GitHubActionsRole(stack, 'Role', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
      subjects: [repos[0].branch('main'), repos[1].environment('prod')],
    });
    expect(() => role.renderWorkflow()).toThrow(
      "The role trusts several repositories (repo:octo-org/octo-app, repo:octo-org/other-app), and a workflow runs in one of them: say which with the workflow's repository option, such as GitHubRepository.of('octo-org', 'octo-app').",
    );
    const first = parse(keepWorkflow(role.renderWorkflow({ repository: repos[0] })));
    expect(first.jobs.deploy.environment).toBeUndefined();
    expect(first.on.push).toEqual({ branches: ['main'] });
    const second = parse(keepWorkflow(role.renderWorkflow({ repository: repos[1] })));
    expect(second.jobs.deploy.environment).toBe('prod');
    expect(() => role.renderWorkflow({ repository: GitHubRepository.of('octo-org', 'third') })).toThrow(/The role trusts no subject of octo-org\/third/);
  });

  test('tag v? does not start a run for v10, which the role refuses', () => {
    const stack = newStack();
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [repos[0].tag('v?')] });
    const workflow = parse(keepWorkflow(role.renderWorkflow()));
    const policy = trustPolicy(synth(stack));
    for (const tag of ['v1', 'v10']) {
      const startsRun = workflow.on.push.tags.some((f: string) => githubFilterMatches(f, tag));
      expect([tag, startsRun]).toEqual([tag, admits(policy, { sub: `repo:octo-org/octo-app:ref:refs/tags/${tag}` })]);
    }
  });

  test('a role trusting environments only by pattern gets its job in the environment named, whose token it admits', () => {
    const stack = newStack();
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [repos[0].environment('prod-*')] });
    const policy = trustPolicy(synth(stack));
    expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(false);
    const job = parse(keepWorkflow(role.renderWorkflow({ environment: 'prod-eu' }))).jobs.deploy;
    expect(admits(policy, { sub: `repo:octo-org/octo-app:environment:${job.environment}` })).toBe(true);
  });

  test('a manual run on a branch the role does not trust is skipped, not denied', () => {
    const stack = newStack();
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [repos[0].branch('main')] });
    const job = parse(keepWorkflow(role.renderWorkflow())).jobs.deploy;
    expect(conditionHolds(job.if, 'workflow_dispatch', 'refs/heads/main')).toBe(true);
    expect(conditionHolds(job.if, 'workflow_dispatch', 'refs/heads/dev')).toBe(false);
  });
});
