import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { admits, GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { ACCOUNT, keepWorkflow, keepYamlTemplate } from './util';
import { runCli } from '../src/cli';

interface Run { code: number; stdout: string; stderr: string; dir: string }

function cli(args: string[], env: { [name: string]: string } = {}, prepare: (dir: string) => void = () => {}): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  prepare(dir);
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { env, cwd: dir, stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr, dir };
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function outputs(run: Run, stackName = 'github-actions-oidc') {
  const template = parse(keepYamlTemplate(fs.readFileSync(path.join(run.dir, `${stackName}.template.yaml`), 'utf8')));
  const workflow = parse(keepWorkflow(fs.readFileSync(path.join(run.dir, '.github', 'workflows', `${stackName}.yml`), 'utf8')));
  return { template, workflow };
}

/** The template's role trust policy as deployed: the provider's Ref becomes its ARN. */
function deployedTrustPolicy(template: any): any {
  const role: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');
  const json = JSON.stringify(role.Properties.AssumeRolePolicyDocument)
    .replace(/\{"Ref":"GitHub[0-9A-F]+"\}/g, `"arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"`);
  return JSON.parse(json);
}

describe('cdk-github-actions-oidc command line', () => {
  test('the classic setup in one command: provider, role for main, managed policy, ECR push, outputs, workflow', () => {
    // WHEN
    const run = cli([
      '--repo', 'octo-org/octo-app', '--branch', 'main',
      '--managed-policy', 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
      '--ecr-repository', 'octo-app', '--region', 'eu-west-1',
    ]);
    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(files(run.dir)).toEqual(['.github/workflows/github-actions-oidc.yml', 'github-actions-oidc.template.yaml']);
    const { template, workflow } = outputs(run);

    const types = Object.values(template.Resources).map((r: any) => r.Type).sort();
    expect(types).toEqual(['AWS::ECR::Repository', 'AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    // Deleting the stack must not cut off other roles of the account that use the provider.
    const provider: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::OIDCProvider');
    expect([provider.DeletionPolicy, provider.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(template.Parameters).toBeUndefined();
    expect(template.Rules).toBeUndefined();
    expect(Object.keys(template.Outputs)).toEqual(['ProviderArn', 'RoleArn', 'RoleTrustedSubjects', 'RoleRepositoryUri1']);
    expect(template.Outputs.RoleTrustedSubjects.Value).toBe('repo:octo-org/octo-app:ref:refs/heads/main');
    const role: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess']);

    const policy = deployedTrustPolicy(template);
    expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(true);
    expect(admits(policy, { sub: 'repo:octo-org/octo-app-evil:ref:refs/heads/main' })).toBe(false);

    expect(workflow.on.push.branches).toEqual(['main']);
    expect(workflow.jobs.push.steps.map((s: any) => s.name)).toContain('Log in to Amazon ECR');

    expect(run.stdout).toContain('aws cloudformation deploy --template-file github-actions-oidc.template.yaml --stack-name github-actions-oidc \\\n'
      + '       --capabilities CAPABILITY_NAMED_IAM --region eu-west-1');
    expect(run.stdout).toContain('AWS_ROLE_ARN: the role\'s ARN (stack output RoleArn)');
    expect(run.stdout).toContain('Commit .github/workflows/github-actions-oidc.yml to octo-org/octo-app.');
  });

  test('every subject flag applies to every repository', () => {
    const run = cli(['--repo', 'octo-org/a', '--repo', 'octo-org/b', '--tag', 'v*', '--environment', 'prod', '--pull-request',
      '--region', 'us-east-1', '--stack-name', 'ci-trust', '--role-name', 'ci-deploy', '--out', 'out']);
    expect(run.code).toBe(0);
    const { template, workflow } = outputs({ ...run, dir: path.join(run.dir, 'out') }, 'ci-trust');
    expect(template.Outputs.RoleTrustedSubjects.Value.split(', ').sort()).toEqual([
      'repo:octo-org/a:environment:prod', 'repo:octo-org/a:pull_request', 'repo:octo-org/a:ref:refs/tags/v*',
      'repo:octo-org/b:environment:prod', 'repo:octo-org/b:pull_request', 'repo:octo-org/b:ref:refs/tags/v*',
    ]);
    const role: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('ci-deploy');
    expect(workflow.jobs.deploy.environment).toBe('prod');
  });

  test('a merge queue and an actor kept out: the role admits the queue, refuses the actor, and the workflow agrees', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--merge-queue', 'main', '--branch', 'main', '--not-actor', 'dependabot[bot]', '--region', 'eu-west-1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { template, workflow } = outputs(run);
    const policy = deployedTrustPolicy(template);
    const queue = 'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-4-0123456789abcdef0123456789abcdef01234567';
    const request = (sub: string, actor?: string) => ({
      issuer: GITHUB_ISSUER,
      contextVariables: {
        [`${GITHUB_ISSUER}:sub`]: sub, [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com', ...(actor ? { [`${GITHUB_ISSUER}:actor`]: actor } : {}),
      },
    });
    expect(simulateWebIdentity(policy, request(queue, 'octocat'))).toBe('Allowed');
    expect(simulateWebIdentity(policy, request(queue, 'dependabot[bot]'))).not.toBe('Allowed');
    expect(simulateWebIdentity(policy, request(queue))).not.toBe('Allowed');
    expect(simulateWebIdentity(policy, request('repo:octo-org/octo-app:ref:refs/heads/main', 'octocat'))).toBe('Allowed');
    expect(workflow.on.merge_group).toEqual({ types: ['checks_requested'], branches: ['main'] });
    expect(workflow.jobs.deploy.if).toBe("(needs.trust.outputs.trusted == 'true') && github.actor != 'dependabot[bot]'");
    expect(template.Outputs.RoleTrustedSubjects.Value).toBe(
      'repo:octo-org/octo-app:ref:refs/heads/main where actor != dependabot[bot], ' +
      'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-* where actor != dependabot[bot]');
  });

  test('references the account\'s provider and existing ECR repositories when told to', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--existing-provider',
      '--ecr-repository', 'octo-app', '--existing-ecr-repository'], { AWS_REGION: 'ap-southeast-2' });
    expect(run.code).toBe(0);
    const { template, workflow } = outputs(run);
    expect(Object.values(template.Resources).map((r: any) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    expect(template.Outputs.ProviderArn.Value).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':oidc-provider/token.actions.githubusercontent.com']],
    });
    expect(workflow.jobs.push.steps[1].with['aws-region']).toBe('ap-southeast-2');
  });

  test('prints help', () => {
    const run = cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: cdk-github-actions-oidc --repo OWNER\/NAME/);
    expect(files(run.dir)).toEqual([]);
  });

  test.each([
    [['--branch', 'main', '--region', 'eu-west-1'], 2, /No --repo given/],
    [['--repo', 'octo-org/octo-app', '--region', 'eu-west-1'], 2, /No subject given: .* --branch, --tag, --environment, --pull-request or --merge-queue/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--bogus'], 2, /Unknown option '--bogus'/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main'], 2, /No AWS Region: pass --region/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'Frankfurt'], 2, /Invalid Region 'Frankfurt' \(from --region\): use a Region code such as 'eu-west-1'\./],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'us-east1'], 2, /Invalid Region 'us-east1' \(from --region\): did you mean 'us-east-1'\?/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'US-EAST-1'], 2, /Invalid Region 'US-EAST-1' \(from --region\): did you mean 'us-east-1'\?/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--stack-name', '1st'], 2, /Invalid --stack-name '1st'/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--managed-policy', 'AmazonEC2ReadOnlyAccess'], 2,
      /Invalid --managed-policy 'AmazonEC2ReadOnlyAccess': give the policy's ARN/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--existing-ecr-repository'], 2,
      /--existing-ecr-repository needs at least one --ecr-repository/],
    [['--repo', 'octo-org', '--branch', 'main', '--region', 'eu-west-1'], 1, /Invalid repository 'octo-org': give it as 'owner\/name'/],
    [['--repo', 'octo-org/octo-app*', '--branch', 'main', '--region', 'eu-west-1'], 1, /Invalid GitHub repository 'octo-app\*'/],
    [['--repo', 'octo-org/octo-app', '--branch', 'refs/heads/main', '--region', 'eu-west-1'], 1, /Invalid branch name 'refs\/heads\/main'/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--ecr-repository', 'Octo App'], 1,
      /Invalid ECR repository name/],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--role-name', 'has space/x'], 1,
      /Invalid role name 'has space\/x': role names are 1-64 letters, digits or '_\+=,\.@-' characters; this one has ' ', '\/', which are not allowed\./],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-wset-1'], 2,
      /Unknown Region 'eu-wset-1' \(from --region\): did you mean 'eu-west-1'\? For a Region newer than this version, add --allow-unknown-region\./],
    [['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1', '--out', 'README.md'], 2, /Invalid --out 'README\.md': .*README\.md is a file, not a directory/],
    [['--repo', 'octo-org@1234567/octo-app', '--branch', 'main', '--region', 'eu-west-1'], 1, /has only one of the owner ID and the repository ID/],
  ])('refuses %p and writes nothing', (args, code, message) => {
    const run = cli(args, {}, dir => fs.writeFileSync(path.join(dir, 'README.md'), 'not a directory'));
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^cdk-github-actions-oidc: /);
    expect(run.stdout).toBe('');
    expect(files(run.dir).filter(file => file !== 'README.md')).toEqual([]);
  });

  test('takes a repository in the immutable ID form', () => {
    const run = cli(['--repo', 'octo-org@1234567/octo-app@89012345', '--branch', 'main', '--region', 'eu-west-1']);
    expect(run.code).toBe(0);
    const policy = deployedTrustPolicy(outputs(run).template);
    expect(admits(policy, { sub: 'repo:octo-org@1234567/octo-app@89012345:ref:refs/heads/main' })).toBe(true);
    expect(admits(policy, { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(false);
  });

  test('says where a Region came from', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main'], { AWS_REGION: 'eu-wst-1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown Region 'eu-wst-1' \(from AWS_REGION\): did you mean 'eu-west-1'\?/);
  });

  test.each([
    ['a link to nothing in place of the workflow', (dir: string) => {
      fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
      fs.symlinkSync(path.join(dir, 'nowhere.yml'), path.join(dir, '.github', 'workflows', 'github-actions-oidc.yml'));
    }],
    ['a link in place of the template', (dir: string) => {
      fs.writeFileSync(path.join(dir, 'elsewhere.yaml'), 'kept');
      fs.symlinkSync(path.join(dir, 'elsewhere.yaml'), path.join(dir, 'github-actions-oidc.template.yaml'));
    }],
  ])('writes nothing, and through no link, where %s stands', (_what, prepare) => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1'], {}, prepare);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Not overwriting .*: it exists \(or is a link\) and differs/);
    expect(fs.existsSync(path.join(run.dir, 'github-actions-oidc.template.yaml')) && !fs.lstatSync(path.join(run.dir, 'github-actions-oidc.template.yaml')).isSymbolicLink()).toBe(false);
    if (fs.existsSync(path.join(run.dir, 'elsewhere.yaml'))) expect(fs.readFileSync(path.join(run.dir, 'elsewhere.yaml'), 'utf8')).toBe('kept');
  });

  test('refuses an --out whose .github is a file, before writing anything', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1'], {}, dir => fs.writeFileSync(path.join(dir, '.github'), ''));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Invalid --out '\.': .*\.github is a file, not a directory/);
    expect(files(run.dir)).toEqual(['.github']);
  });

  test('runs the job in the environment named, where the role trusts environments by pattern', () => {
    const refused = cli(['--repo', 'octo-org/octo-app', '--environment', 'prod-*', '--region', 'eu-west-1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/name it with --job-environment, such as 'production'/);
    const run = cli(['--repo', 'octo-org/octo-app', '--environment', 'prod-*', '--job-environment', 'prod-eu', '--region', 'eu-west-1']);
    expect(run.code).toBe(0);
    const { template, workflow } = outputs(run);
    expect(workflow.jobs.deploy.environment).toBe('prod-eu');
    expect(admits(deployedTrustPolicy(template), { sub: 'repo:octo-org/octo-app:environment:prod-eu' })).toBe(true);
  });

  test('takes a Region newer than this version when told to', () => {
    const run = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'xy-north-9', '--allow-unknown-region']);
    expect(run.code).toBe(0);
    expect(outputs(run).workflow.jobs.deploy.steps[1].with['aws-region']).toBe('xy-north-9');
  });

  test('writes each filter once for several repositories', () => {
    const run = cli(['--repo', 'a/x', '--repo', 'a/y', '--branch', 'main', '--tag', 'v*', '--region', 'eu-west-1']);
    expect(run.code).toBe(0);
    expect(outputs(run).workflow.on.push).toEqual({ branches: ['main'], tags: ['v**'] });
  });

  test('never overwrites a file that differs, unless told to', () => {
    const first = cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1']);
    const before = fs.readFileSync(path.join(first.dir, 'github-actions-oidc.template.yaml'), 'utf8');
    const again = (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = runCli(args, { env: {}, cwd: first.dir, stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
      return { code, stdout, stderr };
    };
    expect(again(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1']).code).toBe(0);
    const refused = again(['--repo', 'octo-org/octo-app', '--branch', 'dev', '--region', 'eu-west-1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not overwriting .*github-actions-oidc\.template\.yaml and .*github-actions-oidc\.yml: it exists \(or is a link\) and differs from what this run would write\. .* or add --force\./);
    expect(fs.readFileSync(path.join(first.dir, 'github-actions-oidc.template.yaml'), 'utf8')).toBe(before);
    expect(again(['--repo', 'octo-org/octo-app', '--branch', 'dev', '--region', 'eu-west-1', '--force']).code).toBe(0);
    expect(fs.readFileSync(path.join(first.dir, 'github-actions-oidc.template.yaml'), 'utf8')).not.toBe(before);
  });

  test('runs as a program: node lib/cli.js, with exit codes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bin-'));
    const bin = path.join(__dirname, '..', 'lib', 'cli.js');
    const ok = spawnSync(process.execPath, [bin, '--repo', 'octo-org/octo-app', '--pull-request', '--region', 'us-east-2'], { cwd: dir, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Next steps:');
    expect(files(dir)).toEqual(['.github/workflows/github-actions-oidc.yml', 'github-actions-oidc.template.yaml']);
    const bad = spawnSync(process.execPath, [bin, '--repo', 'octo-org/octo-app'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('No subject given');
  });
});

describe('template validation', () => {
  // aws-cdk-lib's own template validation takes most of a run; the command skips it unless
  // CDK_VALIDATION=true, and its templates go through cfn-lint in this suite instead.
  function validationDuringSynth(env: { [name: string]: string }): Array<string | undefined> {
    const seen: Array<string | undefined> = [];
    const synth = App.prototype.synth;
    const spy = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App, ...args) {
      seen.push(process.env.CDK_VALIDATION);
      return synth.apply(this, args);
    });
    try {
      expect(cli(['--repo', 'octo-org/octo-app', '--branch', 'main', '--region', 'eu-west-1'], env).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    return seen;
  }

  test('is off by default, on with CDK_VALIDATION=true, and the environment is left as it was', () => {
    const before = process.env.CDK_VALIDATION;
    expect(validationDuringSynth({})).toEqual(['false']);
    expect(validationDuringSynth({ CDK_VALIDATION: 'true' })).toEqual(['true']);
    expect(process.env.CDK_VALIDATION).toBe(before);
  });
});
