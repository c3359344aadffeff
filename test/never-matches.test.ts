import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { GitHubClaim, GitHubRepository, GitHubSubject, GitHubToken, GitHubTrustChecks, TrustAuditOptions, TrustFindingSeverity, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { runCli } from '../src/cli';

// Conditions that no token GitHub sends can satisfy. Each pattern of the README's "Never matches"
// table is a dead policy and its corrected twin: the audit calls the dead one dead and prints the
// README's text; the IAM simulator admits the intended token under the twin and none of a
// generated set of valid GitHub tokens under the dead policy.

const FC_RUNS = Number(process.env.FC_RUNS ?? 100);
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const ENTERPRISE = `${GITHUB_ISSUER}/acme`;
const MAIN = 'repo:octo-org/octo-app:ref:refs/heads/main';
const IDS = { ownerId: '1234567', repositoryId: '89012345' };

function provider(issuer: string): string {
  return `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
}

function policy(condition: object, issuer = GITHUB_ISSUER) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: provider(issuer) }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  };
}

const aud = (issuer = GITHUB_ISSUER) => ({ [`${issuer}:aud`]: 'sts.amazonaws.com' });
const sub = (value: string | string[], issuer = GITHUB_ISSUER) => ({ [`${issuer}:sub`]: value });

/** A run of a repository, as the token GitHub sends for it and the keys STS sets from it. */
interface Run {
  readonly issuer: string;
  readonly sub: string;
  readonly keys: Record<string, string>;
}

function run(repository: GitHubRepository, context: GitHubClaim, issuer = GITHUB_ISSUER): Run {
  const subject = GitHubSubject.fromClaims([GitHubClaim.repo(repository), context]).value;
  const keys: Record<string, string> = {
    [`${issuer}:sub`]: subject,
    [`${issuer}:aud`]: 'sts.amazonaws.com',
    [`${issuer}:repository`]: `${repository.owner}/${repository.name}`,
  };
  if (repository.repositoryId) keys[`${issuer}:repository_id`] = repository.repositoryId;
  const ref = /:ref:(refs\/.*)$/.exec(subject)?.[1];
  if (ref) keys[`${issuer}:ref`] = ref;
  const environment = /:environment:(.*)$/.exec(subject)?.[1];
  if (environment) keys[`${issuer}:environment`] = environment;
  return { issuer, sub: subject, keys };
}

/** Valid runs of the repository a pattern's author meant (or of any repository), in the form it sends. */
function runs(options: { issuer?: string; ids?: boolean; anyRepository?: boolean } = {}): fc.Arbitrary<Run> {
  const names = options.anyRepository ? fc.constantFrom('octo-app', 'other-app', 'app.js') : fc.constant('octo-app');
  const owners = options.anyRepository ? fc.constantFrom('octo-org', 'someone', 'octo-app') : fc.constant('octo-org');
  const repository = fc.tuple(owners, names).map(([owner, name]) =>
    GitHubRepository.of(owner, name, options.ids && owner === 'octo-org' && name === 'octo-app' ? IDS : {}));
  const context = fc.oneof(
    fc.constantFrom('main', 'dev', 'feature/x', 'release/1.0').map(name => GitHubClaim.branch(name)),
    fc.constantFrom('v1.0.0', 'v2').map(name => GitHubClaim.tag(name)),
    fc.constantFrom('dev', 'production', 'prod:eu').map(name => GitHubClaim.environment(name)),
    fc.constant(GitHubClaim.pullRequest()),
  );
  return fc.tuple(repository, context).map(([repo, claim]) => run(repo, claim, options.issuer));
}

function simulate(document: object, token: Run): string {
  return simulateWebIdentity(document, { issuer: token.issuer, contextVariables: token.keys });
}

interface Row {
  /** The pattern, as the README table's first column names it. */
  readonly pattern: string;
  readonly dead: object;
  readonly twin: object;
  /** The token the twin is meant to admit. */
  readonly intended: Run;
  /** What the audit prints for the dead policy, as the README table shows it. */
  readonly prints: string;
  readonly options?: TrustAuditOptions;
  /** The tokens none of which the dead policy may admit. */
  readonly tokens?: fc.Arbitrary<Run>;
}

const octoApp = GitHubRepository.of('octo-org', 'octo-app');
const octoAppWithIds = GitHubRepository.of('octo-org', 'octo-app', IDS);
const mainRun = run(octoApp, GitHubClaim.branch('main'));

const ROWS: Row[] = [
  {
    pattern: '`*` or `?` under `StringEquals`',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/octo-app:ref:refs/heads/*') } }),
    twin: policy({ StringEquals: aud(), StringLike: sub('repo:octo-org/octo-app:ref:refs/heads/*') }),
    intended: mainRun,
    prints: "StringEquals compares 'repo:octo-org/octo-app:ref:refs/heads/*' literally, and no sub holds '*'. Put 'repo:octo-org/octo-app:ref:refs/heads/*' under StringLike.",
  },
  {
    pattern: 'a wildcard under `StringEquals` before the repository',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/*') } }),
    twin: policy({ StringEquals: aud(), StringLike: sub('repo:octo-org/octo-app:*') }),
    intended: mainRun,
    prints: "no sub holds '*', and as a pattern it would have a wildcard before the owner and the repository are written out",
    tokens: runs({ anyRepository: true }),
  },
  {
    pattern: 'no context',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/octo-app') } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "Subject 'repo:octo-org/octo-app' has no context: GitHub's default subject template always adds the run's branch or tag",
  },
  {
    pattern: 'an unfinished value',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:') } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "Invalid repo claim '' in a subject",
    tokens: runs({ anyRepository: true }),
  },
  {
    pattern: 'two contexts',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/octo-app:environment:dev:pull_request') } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(['repo:octo-org/octo-app:environment:dev', 'repo:octo-org/octo-app:pull_request']) } }),
    intended: run(octoApp, GitHubClaim.environment('dev')),
    prints: "has the 'context' claim twice",
  },
  {
    pattern: 'a ref without `ref:`',
    dead: policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/octo-app:refs/heads/main') } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "cannot read the part 'refs/heads/main'",
  },
  {
    pattern: 'an audience the provider does not accept',
    dead: policy({ StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'https://github.com/octo-org', ...sub(MAIN) } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "the audience 'https://github.com/octo-org' is not a client ID of the OIDC provider ('sts.amazonaws.com')",
    options: { providerClientIds: ['sts.amazonaws.com'] },
  },
  {
    pattern: 'a misspelt issuer in a key',
    dead: policy({ StringEquals: { 'githubuser.content.com:aud': 'sts.amazonaws.com', ...sub(MAIN) } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "the key 'githubuser.content.com:aud' is never in the request: the statement trusts tokens from token.actions.githubusercontent.com, " +
      "whose keys start with 'token.actions.githubusercontent.com:'. Write the key 'token.actions.githubusercontent.com:aud'.",
  },
  {
    pattern: "github.com's keys under an enterprise's provider",
    dead: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }, ENTERPRISE),
    twin: policy({ StringEquals: { ...aud(ENTERPRISE), ...sub(MAIN, ENTERPRISE) } }, ENTERPRISE),
    intended: run(octoApp, GitHubClaim.branch('main'), ENTERPRISE),
    prints: `Write the key '${ENTERPRISE}:sub'.`,
    tokens: runs({ issuer: ENTERPRISE }),
  },
  {
    pattern: "an enterprise's keys under github.com's provider",
    dead: policy({ StringEquals: { ...aud(ENTERPRISE), ...sub(MAIN, ENTERPRISE) } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: `the key '${ENTERPRISE}:sub' is never in the request`,
  },
  {
    pattern: 'the `iss` key',
    dead: policy({ StringEquals: { ...aud(), ...sub(MAIN), [`${GITHUB_ISSUER}:iss`]: `https://${GITHUB_ISSUER}` } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "STS checks the issuer through the principal's OIDC provider, not a condition",
  },
  {
    pattern: 'a repository name where the owner goes',
    dead: policy({ StringEquals: aud(), StringLike: sub('repo:octo.app/*') }),
    twin: policy({ StringEquals: aud(), StringLike: sub('repo:octo-org/octo.app:*') }),
    intended: run(GitHubRepository.of('octo-org', 'octo.app'), GitHubClaim.branch('main')),
    prints: "Invalid GitHub owner 'octo.app'",
  },
  {
    pattern: 'the name form for a repository that sends the immutable form',
    dead: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(`repo:octo-org@${IDS.ownerId}/octo-app@${IDS.repositoryId}:ref:refs/heads/main`) } }),
    intended: run(octoAppWithIds, GitHubClaim.branch('main')),
    prints: "the repository octo-org/octo-app sends its sub in the immutable form ('repo:octo-org@1234567/octo-app@89012345'), not by name",
    options: { repositories: [octoAppWithIds] },
    tokens: runs({ ids: true }),
  },
  {
    pattern: 'the immutable form for a repository that sends the name form',
    dead: policy({ StringEquals: { ...aud(), ...sub(`repo:octo-org@${IDS.ownerId}/octo-app@${IDS.repositoryId}:ref:refs/heads/main`) } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(MAIN) } }),
    intended: mainRun,
    prints: "the repository octo-org/octo-app sends its sub by name ('repo:octo-org/octo-app'), not in the immutable form",
    options: { repositories: [octoApp] },
  },
  {
    pattern: 'a `sub` and a `repository_id` that disagree',
    dead: policy({ StringEquals: { ...aud(), ...sub(`repo:octo-org@${IDS.ownerId}/octo-app@${IDS.repositoryId}:ref:refs/heads/main`), [`${GITHUB_ISSUER}:repository_id`]: '1' } }),
    twin: policy({ StringEquals: { ...aud(), ...sub(`repo:octo-org@${IDS.ownerId}/octo-app@${IDS.repositoryId}:ref:refs/heads/main`), [`${GITHUB_ISSUER}:repository_id`]: IDS.repositoryId } }),
    intended: run(GitHubRepository.of('octo-org', 'octo-app', IDS), GitHubClaim.branch('main')),
    prints: "requires '1', and the sub values name other repository IDs",
    tokens: runs({ ids: true }),
  },
];

