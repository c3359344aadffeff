import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { filesIn as written, runIn as cli } from './cli-run';
import { admits, GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { ACCOUNT, keepWorkflow, keepYamlTemplate } from './util';
import { manifestJsonSchema } from '../src/cli/manifest/manifest-schema';
import { assignStacks, STACK_LIMITS } from '../src/cli/manifest/stack-plan';

// `--config`: a manifest of roles becomes templates within CloudFormation's limits, a workflow per
// repository and role, and an assignment of roles to stacks that never moves a role.

/** A template's role trust policies as deployed in ACCOUNT: the provider's Ref or constructed ARN becomes its ARN. */
function trustPolicies(template: any): any[] {
  const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`;
  return Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Role').map(role => {
    const document = JSON.parse(JSON.stringify(role.Properties.AssumeRolePolicyDocument));
    for (const statement of document.Statement) statement.Principal.Federated = arn;
    return { name: role.Properties.RoleName, document };
  });
}

const MANIFEST = `# Roles for GitHub Actions in octo-org
region: eu-west-1
roles:
  - name: octo-app-deploy
    repositories:
      - octo-org/octo-app
      - { name: octo-org/octo-api, repositoryId: "89012345" }
    environments: [production]
    conditions:
      ref: refs/heads/main
      notActors: ["dependabot[bot]"]
  - name: octo-app-images
    repositories: [octo-org/octo-app]
    branches: [main]
    mergeQueues: [main]
    ecrRepositories: [octo-app]
  - name: octo-docs-preview
    repositories: ["octo-org@1234567/octo-docs@7654321"]
    pullRequests: true
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

describe('a manifest of roles', () => {
  test('writes one template, a workflow per repository and role, and the assignment; every role admits exactly its runs', () => {
    const run = cli(['--config', 'roles.yaml'], { 'roles.yaml': MANIFEST });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(written(run.dir)).toEqual([
      'github-actions-oidc.stacks.json',
      'github-actions-oidc.template.yaml',
      'roles.yaml',
      'workflows/octo-org/octo-api/.github/workflows/octo-app-deploy.yml',
      'workflows/octo-org/octo-app/.github/workflows/octo-app-deploy.yml',
      'workflows/octo-org/octo-app/.github/workflows/octo-app-images.yml',
      'workflows/octo-org/octo-docs/.github/workflows/octo-docs-preview.yml',
    ]);
    const template = parse(keepYamlTemplate(fs.readFileSync(path.join(run.dir, 'github-actions-oidc.template.yaml'), 'utf8')));
    const policies = Object.fromEntries(trustPolicies(template).map(({ name, document }) => [name, document]));
    expect(Object.keys(policies).sort()).toEqual(['octo-app-deploy', 'octo-app-images', 'octo-docs-preview']);

    const request = (sub: string, claims: { [claim: string]: string } = {}) => ({
      issuer: GITHUB_ISSUER,
      contextVariables: {
        [`${GITHUB_ISSUER}:sub`]: sub,
        [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com',
        ...Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${GITHUB_ISSUER}:${claim}`, value])),
      },
    });
    const deploy = policies['octo-app-deploy'];
    const production = { ref: 'refs/heads/main', actor: 'octocat' };
    expect(simulateWebIdentity(deploy, request('repo:octo-org/octo-app:environment:production', production))).toBe('Allowed');
    expect(simulateWebIdentity(deploy, request('repo:octo-org/octo-api:environment:production', { ...production, repository_id: '89012345' }))).toBe('Allowed');
    expect(simulateWebIdentity(deploy, request('repo:octo-org/octo-api:environment:production', { ...production, repository_id: '1' }))).not.toBe('Allowed');
    expect(simulateWebIdentity(deploy, request('repo:octo-org/octo-app:environment:production', { ...production, ref: 'refs/heads/dev' }))).not.toBe('Allowed');
    expect(simulateWebIdentity(deploy, request('repo:octo-org/octo-app:environment:production', { ...production, actor: 'dependabot[bot]' }))).not.toBe('Allowed');
    expect(admits(policies['octo-app-images'], { sub: 'repo:octo-org/octo-app:ref:refs/heads/main' })).toBe(true);
    expect(admits(policies['octo-app-images'], { sub: 'repo:octo-org/octo-app:ref:refs/heads/gh-readonly-queue/main/pr-1-abc' })).toBe(true);
    expect(admits(policies['octo-app-images'], { sub: 'repo:octo-org/octo-app:pull_request' })).toBe(false);
    expect(admits(policies['octo-docs-preview'], { sub: 'repo:octo-org@1234567/octo-docs@7654321:pull_request' })).toBe(true);
    expect(admits(policies['octo-docs-preview'], { sub: 'repo:octo-org/octo-docs:pull_request' })).toBe(false);

    // octo-app has two roles: each workflow reads its role's ARN from its own variable.
    const images = parse(keepWorkflow(fs.readFileSync(path.join(run.dir, 'workflows/octo-org/octo-app/.github/workflows/octo-app-images.yml'), 'utf8')));
    expect(images.jobs.push.steps[1].with['role-to-assume']).toBe('${{ vars.AWS_ROLE_ARN_OCTO_APP_IMAGES }}');
    expect(images.on.merge_group.branches).toEqual(['main']);
    const api = keepWorkflow(fs.readFileSync(path.join(run.dir, 'workflows/octo-org/octo-api/.github/workflows/octo-app-deploy.yml'), 'utf8'));
    expect(parse(api).jobs.deploy.steps[1].with['role-to-assume']).toBe('${{ vars.AWS_ROLE_ARN }}');
    keepWorkflow(fs.readFileSync(path.join(run.dir, 'workflows/octo-org/octo-app/.github/workflows/octo-app-deploy.yml'), 'utf8'));
    keepWorkflow(fs.readFileSync(path.join(run.dir, 'workflows/octo-org/octo-docs/.github/workflows/octo-docs-preview.yml'), 'utf8'));

    expect(run.stdout).toContain('aws cloudformation deploy --template-file github-actions-oidc.template.yaml --stack-name github-actions-oidc');
    expect(run.stdout).not.toContain('--s3-bucket');
    // The same manifest again writes the same files: nothing to overwrite.
    expect(cli(['--config', 'roles.yaml'], {}, run.dir).code).toBe(0);
  });

  test('JSON works as well as YAML', () => {
    const json = JSON.stringify({ region: 'us-east-1', roles: [{ name: 'ci', repositories: ['octo-org/octo-app'], branches: ['main'] }] });
    const run = cli(['--config', 'roles.json'], { 'roles.json': json });
    expect(run.stderr).toBe('');
    expect(written(run.dir)).toContain('workflows/octo-org/octo-app/.github/workflows/ci.yml');
  });

  test('every mistake is reported with its file, line and column and the fix, and nothing is written', () => {
    const manifest = [
      'region: eu-west-1',
      'roles:',
      '  - name: deploy',
      '    repositories: [octo-org/octo-app, "octo-org/octo-*"]',
      '    branchs: [main]',
      '    tags: v*',
      '  - name: Deploy',
      '    repositories: [octo-org/other]',
      '    environments: [production]',
      '    conditions: { actor: "octo cat" }',
      '',
    ].join('\n');
    const run = cli(['--config', 'roles.yaml'], { 'roles.yaml': manifest });
    expect(run.code).toBe(2);
    expect(written(run.dir)).toEqual(['roles.yaml']);
    const problems = run.stderr.split('\n').filter(line => line.startsWith('  roles.yaml:'));
    expect(problems).toEqual([
      "  roles.yaml:5:5: 'roles.0.branchs' is not a field of 'roles.0': did you mean 'branches'?",
      "  roles.yaml:6:11: 'roles.0.tags' should be a list, such as ['v*'] (tags whose runs may assume it).",
    ]);
    expect(run.stderr).toMatch(/^cdk-github-actions-oidc: The manifest has 2 mistakes; nothing was written:/);

    // Once the shape is right, the values go through the library's builders, each reported where it stands.
    const shaped = manifest.replace('branchs', 'branches').replace('tags: v*', 'tags: ["v*"]');
    const second = cli(['--config', 'roles.yaml'], { 'roles.yaml': shaped });
    expect(second.code).toBe(2);
    const values = second.stderr.split('\n').filter(line => line.startsWith('  roles.yaml:'));
    expect(values).toHaveLength(3);
    expect(values[0]).toMatch(/^ {2}roles\.yaml:4:39: Invalid GitHub repository 'octo-\*': wildcards/);
    expect(values[1]).toMatch(/^ {2}roles\.yaml:7:11: the role name 'Deploy' is also used at roles\.yaml:3:11: IAM role names are unique/);
    expect(values[2]).toMatch(/^ {2}roles\.yaml:10:26: Invalid GitHub actor 'octo cat'/);
    expect(written(second.dir)).toEqual(['roles.yaml']);
  });

  test('flags that describe a role are refused next to --config', () => {
    const run = cli(['--config', 'roles.yaml', '--branch', 'main'], { 'roles.yaml': MANIFEST });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--config takes the roles from the manifest: give --branch there instead.');
  });

  test('the schema is published as JSON Schema for editors, with every field described', () => {
    const schema: any = manifestJsonSchema();
    expect(schema.required).toEqual(['roles']);
    const role = schema.properties.roles.items;
    expect(role.required).toEqual(['name', 'repositories']);
    expect(Object.keys(role.properties)).toContain('mergeQueues');
    expect(Object.values<any>(role.properties).every(field => typeof field.description === 'string' && field.description.length > 0)).toBe(true);
  });
});

describe('many roles: CloudFormation limits by construction, and no role ever moves', () => {
  const manifestOf = (names: string[]) => `region: us-east-1\nroles:\n${names.map(name =>
    `  - { name: ${name}, repositories: [octo-org/${name}], branches: [main], tags: ["v*"] }`).join('\n')}\n`;
  const names = (count: number, prefix = 'app') => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const assignment = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'github-actions-oidc.stacks.json'), 'utf8'));

  test('200 roles fill stacks within the limits; a role added at the front and one removed move no other role', () => {
    const first = cli(['--config', 'roles.yaml'], { 'roles.yaml': manifestOf(names(200)) });
    expect(first.stderr).toBe('');
    const before = assignment(first.dir);
    expect(before.stacks.map((s: any) => s.roles.length)).toEqual([95, 95, 10]);
    for (const stack of before.stacks) {
      const template = parse(fs.readFileSync(path.join(first.dir, `${stack.name}.template.yaml`), 'utf8'));
      expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(500);
      expect(Object.keys(template.Outputs).length).toBeLessThanOrEqual(200);
      // Every role of every stack trusts its own repository's main branch and no other repository.
      for (const { name, document } of trustPolicies(template)) {
        expect(admits(document, { sub: `repo:octo-org/${name}:ref:refs/heads/main` })).toBe(true);
        expect(admits(document, { sub: `repo:octo-org/${name}-evil:ref:refs/heads/main` })).toBe(false);
      }
    }
    keepYamlTemplate(fs.readFileSync(path.join(first.dir, `${before.stacks[1].name}.template.yaml`), 'utf8'));
    expect(first.stdout).toMatch(/--s3-bucket BUCKET/);
    expect(first.stdout).toMatch(/over the 51200 bytes CloudFormation takes directly/);

    const changed = [...names(1, 'new'), ...names(200).filter(name => name !== 'app-0100')];
    const second = cli(['--config', 'roles.yaml', '--force'], { 'roles.yaml': manifestOf(changed) }, first.dir);
    expect(second.stderr).toBe('');
    const after = assignment(second.dir);
    for (const [i, stack] of before.stacks.entries()) {
      expect(after.stacks[i].name).toBe(stack.name);
      expect(after.stacks[i].roles).toEqual([...stack.roles.filter((name: string) => name !== 'app-0100'), ...(i === 1 ? ['new-0000'] : [])]);
    }
  }, 120_000);

  test('assignStacks: for any history of additions and removals, no role moves and no stack overflows', () => {
    const step = fc.record({ add: fc.array(fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/), ecr: fc.nat(3) }), { maxLength: 60 }), remove: fc.nat(20) });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), history => {
      let current: Array<{ name: string; resources: number; outputs: number; bytes: number }> = [];
      let previous: ReturnType<typeof assignStacks> | undefined;
      for (const { add, remove } of history) {
        current = current.filter((_, i) => i % 21 !== remove);
        for (const role of add) {
          const cost = { name: role.name, resources: 2 + role.ecr, outputs: 2 + role.ecr, bytes: 3000 };
          if (!current.some(r => r.name === role.name)) current.push(cost);
        }
        const next = assignStacks(current, 'ci', previous);
        const where = (a: typeof next) => new Map(a.stacks.flatMap(stack => stack.roles.map(role => [role, stack.name] as const)));
        if (previous) for (const [role, stack] of where(previous)) if (current.some(r => r.name === role)) expect(where(next).get(role)).toBe(stack);
        expect([...where(next).keys()].sort()).toEqual(current.map(r => r.name).sort());
        for (const stack of next.stacks) {
          const roles = stack.roles.map(name => current.find(r => r.name === name)!);
          expect(roles.reduce((t, r) => t + r.resources, 0)).toBeLessThanOrEqual(STACK_LIMITS.resources);
          expect(roles.reduce((t, r) => t + r.outputs, 0)).toBeLessThanOrEqual(STACK_LIMITS.outputs);
        }
        previous = next;
      }
    }), { numRuns: Number(process.env.FC_RUNS ?? 100) });
  });
});
