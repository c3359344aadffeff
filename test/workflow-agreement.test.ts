import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { GitHubActionsRole, GitHubClaim, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../src';
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
    if (c === '\\') {source += escapeRegExp(filter[++i]);} else if (c === '*' && filter[i + 1] === '*') { source += '.*'; i++; } else if (c === '*') {source += '[^/]*';} else if (c === '[') { const end = filter.indexOf(']', i); source += filter.slice(i, end + 1); i = end; } else if (c === '?' || c === '+') {source += c;} else {source += escapeRegExp(c);}
  }
  return new RegExp(`^${source}$`, 's').test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * The refs whose runs the workflow's trust job lets through: its script, run by bash
 * (every ref when there is no such job).
 */
function trustedRefs(workflow: any, refs: string[]): Set<string> {
  const trust = workflow.jobs.trust;
  if (trust === undefined) return new Set(refs);
  const script: string = trust.steps[0].run;
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const program = refs.map(ref => `REF=${quote(ref)}\nGITHUB_OUTPUT=$(mktemp)\n${script}\ncat "$GITHUB_OUTPUT"; rm -f "$GITHUB_OUTPUT"\necho "--"`).join('\n');
  const outputs = spawnSync('bash', ['-c', program], { encoding: 'utf8' }).stdout.split('--\n');
  return new Set(refs.filter((_, i) => outputs[i].includes('trusted=true')));
}

/** Whether the job that assumes the role runs, as GitHub evaluates the conditions the library writes. */
function deployRuns(job: any, event: string, trusted: boolean, fromFork = false): boolean {
  const sameRepository = !fromFork;
  switch (job.if) {
    case undefined: return true;
    case "needs.trust.outputs.trusted == 'true'": return trusted;
    case "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository":
      return event !== 'pull_request' || sameRepository;
    case "(github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository) || "
      + "(github.event_name != 'pull_request' && needs.trust.outputs.trusted == 'true')":
      return event === 'pull_request' ? sameRepository : trusted;
    default: throw new Error(`Unknown job condition: ${job.if}`);
  }
}

describe('a rendered workflow and its role agree', () => {
  test('the filter matcher follows GitHub\'s documented syntax (sanity)', () => {
    expect(githubFilterMatches('release/**', 'release/a/b')).toBe(true);
    expect(githubFilterMatches('release/*', 'release/a/b')).toBe(false);
    expect(githubFilterMatches('v[a-zA-Z0-9]', 'v1')).toBe(true);
    expect(githubFilterMatches('v[a-zA-Z0-9]', 'v10')).toBe(false);
    expect(githubFilterMatches('v?', 'v')).toBe(true);
    expect(githubFilterMatches('c\\+\\+', 'c++')).toBe(true);
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
  const candidates = ['main', 'MAIN', 'dev', 'release', 'release/1', 'Release/1', 'release/a/b', 'v1', 'v10', 'v1.2', 'x', 'feature/x', 'main-evil', 'v', 'vX'];

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
      const names = [...candidates, ...own.map(entry => entry.subject.value.split(':').pop()!.replace(/^refs\/(heads|tags)\//, '').replace(/[*?]/g, 'z'))];
      const refs = names.flatMap(ref => [`refs/heads/${ref}`, `refs/tags/${ref}`]);
      const trusted = trustedRefs(workflow, refs);
      // GitHub may match filters without regard to case: assume it does, so that the ref check must catch it.
      const filtered = (filters: string[] | undefined, refName: string) =>
        (filters ?? []).some(f => githubFilterMatches(f.toLowerCase(), refName.toLowerCase()));
      for (const ref of refs) {
        const shortName = ref.replace(/^refs\/(heads|tags)\//, '');
        const push = on.push;
        const every = push !== undefined && push.branches === undefined && push.tags === undefined;
        const pushed = push !== undefined && (every || filtered(ref.startsWith('refs/heads/') ? push.branches : push.tags, shortName));
        if ((pushed || on.workflow_dispatch) && deployRuns(job, pushed ? 'push' : 'workflow_dispatch', trusted.has(ref))) started.push(sub(`ref:${ref}`));
      }
      if (on.pull_request && deployRuns(job, 'pull_request', false)) started.push(sub('pull_request'));
      if (on.pull_request && deployRuns(job, 'pull_request', false, true)) throw new Error('A pull request from a fork starts the job');

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

  const roleOf = (subjects: GitHubSubject[]) => {
    const stack = newStack();
    return new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects });
  };

  test('a job in an environment whose subject also pins the ref runs only on that ref', () => {
    const role = roleOf([GitHubSubject.fromString('repo:octo-org/octo-app:environment:prod:ref:refs/heads/main')]);
    const workflow = parse(keepWorkflow(role.renderWorkflow()));
    expect(workflow.jobs.deploy.environment).toBe('prod');
    expect([...trustedRefs(workflow, ['refs/heads/main', 'refs/heads/feature'])]).toEqual(['refs/heads/main']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
  });

  test('subjects that need a reusable workflow are left to workflows that call it', () => {
    const shared = GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main');
    expect(() => roleOf([GitHubSubject.fromClaims([GitHubClaim.repo(repos[0]), shared])]).renderWorkflow())
      .toThrow(/No trigger can start a run that the role admits for repo:octo-org\/octo-app: .* need a reusable workflow \(job_workflow_ref\)/);
    const workflow = parse(keepWorkflow(roleOf([GitHubSubject.fromClaims([GitHubClaim.repo(repos[0]), GitHubClaim.branch('main'), shared]), repos[0].tag('v1')]).renderWorkflow()));
    expect(workflow.on.push).toEqual({ tags: ['v1'] });
  });

  test('a name holding ${{ is refused, for GitHub would evaluate it', () => {
    expect(() => roleOf([repos[0].branch('x${{true}}')]).renderWorkflow()).toThrow(/GitHub would read '\$\{\{' in it as an expression/);
  });

  test('a role that admits any context runs its job in the environment asked for', () => {
    expect(parse(keepWorkflow(roleOf([repos[0].anyContext()]).renderWorkflow({ environment: 'prod' }))).jobs.deploy.environment).toBe('prod');
    expect(() => roleOf([repos[0].environment('prod-*')]).renderWorkflow({ environment: 'prod-*' })).toThrow(/name one environment, without wildcards/);
  });

  test('a branch with ] gets a filter actionlint and GitHub accept', () => {
    expect(parse(keepWorkflow(roleOf([repos[0].branch('a]b'), repos[0].branch('c++')]).renderWorkflow())).on.push.branches).toEqual(['a]b', 'c\\+\\+']);
  });

  test('a manual run on a branch the role does not trust is skipped, not denied', () => {
    const stack = newStack();
    const role = new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [repos[0].branch('main')] });
    const workflow = parse(keepWorkflow(role.renderWorkflow()));
    expect([...trustedRefs(workflow, ['refs/heads/main', 'refs/heads/dev', 'refs/heads/MAIN', 'refs/tags/main'])]).toEqual(['refs/heads/main']);
    expect(deployRuns(workflow.jobs.deploy, 'workflow_dispatch', false)).toBe(false);
  });
});