function neverMatches(document: object, options?: TrustAuditOptions) {
  return TrustPolicy.fromJson(document).audit(options).filter(finding => finding.rule === 'never-matches');
}

describe.each(ROWS)('never matches: $pattern', row => {
  test('the audit calls the dead policy dead, once, with the README\'s text', () => {
    const findings = neverMatches(row.dead, row.options);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe(TrustFindingSeverity.HIGH);
    expect(findings[0].message).toContain('it never admits a token from');
    expect(findings[0].message).toContain(row.prints);
    expect(README).toContain(row.prints);
    expect(README).toMatch(new RegExp(`^\\| ${escapeRegExp(row.pattern)} \\|.*${escapeRegExp(row.prints)}`, 'm'));
  });

  test('the corrected twin is alive and admits the intended token in the simulator', () => {
    expect(neverMatches(row.twin, row.options)).toEqual([]);
    expect(simulate(row.twin, row.intended)).toBe('Allowed');
  });

  test('the simulator admits none of the generated valid tokens under the dead policy', () => {
    expect(simulate(row.dead, row.intended)).not.toBe('Allowed');
    fc.assert(fc.property(row.tokens ?? runs({ issuer: row.intended.issuer }), token => {
      // STS refuses a token whose audience is not a client ID before the policy is read.
      const accepted = row.options?.providerClientIds?.includes(token.keys[`${token.issuer}:aud`]) ?? true;
      expect(accepted && simulate(row.dead, token) === 'Allowed').toBe(false);
    }), { numRuns: FC_RUNS });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?|()[\]{}]/g, '\\$&');
}

describe('what a subject builder builds is never called dead', () => {
  // The other direction: a false "never matches" would be an error in every app that uses the aspect.
  const repository = fc.record({
    owner: fc.stringMatching(/^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,10}$/),
    name: fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter(name => name !== '.' && name !== '..' && !name.endsWith('.git')),
    ids: fc.boolean(),
  }).map(({ owner, name, ids }) => GitHubRepository.of(owner, name, ids ? IDS : {}));
  const refName = fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,12}[a-z0-9]$/)
    .filter(name => !name.includes('..') && !name.includes('//') && !name.split('/').some(part => part.startsWith('.') || part.endsWith('.lock')));
  const context = fc.oneof(
    refName.map(name => GitHubClaim.branch(name)),
    refName.map(name => GitHubClaim.tag(name)),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :._-]{0,10}[A-Za-z0-9]$/).map(name => GitHubClaim.environment(name)),
    fc.constant(GitHubClaim.pullRequest()),
  );
  const extra = fc.option(fc.constantFrom(
    GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
    GitHubClaim.ref('refs/heads/main'),
  ), { nil: undefined });

  test('exact subjects of every shape the builders write', () => {
    fc.assert(fc.property(repository, context, extra, (repo, claim, more) => {
      const claims = [GitHubClaim.repo(repo), claim, ...(more ? [more] : [])];
      let subject: GitHubSubject;
      try {
        subject = GitHubSubject.fromClaims(claims);
      } catch {
        return; // a ref claim that contradicts its context: refused, and rightly dead
      }
      expect(GitHubSubject._whyNoTokenMatches(subject.value, false)).toBeUndefined();
      expect(neverMatches(policy({ StringEquals: { ...aud(), ...sub(subject.value) } }))).toEqual([]);
    }), { numRuns: FC_RUNS });
  });

  test('patterns cut from a valid subject at any point', () => {
    fc.assert(fc.property(repository, context, fc.nat(), (repo, claim, at) => {
      const value = GitHubSubject.fromClaims([GitHubClaim.repo(repo), claim]).value;
      const pattern = `${value.slice(0, at % (value.length + 1))}*`;
      expect(GitHubSubject._whyNoTokenMatches(pattern, true)).toBeUndefined();
    }), { numRuns: FC_RUNS });
  });

  test('subjects of template claims the builders do not model are refused, not dead', () => {
    for (const value of ['repo:octo-org/octo-app:actor:octocat', 'repo:octo-org/octo-app:ref:refs/heads/main:environment:prod', 'repository_owner_id:1:repository_id:2']) {
      expect({ value, dead: GitHubSubject._whyNoTokenMatches(value, false) }).toEqual({ value, dead: undefined });
    }
  });
});

