import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import { Annotations as Found, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository, GitHubToken, GitHubTrustChecks, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { ACCOUNT, REGION } from './util';
import { runCli } from '../src/cli';

// Regression tests from a security review of the trust analysis (explain, audit, GitHubTrustChecks),
// each written while it failed and passing since its fix. Each case was judged by the pinned IAM
// simulator (test/oracle.ts).

const SUB = `${GITHUB_ISSUER}:sub`;
const AUD = `${GITHUB_ISSUER}:aud`;
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`;
const ACTION = 'sts:AssumeRoleWithWebIdentity';
const MAIN = 'repo:octo-org/app:ref:refs/heads/main';
const ATTACKER = 'repo:attacker/x:ref:refs/heads/main';

const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const github = (condition: object) => ({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: ACTION, Condition: condition });

/** The simulator's decision for a github.com token with this sub (aud sts.amazonaws.com). */
function simulator(document: any, sub: string, extra: { [key: string]: string } = {}): string {
  return simulateWebIdentity(document, { issuer: GITHUB_ISSUER, contextVariables: { [SUB]: sub, [AUD]: 'sts.amazonaws.com', ...extra } });
}

const critical = (document: any) => TrustPolicy.fromJson(document).audit().filter(finding => finding.severity === 'critical').map(finding => finding.rule);

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], files: { [name: string]: string }): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-review-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { env: {}, cwd: dir, stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr };
}

function aspectApp(build: (stack: Stack) => void) {
  const app = new App();
  const stack = new Stack(app, 'Ci', { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  Aspects.of(app).add(new GitHubTrustChecks());
  return { stack, found: () => Found.fromStack(stack) };
}

describe('audit: roles the simulator says admit any repository get a critical finding', () => {
  // Review finding, fixed: before, a statement whose principal is everyone is skipped unless a condition names a GitHub key.
  test.each([
    ['Principal "*" with no condition', policy({ Effect: 'Allow', Principal: '*', Action: ACTION })],
    ['Principal {"AWS": "*"} with no condition', policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ACTION })],
    ['Principal "*", sts:*, StringEqualsIfExists on aws:PrincipalOrgID',
      policy({ Effect: 'Allow', Principal: '*', Action: 'sts:*', Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } } })],
    // Review finding, fixed: before, an Allow with NotPrincipal names every principal but the listed ones, the OIDC provider included.
    ['NotPrincipal in an Allow, with the audience checked',
      policy({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: ACTION, Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } })],
  ])('%s', (_, document) => {
    expect(simulator(document, ATTACKER)).toBe('Allowed');
    expect(critical(document)).not.toEqual([]);
  });

  // Review finding, fixed: before, set-operator prefixes and IfExists are matched case-sensitively; IAM (and the simulator) do not.
  test('a lower-case set operator is read, not refused', () => {
    const document = policy(github({ 'StringEquals': { [AUD]: 'sts.amazonaws.com' }, 'foranyvalue:stringlike': { [SUB]: '*' } }));
    expect(simulator(document, ATTACKER)).toBe('Allowed');
    expect(critical(document)).toContain('sub-wildcard-before-pin');
    expect(TrustPolicy.fromJson(document).evaluate(GitHubToken.of({ subject: ATTACKER })).allowed).toBe(true);
  });

  test('IfExists in another letter case is read (simulator: Allowed for the repository)', () => {
    const document = policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLikeifexists: { [SUB]: 'repo:octo-org/app:*' } }));
    expect(simulator(document, MAIN)).toBe('Allowed');
    expect(TrustPolicy.fromJson(document).evaluate(GitHubToken.of({ subject: MAIN })).allowed).toBe(true);
  });
});

describe('audit: templates', () => {
  const role = (id: string, statements: string) => `  ${id}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
${statements}`;
  const githubStatement = (condition: string) => `          - Effect: Allow
            Principal: {Federated: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
${condition}
`;

  // Review finding, fixed: before, '*' is written in the template; only the choice between the branches is left to deployment.
  test('Fn::If with a literal "*" branch is critical, not only an unescaped deploy-time value', () => {
    const template = `Conditions:
  Strict: !Equals [!Ref 'AWS::Region', 'eu-west-1']
Resources:
${role('IfStar', githubStatement(`              StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
              StringLike:
                token.actions.githubusercontent.com:sub: !If [Strict, 'repo:octo-org/app:ref:refs/heads/main', '*']`))}`;
    const run = cli(['audit', 't.yaml', '--format', 'json'], { 't.yaml': template });
    expect(JSON.parse(run.stdout).roles[0].findings.map((f: any) => `${f.severity} ${f.rule}`)).toContain('critical sub-wildcard-before-pin');
  });

  // Review finding, fixed: before, AWS::NoValue removes the sub condition at deployment.
  test('Fn::If with AWS::NoValue on sub is critical sub-missing', () => {
    const template = `Conditions:
  Strict: !Equals [!Ref 'AWS::Region', 'eu-west-1']
Resources:
${role('IfNoValue', githubStatement(`              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
                token.actions.githubusercontent.com:sub: !If [Strict, 'repo:octo-org/app:ref:refs/heads/main', !Ref 'AWS::NoValue']`))}`;
    const run = cli(['audit', 't.yaml', '--format', 'json'], { 't.yaml': template });
    expect(JSON.parse(run.stdout).roles[0].findings.map((f: any) => `${f.severity} ${f.rule}`)).toContain('critical sub-missing');
  });

  // Review finding, fixed: before, one Fn::If statement aborts the whole audit (exit 2, no report) instead of auditing what is known.
  test('a statement chosen by Fn::If does not hide the other statements\' findings', () => {
    const template = `Conditions:
  IsProd: !Equals [!Ref 'AWS::AccountId', '111111111111']
Resources:
${role('Wide', `${githubStatement('              StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}')}          - !If
            - IsProd
            - {Effect: Allow, Principal: {AWS: !Ref 'AWS::AccountId'}, Action: 'sts:AssumeRole'}
            - !Ref AWS::NoValue`)}`;
    const run = cli(['audit', 't.yaml'], { 't.yaml': template });
    expect(run.stdout).toContain('critical sub-missing');
    expect(run.code).toBe(1);
  });

  // Review finding, fixed: before, roles inside Fn::ForEach (AWS::LanguageExtensions) are skipped silently: "0 roles", exit 0.
  test('a role inside Fn::ForEach is not skipped silently', () => {
    const template = `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Roles:
    - Name
    - [Deploy, Release]
    - \${Name}Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Principal: {Federated: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'}
                Action: sts:AssumeRoleWithWebIdentity
                Condition:
                  StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
                  StringLike: {token.actions.githubusercontent.com:sub: '*'}
`;
    const run = cli(['audit', 't.yaml'], { 't.yaml': template });
    expect(run.code).not.toBe(0);
  });
});

describe('GitHubTrustChecks', () => {
  // Review finding, fixed: before, providersOf() knows only CfnOIDCProvider, not iam.OpenIdConnectProvider (Custom::AWSCDKOpenIdConnectProvider),
  // which the command line does recognize in the same synthesized template.
  test('a role that trusts an iam.OpenIdConnectProvider with no condition is an error', () => {
    const { found } = aspectApp(stack => {
      const provider = new iam.OpenIdConnectProvider(stack, 'Provider', { url: `https://${GITHUB_ISSUER}`, clientIds: ['sts.amazonaws.com'] });
      new iam.Role(stack, 'Legacy', { assumedBy: new iam.OpenIdConnectPrincipal(provider) });
    });
    found().hasError('/Ci/Legacy/Resource', Match.stringLikeRegexp('^\\[sub-missing\\]'));
  });

  // Review finding, fixed: before, the aspect reads the L1 property, not the resource as rendered with raw overrides.
  test('an escape-hatch override that widens sub to "*" is an error', () => {
    const { found } = aspectApp(stack => {
      const role = new GitHubActionsRole(stack, 'Deploy', {
        provider: new GitHubOidcProvider(stack, 'GitHub'),
        subjects: [GitHubRepository.of('octo-org', 'app').branch('main')],
      });
      const cfn = role.node.defaultChild as iam.CfnRole;
      cfn.addPropertyDeletionOverride('AssumeRolePolicyDocument.Statement.0.Condition.StringEquals');
      cfn.addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition.StringLike', { [SUB]: '*' });
    });
    found().hasError('/Ci/Deploy/Resource', Match.stringLikeRegexp('^\\[sub-wildcard-before-pin\\]'));
  });

  // Review finding, fixed: before, a CloudFormation condition around the principal (valid CloudFormation) throws out of the aspect and fails synth.
  test('a principal chosen by Fn::If does not crash the synthesis', () => {
    const { found } = aspectApp(stack => {
      const condition = new CfnCondition(stack, 'Enterprise', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
      new iam.CfnRole(stack, 'Raw', {
        assumeRolePolicyDocument: policy({
          Effect: 'Allow',
          Principal: Fn.conditionIf(condition.logicalId, { Federated: PROVIDER }, { Federated: `${PROVIDER}/acme` }),
          Action: ACTION,
          Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } },
        }),
      });
    });
    expect(() => found()).not.toThrow();
  });
});

