import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import {
  GitHubActionsRole,
  GitHubClaim,
  GitHubIssuer,
  GitHubOidcProvider,
  GitHubRepository,
  GitHubSubject,
  IGitHubOidcProvider,
} from '../src';
import { admits, Token } from './oracle';
import { ACCOUNT, newStack, synth, trustPolicy } from './util';

// Each scenario synthesizes a role; the independent IAM simulator then decides
// which tokens its trust policy admits. Nothing here restates the policy text:
// the verdicts are what IAM would do with the token.

const app = GitHubRepository.of('octo-org', 'octo-app');
const immutableApp = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: '89012345' });
const SHARED_WORKFLOW = 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main';
const GHES = 'github.example.com/_services/token';
const ENTERPRISE_CLOUD = 'token.actions.githubusercontent.com/octo-enterprise';
const GHE_COM = 'token.actions.octocorp.ghe.com';

const sub = (rest: string, repo = 'octo-org/octo-app') => `repo:${repo}:${rest}`;
const MAIN = sub('ref:refs/heads/main');

interface Scenario {
  readonly subjects: GitHubSubject[];
  readonly provider?: (stack: Stack) => IGitHubOidcProvider;
  readonly audience?: string;
  readonly stackRegion?: string;
  readonly partition?: string;
  readonly parameters?: { [name: string]: string };
  readonly admitted: { [description: string]: Token };
  readonly refused: { [description: string]: Token };
}

