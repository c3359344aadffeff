import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { GitHubActionsRole, GitHubOidcProvider, GitHubRepository } from '../src';
import { admits, GITHUB_ISSUER } from './oracle';
import { ACCOUNT, deployedWith, keepYamlTemplate, newStack, synth } from './util';
import { runCli } from '../src/cli';

// A template deployed as a StackSet: each account creates the GitHub OIDC provider or reuses its
// own, by a parameter; either way the roles trust the account's provider for the issuer.

describe('GitHubOidcProvider.createdOrReused()', () => {
  test('each account creates the provider or reuses its own, and the role admits exactly its subjects either way', () => {
    const stack = newStack();
    const provider = GitHubOidcProvider.createdOrReused(stack, 'GitHub');
    new GitHubActionsRole(stack, 'Deploy', {
      provider, roleName: 'octo-app-deploy', subjects: [GitHubRepository.of('octo-org', 'octo-app').branch('main')],
    });
    const template = synth(stack).toJSON();
    expect(template.Parameters.GitHubCreateProvider).toMatchObject({ Type: 'String', AllowedValues: ['true', 'false'], Default: 'true' });
    const providerId = Object.keys(template.Resources).find(id => template.Resources[id].Type === 'AWS::IAM::OIDCProvider')!;
    expect(template.Resources[providerId]).toMatchObject({ Condition: 'GitHubCreatesProvider', DeletionPolicy: 'Retain' });

    for (const create of ['true', 'false']) {
      const role: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');
      const { value: policy, created } = deployedWith(template, { GitHubCreateProvider: create }, role.Properties.AssumeRolePolicyDocument);
      expect(created.includes(providerId)).toBe(create === 'true');
      // The account's provider for github.com, by its well-known ARN, in both states; the role waits for it where it is created.
      expect(policy.Statement[0].Principal.Federated).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`);
      expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(true);
      expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/dev' })).toBe(false);
      expect(admits(policy, { sub: 'repo:octo-org/octo-app-evil:ref:refs/heads/main' })).toBe(false);
    }
    const federated = (Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role') as any)
      .Properties.AssumeRolePolicyDocument.Statement[0].Principal.Federated;
    expect(federated['Fn::If'][0]).toBe('GitHubCreatesProvider');
    expect(federated['Fn::If'][1]).toEqual({ Ref: providerId });
  });

  test('the audit of the template (each Fn::If both ways) finds nothing', () => {
    const stack = newStack();
    new GitHubActionsRole(stack, 'Deploy', {
      provider: GitHubOidcProvider.createdOrReused(stack, 'GitHub'), subjects: [GitHubRepository.of('octo-org', 'octo-app').environment('production')],
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stack-set-audit-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    let stdout = '';
    const code = runCli(['audit', file], { env: {}, cwd: os.tmpdir(), stdout: t => { stdout += t; }, stderr: t => { stdout += t; } });
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringContaining('1 role trusts a GitHub issuer; 0 findings.') });
  });
});

describe('the command line writes StackSet templates', () => {
  function cli(args: string[], files: { [name: string]: string } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-set-test-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    let stdout = '';
    let stderr = '';
    const code = runCli(args, { env: {}, cwd: dir, stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
    return { code, stdout, stderr, dir };
  }

  test('one role: the parameter, a fixed role name, and the StackSet commands', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--role-name', 'octo-app-deploy', '--stack-set', '--region', 'eu-west-1']);
    expect(run.stderr).toBe('');
    const template = parse(keepYamlTemplate(fs.readFileSync(path.join(run.dir, 'github-actions-oidc.template.yaml'), 'utf8')));
    expect(Object.keys(template.Parameters)).toEqual(['GitHubCreateProvider']);
    const role: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('octo-app-deploy');
    expect(run.stdout).toContain('aws cloudformation create-stack-set --stack-set-name github-actions-oidc --template-body file://github-actions-oidc.template.yaml');
    expect(run.stdout).toContain('--permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false');
    expect(run.stdout).toContain('--parameter-overrides ParameterKey=GitHubCreateProvider,ParameterValue=false');
    expect(run.stdout).toContain('set it\n     as an environment variable of each environment');
    for (const create of ['true', 'false']) {
      const { value: policy } = deployedWith(template, { GitHubCreateProvider: create }, role.Properties.AssumeRolePolicyDocument);
      expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(true);
    }
  });

  test('refusals: no role name, an existing provider, a manifest that needs several stacks', () => {
    expect(cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--stack-set', '--region', 'eu-west-1']).stderr)
      .toContain('--stack-set needs --role-name: a fixed name gives the role the same, predictable ARN in every account.');
    expect(cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--stack-set', '--role-name', 'x', '--existing-provider', '--region', 'eu-west-1']).stderr)
      .toContain('--stack-set decides per account whether to create the provider');
    const many = `region: us-east-1\nroles:\n${Array.from({ length: 100 }, (_, i) => `  - { name: app-${i}, repositories: [octo-org/app-${i}], branches: [main] }`).join('\n')}\n`;
    const run = cli(['--config', 'roles.yaml', '--stack-set'], { 'roles.yaml': many });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--stack-set writes one template, and these roles need 2 stacks');
    expect(fs.readdirSync(run.dir)).toEqual(['roles.yaml']);
  });

  test('a manifest that fits one stack: one StackSet template', () => {
    const manifest = 'region: eu-west-1\nroles:\n  - { name: ci, repositories: [octo-org/octo-app], branches: [main] }\n';
    const run = cli(['--config', 'roles.yaml', '--stack-set'], { 'roles.yaml': manifest });
    expect(run.stderr).toBe('');
    const template = parse(keepYamlTemplate(fs.readFileSync(path.join(run.dir, 'github-actions-oidc.template.yaml'), 'utf8')));
    expect(Object.keys(template.Parameters)).toEqual(['GitHubCreateProvider']);
    expect(run.stdout).toContain('aws cloudformation create-stack-instances --stack-set-name github-actions-oidc');
  });
});