describe('a statement is reported once', () => {
  test('all its dead conditions in one finding; dead values in a live condition one by one', () => {
    const dead = policy({ StringEquals: { 'githubuser.content.com:aud': 'sts.amazonaws.com', ...sub(['repo:octo-org/octo-app', 'repo:']) } });
    const findings = neverMatches(dead);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/githubuser\.content\.com:aud.*'repo:octo-org\/octo-app'.*'repo:'/);
    expect(findings[0].correction).toBeUndefined();

    const live = policy({ StringEquals: { ...aud(), ...sub([MAIN, 'repo:octo-org/octo-app']) } });
    const values = neverMatches(live);
    expect(values.map(finding => finding.correction)).toEqual([MAIN]);
    expect(values[0].message).toContain('never matches, though other values of the condition may');
    expect(simulate(live, mainRun)).toBe('Allowed');
  });

  test('a dead statement is not also reported as admitting every repository, nor for its audience', () => {
    const dead = policy({ StringEquals: { [`${GITHUB_ISSUER}:iss`]: 'x' } });
    expect(TrustPolicy.fromJson(dead).audit().map(finding => finding.rule)).toEqual(['never-matches']);
    expect(simulate(dead, run(GitHubRepository.of('attacker', 'x'), GitHubClaim.branch('main')))).toBe('ImplicitlyDenied');
  });
});

