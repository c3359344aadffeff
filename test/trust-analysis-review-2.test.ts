import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Fn, IAspect, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { GitHubTrustChecks, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { ACCOUNT, REGION } from './util';
import { runCli } from '../src/cli';

// Regression tests from a second security review of the trust analysis. Each test failed when it was
// written (at f67cb3a) and passes since its fix; each admission is judged by the pinned IAM simulator (test/oracle.ts), with the
// claims STS sets as condition keys (repository, ref, environment, workflow, actor, job_workflow_ref).

const key = (claim: string) => `${GITHUB_ISSUER}:${claim}`;
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`;
const ACTION = 'sts:AssumeRoleWithWebIdentity';
const AUD = { [key('aud')]: 'sts.amazonaws.com' };
const env = { account: ACCOUNT, region: REGION };

const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const github = (condition: object) => ({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: ACTION, Condition: condition });

/** The claims of a default-form sub, as STS sets them (plus any others given). */
function claims(sub: string, extra: { [claim: string]: string } = {}): { [key: string]: string } {
  const match = /^repo:([^/:]+)\/([^/:]+):(?:ref:(.*)|environment:(.*)|pull_request)$/.exec(sub)!;
  const all: { [claim: string]: string } = { sub, aud: 'sts.amazonaws.com', repository: `${match[1]}/${match[2]}` };
  if (match[3]) all.ref = match[3];
  if (match[4]) all.environment = match[4];
  return Object.fromEntries(Object.entries({ ...all, ...extra }).map(([claim, value]) => [key(claim), value]));
}

const critical = (document: any) => TrustPolicy.fromJson(document).audit().filter(finding => finding.severity === 'critical').map(finding => finding.rule);

describe('audit: conditions the probe\'s tokens fail, but a token of another repository passes', () => {
  // sub-missing is reported only when the probe (tokens of refs/heads/main, refs/tags/v1.0.0, environment
  // production, pull_request, with no workflow, actor or job_workflow_ref claims) is admitted. Before cc6ed19
  // these were all critical sub-missing.
  test.each([
    ['ref only (a branch the probe does not use)', { StringEquals: { ...AUD, [key('ref')]: 'refs/heads/release' } },
      'repo:attacker/x:ref:refs/heads/release', {}],
    ['environment only', { StringEquals: { ...AUD, [key('environment')]: 'prod' } }, 'repo:attacker/x:environment:prod', {}],
    ['ref pattern only', { StringEquals: AUD, StringLike: { [key('ref')]: 'refs/heads/deploy-*' } }, 'repo:attacker/x:ref:refs/heads/deploy-1', {}],
    ['job_workflow_ref only (any caller of a public reusable workflow)',
      { StringEquals: { ...AUD, [key('job_workflow_ref')]: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main' } },
      'repo:attacker/x:ref:refs/heads/main', { job_workflow_ref: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main' }],
    ['workflow name only', { StringEquals: { ...AUD, [key('workflow')]: 'Deploy' } }, 'repo:attacker/x:ref:refs/heads/main', { workflow: 'Deploy' }],
    ['repository of the actor (policy variable in a claim other than sub)',
      { StringEquals: AUD, StringLike: { [key('repository')]: `\${${key('actor')}}/*` } }, 'repo:attacker/x:ref:refs/heads/main', { actor: 'attacker' }],
    ['a negated sub pattern tuned to the probe\'s names',
      { 'StringEquals': AUD, 'ForAnyValue:StringNotLike': { [key('sub')]: 'repo:zz*' } }, 'repo:attacker/x:ref:refs/heads/main', {}],
  ])('%s', (_, condition, sub, extra) => {
    const document = policy(github(condition));
    expect(simulateWebIdentity(document, { issuer: GITHUB_ISSUER, contextVariables: claims(sub, extra) })).toBe('Allowed');
    expect(critical(document)).not.toEqual([]);
  });

  // 'repo:octo-org/*:ref:refs/heads/production' in sub is critical (sub-wildcard-before-pin); the same trust
  // written with the repository and ref claims is not reported at all.
  test('an owner wildcard in the repository claim, with a branch the probe does not use', () => {
    const document = policy(github({ StringEquals: { ...AUD, [key('ref')]: 'refs/heads/production' }, StringLike: { [key('repository')]: 'octo-org/*' } }));
    expect(simulateWebIdentity(document, { issuer: GITHUB_ISSUER, contextVariables: claims('repo:octo-org/unnamed:ref:refs/heads/production') }))
      .toBe('Allowed');
    expect(critical(policy(github({ StringEquals: AUD, StringLike: { [key('sub')]: 'repo:octo-org/*:ref:refs/heads/production' } })))).not.toEqual([]);
    expect(critical(document)).not.toEqual([]);
  });
});

describe('audit: a provider ARN only deployment knows', () => {
  function cli(template: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-review-2-'));
    fs.writeFileSync(path.join(dir, 't.yaml'), template);
    let stdout = '';
    const code = runCli(['audit', 't.yaml'], { env: {}, cwd: dir, stdout: text => { stdout += text; }, stderr: () => undefined });
    return { code, stdout };
  }
  const template = (principal: string, parameters = '') => `${parameters}Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Federated: ${principal}}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
`;

  // The statement is audited (its keys name github.com), but the probe's principal never matches the
  // unknown ARN, so sub-missing is never confirmed: "no findings", exit 0.
  test.each([
    ['Fn::ImportValue', template('!ImportValue GitHubOidcProviderArn')],
    ['a parameter', template('!Ref ProviderArn', 'Parameters:\n  ProviderArn: {Type: String}\n')],
  ])('aud only, provider from %s, is critical sub-missing', (_, text) => {
    const run = cli(text);
    expect(run.stdout).toContain('critical sub-missing');
    expect(run.code).toBe(1);
  });
});

describe('GitHubTrustChecks: roles it misses', () => {
  const trustsProvider = (scope: IConstruct, provider: iam.IOpenIdConnectProvider, id = 'Deploy') =>
    new iam.Role(scope, id, { assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: AUD }) });
  const provider = (scope: IConstruct) => new iam.OpenIdConnectProvider(scope, 'GitHub', { url: `https://${GITHUB_ISSUER}`, clientIds: ['sts.amazonaws.com'] });
  const errors = (app: App) => app.synth().stacksRecursively.flatMap(stack => stack.messages)
    .filter(message => message.level === 'error').map(message => String(message.entry.data));

  // One provider per account, in a shared stack, is the usual layout.
  test('a role in another stack than its provider (cross-stack reference)', () => {
    const app = new App();
    const shared = provider(new Stack(app, 'Oidc', { env }));
    trustsProvider(new Stack(app, 'Ci', { env }), shared);
    Aspects.of(app).add(new GitHubTrustChecks());
    expect(errors(app).some(text => text.startsWith('[sub-missing]'))).toBe(true);
  });

  test('a provider imported by Fn.importValue', () => {
    const app = new App();
    const stack = new Stack(app, 'Ci', { env });
    trustsProvider(stack, iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'GitHub', Fn.importValue('GitHubOidcProviderArn')));
    Aspects.of(app).add(new GitHubTrustChecks());
    expect(errors(app).some(text => text.startsWith('[sub-missing]'))).toBe(true);
  });

  test('a role in a nested stack, its provider in the parent', () => {
    const app = new App();
    const parent = new Stack(app, 'Ci', { env });
    trustsProvider(new NestedStack(parent, 'Roles'), provider(parent));
    Aspects.of(app).add(new GitHubTrustChecks());
    expect(errors(app).some(text => text.startsWith('[sub-missing]'))).toBe(true);
  });

  // The README: "It checks every AWS::IAM::Role in the app", with the aspect added to the app. CDK does not
  // carry an app's aspects into a Stage (aws/aws-cdk#20468, by design), so CDK Pipelines apps are not checked.
  test('a role in a Stage, the checks added to the app with addTo() as the README shows', () => {
    const app = new App();
    const stack = new Stack(new Stage(app, 'Prod', { env }), 'Ci');
    trustsProvider(stack, provider(stack));
    GitHubTrustChecks.addTo(app);
    expect(errors(app).some(text => text.startsWith('[sub-missing]'))).toBe(true);
  });

  // The stack's template is rendered once, at the first role visited, and a role that is not in it is skipped
  // silently: roles that another aspect adds afterwards are never audited.
  test('a role that another aspect adds after the first role was visited', () => {
    const app = new App();
    const stack = new Stack(app, 'Ci', { env });
    const shared = provider(stack);
    new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    let added = false;
    Aspects.of(stack).add({
      visit(node: IConstruct) {
        if (!added && node instanceof iam.Role) {
          added = true;
          trustsProvider(stack, shared, 'Late');
        }
      },
    } as IAspect);
    Aspects.of(app).add(new GitHubTrustChecks());
    expect(errors(app).some(text => text.startsWith('[sub-missing]'))).toBe(true);
  });
});

describe('audit: no false critical on exact custom subject templates', () => {
  // include_claim_keys ["repository", "context"] or ["repository_owner", "repository", "context"]: a sub
  // starts with its first claim's name, so no other repository's token can start with these prefixes.
  test.each([
    'repository:octo-org/octo-app:*',
    'repository_owner:octo-org:repository:octo-org/octo-app:*',
  ])('StringLike %s is not sub-wildcard-before-pin', pattern => {
    const document = policy(github({ StringEquals: AUD, StringLike: { [key('sub')]: pattern } }));
    expect(critical(document)).toEqual([]);
  });
});