describe('evaluate and explain', () => {
  // Review finding, fixed: before, clauses of statements whose principal or action do not match are evaluated too, and throw.
  test('a statement for other principals with Bool or ArnLike does not stop the evaluation', () => {
    const document = policy(
      github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: MAIN } }),
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
      { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:codebuild:*:${ACCOUNT}:project/*` } } },
    );
    expect(simulator(document, MAIN)).toBe('Allowed');
    expect(TrustPolicy.fromJson(document).evaluate(GitHubToken.of({ subject: MAIN })).allowed).toBe(true);
  });

  // Review finding, fixed: before, GitHubToken.of() (explain --sub) sets no repository key, so a role pinned by the repository claim
  // (which STS sets for every GitHub token) is "denied" because "the token has no such key".
  test('explain --sub on a role that also pins the repository claim does not report a denial STS would not make', () => {
    const document = policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com', [`${GITHUB_ISSUER}:repository`]: 'octo-org/app' }, StringLike: { [SUB]: 'repo:octo-org/app:*' } }));
    expect(simulator(document, MAIN, { [`${GITHUB_ISSUER}:repository`]: 'octo-org/app' })).toBe('Allowed');
    const run = cli(['explain', '--policy', 'p.json', '--sub', MAIN], { 'p.json': JSON.stringify(document) });
    expect(run.stdout).not.toContain('the token has no such key');
  });
});

describe('audit messages', () => {
  // Review finding, fixed: before, "always holds" is printed for every clause that does not require a value; these never hold,
  // so the statement never applies: a never-matches finding.
  test.each(['ForAnyValue:StringNotEquals', 'Null'])('a foreign key under %s is said to never match', operator => {
    const document = policy(github({
      StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: MAIN },
      [operator]: { [`${GITHUB_ISSUER}/acme:actor`]: operator === 'Null' ? 'false' : 'evil' },
    }));
    expect(simulator(document, MAIN)).toBe('ImplicitlyDenied');
    const findings = TrustPolicy.fromJson(document).audit();
    expect(findings.map(finding => finding.rule)).toEqual(['never-matches']);
    expect(findings[0].message).toContain(`on '${GITHUB_ISSUER}/acme:actor' never matches`);
  });

  // Review finding, fixed: before, StringLike "*" on aud requires nothing, like no condition at all.
  test('aud matched by StringLike "*" is aud-missing', () => {
    const document = policy(github({ StringLike: { [AUD]: '*' }, StringEquals: { [SUB]: MAIN } }));
    expect(simulateWebIdentity(document, { issuer: GITHUB_ISSUER, contextVariables: { [SUB]: MAIN, [AUD]: 'https://evil.example' } })).toBe('Allowed');
    expect(TrustPolicy.fromJson(document).audit().map(finding => finding.rule)).toContain('aud-missing');
  });
});

describe('SARIF for code scanning', () => {
  // Review finding, fixed: before, the location is the first occurrence of the role's name anywhere in the file, so role 'gh' is
  // placed on the line of 'gh-deploy'; with the same rule the two results are one alert to code scanning.
  test('two roles get two locations (or fingerprints) even when one name is a prefix of the other', () => {
    const document = policy(github({ StringEquals: { [AUD]: 'sts.amazonaws.com' } }));
    const role = (name: string) => ({ Path: '/', RoleName: name, Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, AssumeRolePolicyDocument: document });
    const run = cli(['audit', 'roles.json', '--format', 'sarif'], { 'roles.json': JSON.stringify({ Roles: [role('gh-deploy'), role('gh')] }, null, 2) });
    const results = JSON.parse(run.stdout).runs[0].results;
    const identity = (result: any) =>
      JSON.stringify([result.ruleId, result.locations[0].physicalLocation.region.startLine, result.partialFingerprints ?? null]);
    expect(new Set(results.map(identity)).size).toBe(results.length);
  });
});