describe('explain says a statement is dead before comparing claims', () => {
  test('the first cause is never-matches', () => {
    const decision = TrustPolicy.fromJson(policy({ StringEquals: { ...aud(), ...sub('repo:octo-org/octo-app') } }))
      .evaluate(GitHubToken.of({ subject: MAIN }));
    expect(decision.allowed).toBe(false);
    expect(decision.causes.map(cause => cause.cause)).toEqual(['never-matches', 'different-subject']);
    expect(decision.causes[0].message).toMatch(/^Statement 0: it never admits a token from token\.actions\.githubusercontent\.com/);
  });

  test('a live statement gets no never-matches cause', () => {
    const decision = TrustPolicy.fromJson(policy({ StringEquals: { ...aud(), ...sub(MAIN) } }))
      .evaluate(GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/dev' }));
    expect(decision.causes.map(cause => cause.cause)).not.toContain('never-matches');
  });
});

describe('GitHubTrustChecks reports dead conditions as errors', () => {
  function appWith(condition: { [operator: string]: any }, props = {}) {
    const app = new App();
    const stack = new Stack(app, 'Ci');
    const github = new iam.OpenIdConnectProvider(stack, 'GitHub', { url: `https://${GITHUB_ISSUER}`, clientIds: ['sts.amazonaws.com'] });
    new iam.Role(stack, 'Deploy', { assumedBy: new iam.OpenIdConnectPrincipal(github, condition) });
    GitHubTrustChecks.addTo(app, props);
    return app.synth().getStackByName('Ci').messages.map(message => ({ level: message.level, text: String(message.entry.data) }));
  }

  test('whatever the error severity, with the provider\'s client IDs read from the stack', () => {
    const messages = appWith({ StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'https://github.com/octo-org', ...sub(MAIN) } },
      { errorSeverity: TrustFindingSeverity.CRITICAL, minimumSeverity: TrustFindingSeverity.CRITICAL });
    expect(messages).toEqual([{ level: 'error', text: expect.stringContaining("[never-matches] Statement 0: it never admits a token from token.actions.githubusercontent.com: 'https://github.com/octo-org'") }]);
  });

  test('a live role gets none', () => {
    expect(appWith({ StringEquals: { ...aud(), ...sub(MAIN) } })).toEqual([]);
  });
});