const scenarios: { [name: string]: Scenario } = {
  'main branch': {
    subjects: [app.branch('main')],
    admitted: { 'a run on main': { sub: MAIN } },
    refused: {
      'another owner': { sub: sub('ref:refs/heads/main', 'evil-org/octo-app') },
      'another repository of the owner': { sub: sub('ref:refs/heads/main', 'octo-org/other-app') },
      'a repository whose name extends it (octo-app-evil)': { sub: sub('ref:refs/heads/main', 'octo-org/octo-app-evil') },
      'a repository whose name is a prefix (octo-ap)': { sub: sub('ref:refs/heads/main', 'octo-org/octo-ap') },
      'an owner whose name extends it (octo-org-evil)': { sub: sub('ref:refs/heads/main', 'octo-org-evil/octo-app') },
      'an owner whose name is a prefix (octo-or)': { sub: sub('ref:refs/heads/main', 'octo-or/octo-app') },
      'another branch': { sub: sub('ref:refs/heads/dev') },
      'a branch whose name extends it (main-evil)': { sub: sub('ref:refs/heads/main-evil') },
      'a branch below it (main/evil)': { sub: sub('ref:refs/heads/main/evil') },
      'a branch whose name is a prefix (mai)': { sub: sub('ref:refs/heads/mai') },
      'a tag named main': { sub: sub('ref:refs/tags/main') },
      'an environment named main': { sub: sub('environment:main') },
      'a pull request': { sub: sub('pull_request') },
      'every context (a token whose sub is repo:...:*)': { sub: sub('*') },
      'extra claims after the subject': { sub: `${MAIN}:job_workflow_ref:${SHARED_WORKFLOW}` },
      'a wrong audience': { sub: MAIN, aud: 'sts.amazonaws.com.evil' },
      'another audience': { sub: MAIN, aud: 'https://github.com/octo-org' },
      'no audience': { sub: MAIN, aud: null },
      'no subject': {},
      'an empty subject': { sub: '' },
      'the owner in other letter case': { sub: sub('ref:refs/heads/main', 'Octo-Org/octo-app') },
      'the repository in other letter case': { sub: sub('ref:refs/heads/main', 'octo-org/Octo-App') },
      'the branch in other letter case': { sub: sub('ref:refs/heads/Main') },
      'the same subject from GitHub Enterprise Server': { sub: MAIN, issuer: GHES },
      'the same subject from an enterprise\'s custom issuer': { sub: MAIN, issuer: ENTERPRISE_CLOUD },
      'the same subject in the immutable ID form': { sub: sub('ref:refs/heads/main', 'octo-org@1234567/octo-app@89012345') },
      'a provider in another partition': { sub: MAIN, partition: 'aws-cn' },
    },
  },
  'tags v*': {
    subjects: [app.tag('v*')],
    admitted: {
      'tag v1.2.3': { sub: sub('ref:refs/tags/v1.2.3') },
      'tag v2': { sub: sub('ref:refs/tags/v2') },
    },
    refused: {
      'a branch named v1': { sub: sub('ref:refs/heads/v1') },
      'a tag not starting with v': { sub: sub('ref:refs/tags/release-v1') },
      'the same tag in octo-app-evil': { sub: sub('ref:refs/tags/v1', 'octo-org/octo-app-evil') },
      'an environment named v1': { sub: sub('environment:v1') },
      'a wrong audience': { sub: sub('ref:refs/tags/v1'), aud: 'sts.amazonaws.com.evil' },
      'no audience': { sub: sub('ref:refs/tags/v1'), aud: null },
    },
  },
  'release/* branches': {
    subjects: [app.branch('release/*')],
    admitted: {
      'release/2026.11': { sub: sub('ref:refs/heads/release/2026.11') },
      'release/a/b': { sub: sub('ref:refs/heads/release/a/b') },
    },
    refused: {
      'the branch release': { sub: sub('ref:refs/heads/release') },
      'releases/1': { sub: sub('ref:refs/heads/releases/1') },
      'hotfix/release/1': { sub: sub('ref:refs/heads/hotfix/release/1') },
      'a tag release/1': { sub: sub('ref:refs/tags/release/1') },
    },
  },
  'production environment': {
    subjects: [app.environment('production')],
    admitted: { 'a job in production': { sub: sub('environment:production') } },
    refused: {
      'a run on main without the environment': { sub: MAIN },
      'an environment whose name extends it': { sub: sub('environment:production-evil') },
      'the environment in other letter case': { sub: sub('environment:Production') },
      'production of another repository': { sub: sub('environment:production', 'octo-org/octo-app-evil') },
      'a branch named production': { sub: sub('ref:refs/heads/production') },
    },
  },
  'environment with a colon': {
    subjects: [app.environment('prod:eu')],
    admitted: { 'the name as GitHub encodes it': { sub: sub('environment:prod%3Aeu') } },
    refused: { 'the name with a raw colon': { sub: sub('environment:prod:eu') } },
  },
  'pull requests': {
    subjects: [app.pullRequest()],
    admitted: { 'a pull request': { sub: sub('pull_request') } },
    refused: {
      'a run on main': { sub: MAIN },
      'a pull request of another repository': { sub: sub('pull_request', 'octo-org/octo-app-evil') },
    },
  },
  'main, tags and production together': {
    subjects: [app.branch('main'), app.tag('v*'), app.environment('production')],
    admitted: {
      'main': { sub: MAIN },
      'tag v1': { sub: sub('ref:refs/tags/v1') },
      'production': { sub: sub('environment:production') },
    },
    refused: {
      'a branch named v1': { sub: sub('ref:refs/heads/v1') },
      'a pull request': { sub: sub('pull_request') },
      'main with a wrong audience': { sub: MAIN, aud: 'other' },
      'tag v1 with a wrong audience': { sub: sub('ref:refs/tags/v1'), aud: 'other' },
      'tag v1 of octo-app-evil': { sub: sub('ref:refs/tags/v1', 'octo-org/octo-app-evil') },
    },
  },
  'every context of the repository': {
    subjects: [app.anyContext()],
    admitted: {
      'any branch': { sub: sub('ref:refs/heads/anything') },
      'any environment': { sub: sub('environment:anything') },
      'pull requests': { sub: sub('pull_request') },
    },
    refused: {
      'octo-app-evil': { sub: sub('ref:refs/heads/main', 'octo-org/octo-app-evil') },
      'another owner': { sub: sub('pull_request', 'evil-org/octo-app') },
    },
  },
  'immutable IDs': {
    subjects: [immutableApp.branch('main')],
    admitted: { 'main with both IDs': { sub: sub('ref:refs/heads/main', 'octo-org@1234567/octo-app@89012345') } },
    refused: {
      'the name-only form': { sub: MAIN },
      'a wrong owner ID': { sub: sub('ref:refs/heads/main', 'octo-org@7654321/octo-app@89012345') },
      'a wrong repository ID': { sub: sub('ref:refs/heads/main', 'octo-org@1234567/octo-app@89012346') },
      'swapped IDs': { sub: sub('ref:refs/heads/main', 'octo-org@89012345/octo-app@1234567') },
      'the IDs under another owner name (a re-registered owner)': { sub: sub('ref:refs/heads/main', 'evil-org@1234567/octo-app@89012345') },
    },
  },
  'reusable workflow in a shared repository': {
    subjects: [GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.environment('production'), GitHubClaim.jobWorkflowRef(SHARED_WORKFLOW)])],
    admitted: { 'the shared workflow at main': { sub: `${sub('environment:production')}:job_workflow_ref:${SHARED_WORKFLOW}` } },
    refused: {
      'the environment without the workflow claim': { sub: sub('environment:production') },
      'another workflow file': { sub: `${sub('environment:production')}:job_workflow_ref:octo-org/shared/.github/workflows/other.yml@refs/heads/main` },
      'the workflow at another branch': { sub: `${sub('environment:production')}:job_workflow_ref:octo-org/shared/.github/workflows/deploy.yml@refs/heads/dev` },
      'the same path in another repository': { sub: `${sub('environment:production')}:job_workflow_ref:octo-org/shared-evil/.github/workflows/deploy.yml@refs/heads/main` },
    },
  },
  'owner and repository IDs template': {
    subjects: [GitHubSubject.fromString('repository_owner_id:1234567:repository_id:89012345:ref:refs/heads/main')],
    admitted: { 'main by IDs': { sub: 'repository_owner_id:1234567:repository_id:89012345:ref:refs/heads/main' } },
    refused: {
      'another repository of the owner': { sub: 'repository_owner_id:1234567:repository_id:11111111:ref:refs/heads/main' },
      'the repository ID under another owner': { sub: 'repository_owner_id:7654321:repository_id:89012345:ref:refs/heads/main' },
    },
  },
  'GitHub Enterprise Server': {
    subjects: [app.branch('main')],
    provider: stack => new GitHubOidcProvider(stack, 'GitHub', { issuer: GitHubIssuer.enterpriseServer('github.example.com') }),
    admitted: { 'main on the server': { sub: MAIN, issuer: GHES } },
    refused: {
      'main on github.com': { sub: MAIN },
      'main on another server': { sub: MAIN, issuer: 'github.evil.com/_services/token' },
    },
  },
  'GitHub Enterprise Cloud custom issuer': {
    subjects: [app.branch('main')],
    provider: stack => GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer: GitHubIssuer.enterpriseCloud('octo-enterprise') }),
    admitted: { 'main in the enterprise': { sub: MAIN, issuer: ENTERPRISE_CLOUD } },
    refused: {
      'main through the shared github.com issuer': { sub: MAIN },
      'main in another enterprise': { sub: MAIN, issuer: 'token.actions.githubusercontent.com/evil-enterprise' },
    },
  },
  'GHE.com': {
    subjects: [app.environment('production')],
    provider: stack => new GitHubOidcProvider(stack, 'GitHub', { issuer: GitHubIssuer.gheCom('octocorp') }),
    admitted: { 'production on GHE.com': { sub: sub('environment:production'), issuer: GHE_COM } },
    refused: { 'production on github.com': { sub: sub('environment:production') } },
  },
  'custom audience': {
    subjects: [app.branch('main')],
    provider: stack => new GitHubOidcProvider(stack, 'GitHub', { audiences: ['https://github.com/octo-org'] }),
    audience: 'https://github.com/octo-org',
    admitted: { 'main with the custom audience': { sub: MAIN, aud: 'https://github.com/octo-org' } },
    refused: { 'main with the STS audience': { sub: MAIN } },
  },
  'China partition': {
    subjects: [app.branch('main')],
    stackRegion: 'cn-north-1',
    partition: 'aws-cn',
    admitted: { 'main through the aws-cn provider': { sub: MAIN, partition: 'aws-cn' } },
    refused: { 'main through an aws provider': { sub: MAIN } },
  },
  'GovCloud partition': {
    subjects: [app.branch('main')],
    stackRegion: 'us-gov-west-1',
    partition: 'aws-us-gov',
    admitted: { 'main through the aws-us-gov provider': { sub: MAIN, partition: 'aws-us-gov' } },
    refused: { 'main through an aws provider': { sub: MAIN } },
  },
};

