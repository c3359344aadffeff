import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import '@microsoft/jest-sarif';
import { stringify } from 'yaml';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository } from '../src';
import { GITHUB_ISSUER } from './oracle';
import { newStack, synth, trustPolicy } from './util';
import { runCli } from '../src/cli';

// The explain and audit commands, as a user runs them: files of each format, their exit
// codes, and reports a machine reads (JSON, and SARIF checked against the SARIF 2.1.0 schema).

interface Run { code: number; stdout: string; stderr: string }

function inDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-analysis-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function cli(args: string[], dir: string, stdin?: string): Run {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, {
    env: {}, cwd: dir, stdin: stdin === undefined ? undefined : () => stdin, stdout: t => { stdout += t; }, stderr: t => { stderr += t; },
  });
  return { code, stdout, stderr };
}

const SUB = `${GITHUB_ISSUER}:sub`;
const AUD = `${GITHUB_ISSUER}:aud`;
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GITHUB_ISSUER}`;

/** A role written by this library: exact trust. */
function goodPolicy(): any {
  const stack = newStack();
  const app = GitHubRepository.of('octo-org', 'octo-app');
  new GitHubActionsRole(stack, 'Deploy', { provider: new GitHubOidcProvider(stack, 'GitHub'), subjects: [app.branch('main')] });
  return trustPolicy(synth(stack));
}

/** The classic mistake: only the audience is checked. */
const AUD_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } }],
};

const YAML_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Org:
    Type: String
Resources:
  GitHubProvider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  OrgWideRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Federated: !GetAtt GitHubProvider.Arn
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: !Sub 'repo:\${Org}/*'
  ServiceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
`;