describe('audit on the command line', () => {
  function cli(args: string[], files: { [name: string]: string }) {
    let stdout = '';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'never-matches-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const status = runCli(args, { env: {}, cwd: dir, stdout: text => { stdout += text; }, stderr: text => { stdout += text; } });
    return { status, stdout };
  }

  test('--client-id and --repository tell it what the policy cannot', () => {
    const files = { 'policy.json': JSON.stringify(policy({ StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'https://github.com/octo-org', ...sub(MAIN) } })) };
    expect(cli(['audit', 'policy.json'], files)).toEqual({ status: 0, stdout: expect.not.stringContaining('never-matches') });
    const withIds = cli(['audit', 'policy.json', '--client-id', 'sts.amazonaws.com', '--repository', `octo-org@${IDS.ownerId}/octo-app@${IDS.repositoryId}`], files);
    expect(withIds.status).toBe(1);
    expect(withIds.stdout).toContain("the audience 'https://github.com/octo-org' is not a client ID");
    expect(withIds.stdout).toContain('sends its sub in the immutable form');
    expect(cli(['audit', 'policy.json', '--repository', 'octo-org/'], files)).toEqual({ status: 2, stdout: expect.stringContaining('Invalid --repository: ') });
  });

  test('a template\'s own provider gives the client IDs', () => {
    const template = {
      Resources: {
        GitHub: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: `https://${GITHUB_ISSUER}`, ClientIdList: ['sts.amazonaws.com'] } },
        Deploy: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{
                Effect: 'Allow',
                Principal: { Federated: { Ref: 'GitHub' } },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: { StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'https://github.com/octo-org', ...sub(MAIN) } },
              }],
            },
          },
        },
      },
    };
    const result = cli(['audit', 'template.json', '--format', 'json'], { 'template.json': JSON.stringify(template) });
    const findings = JSON.parse(result.stdout).roles[0].findings;
    expect(findings.map((finding: any) => [finding.rule, finding.correction])).toEqual([['never-matches', 'sts.amazonaws.com']]);
  });
});

describe('a repository name where the owner goes', () => {
  test('is wide, not dead, when the name can be an account\'s; the message names the repository the policy means', () => {
    const document = policy({ StringEquals: aud(), StringLike: sub([MAIN, 'repo:octo-app/*']) });
    const findings = TrustPolicy.fromJson(document).audit();
    expect(findings.map(finding => finding.rule)).toEqual(['sub-wildcard-before-pin']);
    expect(findings[0].message).toContain("('octo-app' stands where the owner goes, and is the name of the repository 'octo-org/octo-app' that the policy names");
    expect(simulate(document, run(GitHubRepository.of('octo-app', 'anything'), GitHubClaim.branch('main')))).toBe('Allowed');
  });
});