/** Scenarios whose subjects include a deploy-time parameter, with the value it is deployed with. */
const parameterScenarios: { [name: string]: { build: (stack: Stack) => GitHubSubject; value: string; admitted: Token; refused: Token } } = {
  'branch from a parameter': {
    build: stack => app.branch(new CfnParameter(stack, 'Value').valueAsString),
    value: 'main',
    admitted: { sub: MAIN },
    refused: { sub: sub('ref:refs/heads/dev') },
  },
  'a parameter holding * is matched literally, never as a wildcard': {
    build: stack => app.branch(new CfnParameter(stack, 'Value').valueAsString),
    value: '*',
    admitted: { sub: sub('ref:refs/heads/*') },
    refused: { sub: MAIN },
  },
  'repository from a parameter': {
    build: stack => GitHubRepository.of('octo-org', new CfnParameter(stack, 'Value').valueAsString).pullRequest(),
    value: 'octo-app',
    admitted: { sub: sub('pull_request') },
    refused: { sub: sub('pull_request', 'octo-org/octo-app-evil') },
  },
};

const policies = new Map<string, any>();

function policyOf(name: string): any {
  if (!policies.has(name)) {
    const scenario = scenarios[name];
    const stack = new Stack(new App(), 'Ci', { env: { account: ACCOUNT, region: scenario.stackRegion ?? 'us-east-1' } });
    const provider = scenario.provider ? scenario.provider(stack) : GitHubOidcProvider.fromAccount(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Role', { provider, subjects: scenario.subjects, audience: scenario.audience });
    policies.set(name, trustPolicy(synth(stack), undefined, scenario.partition));
  }
  return policies.get(name);
}

const cases: [string, string, Token, boolean][] = Object.entries(scenarios).flatMap(([name, scenario]) => [
  ...Object.entries(scenario.admitted).map(([what, token]) => [name, `admits ${what}`, token, true] as [string, string, Token, boolean]),
  ...Object.entries(scenario.refused).map(([what, token]) => [name, `refuses ${what}`, token, false] as [string, string, Token, boolean]),
]);

describe('trust policies judged by the IAM simulator', () => {
  test('the suite is large enough to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  test.each(cases)('%s: %s', (name, _what, token, expected) => {
    expect(admits(policyOf(name), token)).toBe(expected);
  });

  test.each(Object.keys(parameterScenarios))('%s', name => {
    const scenario = parameterScenarios[name];
    const stack = newStack();
    new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [scenario.build(stack)] });
    const policy = trustPolicy(synth(stack), undefined, 'aws', { Value: scenario.value });
    expect(admits(policy, scenario.admitted)).toBe(true);
    expect(admits(policy, scenario.refused)).toBe(false);
  });
});