describe('audit', () => {
  test('reads all four formats and reports each role that trusts GitHub', () => {
    const dir = inDir({
      'policy.json': JSON.stringify(AUD_ONLY),
      'get-role.json': JSON.stringify({ Role: { RoleName: 'deploy', Arn: 'arn:aws:iam::123456789012:role/deploy', AssumeRolePolicyDocument: goodPolicy() } }),
      'account.json': JSON.stringify({
        UserDetailList: [],
        RoleDetailList: [
          { RoleName: 'legacy', AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(AUD_ONLY)) },
          { RoleName: 'lambda', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
        ],
      }),
      'template.yaml': YAML_TEMPLATE,
    });
    const run = cli(['audit', 'policy.json', 'get-role.json', 'account.json', 'template.yaml', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const byRole = Object.fromEntries(report.roles.map((role: any) => [role.role, role.findings.map((finding: any) => `${finding.severity} ${finding.rule}`)]));
    expect(byRole).toEqual({
      'policy.json': ['critical sub-missing'],
      'deploy': [],
      'legacy': ['critical sub-missing'],
      // The parameter goes into the pattern unescaped: a value holding '*' or '${...}' would widen it further.
      'OrgWideRole': ['critical sub-wildcard-before-pin', 'high sub-unescaped-deploy-time-value'],
    });
    expect(report.roles.map((role: any) => role.source)).toEqual(['policy.json', 'get-role.json', 'account.json: RoleDetailList[0]', 'template.yaml: Resources.OrgWideRole']);
  });

  test('reads a synthesized template (cdk.out) and the command line\'s own template with no finding', () => {
    const stack = newStack();
    new GitHubActionsRole(stack, 'Deploy', {
      provider: new GitHubOidcProvider(stack, 'GitHub'),
      subjects: [GitHubRepository.of('octo-org', 'octo-app').environment('production')],
    });
    const dir = inDir({ 'Ci.template.json': JSON.stringify(synth(stack).toJSON()) });
    expect(cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--out', 'gen'], dir).code).toBe(0);
    const run = cli(['audit', 'Ci.template.json', 'gen/github-actions-oidc.template.yaml', '--fail-on', 'info'], dir);
    expect(run.stdout).toMatch(/^2 roles trust a GitHub issuer; 0 findings\.$/m);
    expect(run.code).toBe(0);
  });

  test('text report, --fail-on, and standard input', () => {
    const dir = inDir({});
    const run = cli(['audit', '-'], dir, JSON.stringify(AUD_ONLY));
    expect(run.stdout).toContain('critical sub-missing: Statement 0: it trusts tokens from token.actions.githubusercontent.com');
    expect(run.stdout).toMatch(/1 role trusts a GitHub issuer; 1 finding \(1 critical\)\./);
    expect(run.code).toBe(1);
    expect(cli(['audit', '-', '--fail-on', 'never'], dir, JSON.stringify(AUD_ONLY)).code).toBe(0);
    const pullRequests = { ...AUD_ONLY, Statement: [{ ...AUD_ONLY.Statement[0], Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: 'repo:octo-org/octo-app:pull_request' } } }] };
    expect(cli(['audit', '-'], dir, JSON.stringify(pullRequests)).code).toBe(0);
    expect(cli(['audit', '-', '--fail-on', 'low'], dir, JSON.stringify(pullRequests)).code).toBe(1);
  });

  test('SARIF 2.1.0: valid against the schema, with rules, levels and locations for code scanning', () => {
    const dir = inDir({ 'template.yaml': YAML_TEMPLATE, 'policy.json': JSON.stringify(AUD_ONLY) });
    const run = cli(['audit', 'template.yaml', 'policy.json', '--format', 'sarif'], dir);
    const sarif = JSON.parse(run.stdout);
    (expect(sarif) as any).toBeValidSarifLog();
    // The schema check itself works: a log without runs, or with a result of an unknown level, fails it.
    expect(() => (expect({ version: '2.1.0' }) as any).toBeValidSarifLog()).toThrow();
    const badLevel = JSON.parse(run.stdout);
    badLevel.runs[0].results[0].level = 'critical';
    expect(() => (expect(badLevel) as any).toBeValidSarifLog()).toThrow();
    const results = sarif.runs[0].results;
    const location = (result: any) => result.locations[0].physicalLocation;
    expect(results.map((result: any) => [result.ruleId, result.level, location(result).artifactLocation.uri, location(result).region.startLine]))
      .toEqual([
        ['sub-wildcard-before-pin', 'error', 'template.yaml', 11],
        ['sub-unescaped-deploy-time-value', 'error', 'template.yaml', 11],
        ['sub-missing', 'error', 'policy.json', 1],
      ]);
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules[results[0].ruleIndex].id).toBe('sub-wildcard-before-pin');
    expect(rules.every((rule: any) => Number(rule.properties['security-severity']) > 0)).toBe(true);
  });

  test('bad input: exit 2 with what is wrong, nothing on standard output', () => {
    const dir = inDir({ 'notes.txt': 'key: [unclosed', 'other.json': '{"Hello": 1}' });
    for (const [args, message] of [
      [['audit'], /at least one FILE/],
      [['audit', 'missing.json'], /Cannot read missing\.json: no such file/],
      [['audit', 'notes.txt'], /notes\.txt:1:\d+: neither JSON nor YAML/],
      [['audit', 'other.json'], /cannot tell what this is/],
      [['audit', 'other.json', '--format', 'xml'], /Invalid --format 'xml'/],
      [['audit', 'other.json', '--fail-on', 'severe'], /Invalid --fail-on 'severe'/],
    ] as Array<[string[], RegExp]>) {
      const run = cli(args, dir);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('explain', () => {
  const dir = inDir({
    'role.json': JSON.stringify({ Role: { RoleName: 'deploy', AssumeRolePolicyDocument: goodPolicy() } }),
    'claims.json': JSON.stringify({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/octo-app:environment:production', aud: 'sts.amazonaws.com' }),
    'template.yaml': YAML_TEMPLATE,
    'roles.yaml': stringify({ Resources: { A: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: AUD_ONLY } }, B: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: AUD_ONLY } } } }),
  });

  test('Allow: exit 0 and the statement that allowed it', () => {
    const run = cli(['explain', '--policy', 'role.json', '--sub', 'repo:octo-org/octo-app:ref:refs/heads/main'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Allow: repo:octo-org\/octo-app:ref:refs\/heads\/main\n {2}role: deploy in role\.json\n {2}Statement 0 allows it/);
  });

  test('Deny from claims: exit 1, the cause and the nearest subject, as text and as JSON', () => {
    const text = cli(['explain', '--policy', 'role.json', '--claims', 'claims.json'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('nearest trusted subject: repo:octo-org/octo-app:ref:refs/heads/main');
    expect(text.stdout).toContain('environment-job: The job uses an environment');
    const json = JSON.parse(cli(['explain', '--policy', 'role.json', '--claims', 'claims.json', '--format', 'json'], dir).stdout);
    expect(json).toMatchObject({ decision: 'Deny', allowed: false, role: 'deploy', causes: [{ cause: 'environment-job' }] });
  });

  test('a JWT is decoded, and the output says it was not verified', () => {
    const claims = { sub: 'repo:octo-org/octo-app:ref:refs/heads/main', aud: 'sts.amazonaws.com' };
    const jwt = [{ alg: 'RS256' }, claims].map(part => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.sig';
    const run = cli(['explain', '--policy', 'role.json', '--token', jwt], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('decoded without verifying its signature');
  });

  test('a role of a template, chosen with --role; a deploy-time value is shown as such', () => {
    const run = cli(['explain', '--policy', 'template.yaml', '--role', 'OrgWideRole', '--sub', 'repo:octo-org/octo-app:ref:refs/heads/main'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("'repo:<deploy-time value>/*'");
  });

  test('a policy that Fn::If chooses: the decision of each way it can deploy', () => {
    const template = `Conditions:
  Strict: !Equals [!Ref AWS::Region, eu-west-1]
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
                token.actions.githubusercontent.com:sub: !If [Strict, 'repo:octo-org/octo-app:ref:refs/heads/main', 'repo:octo-org/octo-app:environment:prod']
`;
    const conditional = inDir({ 'template.yaml': template });
    const run = cli(['explain', '--policy', 'template.yaml', '--sub', 'repo:octo-org/octo-app:ref:refs/heads/main'], conditional);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Depends on the template's conditions: Allow in 1 of the 2 ways/);
    expect(run.stdout).toMatch(/way 1: Allow\n[\s\S]*way 2: Deny\n/);
    const json = JSON.parse(cli(['explain', '--policy', 'template.yaml', '--sub', 'repo:octo-org/octo-app:ref:refs/heads/main', '--format', 'json'], conditional).stdout);
    expect(json.decision).toBe('Depends');
    expect(json.alternatives.map((alternative: any) => alternative.decision)).toEqual(['Allow', 'Deny']);
    const audit = JSON.parse(cli(['audit', 'template.yaml', '--format', 'json'], conditional).stdout);
    expect(audit.roles[0].findings).toEqual([]);
  });

  test('bad input: exit 2', () => {
    for (const [args, message] of [
      [['explain', '--sub', 'x'], /needs --policy FILE/],
      [['explain', '--policy', 'role.json'], /exactly one of --claims FILE, --token JWT and --sub SUB \(given: none\)/],
      [['explain', '--policy', 'role.json', '--sub', 'x', '--token', 'y'], /given: --token, --sub/],
      [['explain', '--policy', 'role.json', '--token', 'abc'], /Not a JWT/],
      [['explain', '--policy', 'role.json', '--claims', 'role.json'], /no 'sub' string/],
      [['explain', '--policy', 'roles.yaml', '--sub', 'x'], /holds 2 roles \(A, B\): choose one with --role NAME/],
      [['explain', '--policy', 'roles.yaml', '--role', 'C', '--sub', 'x'], /has no role 'C'; it has: A, B/],
      [['explain', '--policy', 'role.json', '--sub', 'x', '--issuer', 'token.actions.githubusercontent.com'], /Invalid --issuer/],
      [['explain', '--policy', 'role.json', '--claims', 'claims.json', '--aud', 'x'], /--aud and --issuer go with --sub/],
    ] as Array<[string[], RegExp]>) {
      const run = cli(args, dir);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });

  test('help', () => {
    expect(cli(['explain', '--help'], dir).stdout).toMatch(/^Usage: cdk-github-actions-oidc explain --policy FILE/);
    expect(cli(['audit', '--help'], dir).stdout).toMatch(/^Usage: cdk-github-actions-oidc audit FILE/);
  });
});
