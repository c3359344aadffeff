import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { constructId, manifestRoles, ManifestRole, variableFor } from './manifest-roles';
import { ManifestError, readManifest } from './read-manifest';
import { assignStacks, parseAssignment, RoleCost, StackAssignment } from './stack-plan';
import { App, CfnOutput, DefaultStackSynthesizer, Stack } from '../../private/aws-cdk-lib';
import { toYaml } from '../../private/yaml-text';
import { GitHubOidcProvider, IGitHubOidcProvider } from '../../provider';
import { GitHubActionsRole } from '../../role';
import { GitHubRepository } from '../../subject';
import { CliIo, UsageError } from '../command';
import { assertWritableDirectory, present, unchanged, writeAll } from '../files';
import { checkRegion } from '../generate-options';
import { synthesize } from '../generate-stack';
import { buildRole } from '../role-spec';
import { stackSetSteps, TEMPLATE_BODY_BYTES } from '../stack-set-steps';

/** The most a template may have through S3. */
const TEMPLATE_S3_BYTES = 1_000_000;

/** What `--config` takes from the command line besides the manifest. */
export interface ManifestOptions {
  readonly config: string;
  /** From --region, $AWS_REGION or $AWS_DEFAULT_REGION; the manifest's region wins over the environment's. */
  readonly region: string;
  readonly regionFromFlag: boolean;
  readonly allowUnknownRegion: boolean;
  readonly out: string;
  readonly force: boolean;
  readonly validateTemplate: boolean;
  /** One template for a StackSet: the provider created or reused per account by a parameter. */
  readonly stackSet: boolean;
}

/**
 * `--config FILE`: the roles a manifest lists, in as many stacks as CloudFormation's limits need
 * (each role staying in the stack it was first given), and a workflow per repository and role.
 */
export function runManifest(options: ManifestOptions, io: CliIo): number {
  const file = path.resolve(io.cwd, options.config);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UsageError(`Cannot read the manifest --config '${options.config}': no such file.`);
  }
  const data = readManifest(fs.readFileSync(file, 'utf8'), options.config);
  const manifest = data.value;
  const region = options.regionFromFlag || manifest.region === undefined ? options.region : manifest.region;
  if (region === '') throw new UsageError('No AWS Region: give region in the manifest, pass --region (such as --region eu-west-1) or set AWS_REGION.');
  checkRegion(region, options.regionFromFlag ? '--region' : manifest.region !== undefined ? 'the manifest' : 'AWS_REGION', options.allowUnknownRegion);
  const stackName: string = manifest.stackName ?? 'github-actions-oidc';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,120}$/.test(stackName)) {
    throw new ManifestError([`${data.at('stackName')}: invalid stack name '${stackName}': stack names are letters, digits or '-', starting with a letter (at most 120 here, for the '-2', '-3' of more stacks).`]);
  }
  const roles = manifestRoles(data);

  const out = path.resolve(io.cwd, options.out);
  assertWritableDirectory(out, options.out);
  const assignmentFile = path.join(out, `${stackName}.stacks.json`);
  const previous = parseAssignment(fs.existsSync(assignmentFile) ? fs.readFileSync(assignmentFile, 'utf8') : undefined, assignmentFile);
  assertNotAssignedElsewhere(out, assignmentFile, roles);
  const assignment = assignStacks(roles.map(costOf), stackName, previous);
  if (options.stackSet && (assignment.stacks.length > 1 || manifest.provider === 'existing')) {
    throw new UsageError(manifest.provider === 'existing'
      ? "--stack-set decides per account whether to create the provider (parameter GitHubCreateProvider): leave out 'provider: existing'."
      : `--stack-set writes one template, and these roles need ${assignment.stacks.length} stacks: a StackSet deploys each template on its own ` +
        "schedule, so a later stack's roles could come before the first one's provider. Split the manifest into manifests that " +
        'each fit one stack (about 95 roles), the first with the provider, or deploy the provider in an own StackSet first.');
  }

  const provider = options.stackSet ? 'createdOrReused' : manifest.provider === 'existing' ? 'existing' : 'created';
  const built = buildStacks(roles, assignment, region, provider, options.validateTemplate, data.at);
  const files = new Map<string, string>();
  for (const stack of built.stacks) files.set(path.join(out, `${stack.name}.template.yaml`), stack.template);
  for (const [relative, text] of built.workflows) files.set(path.join(out, relative), text);
  files.set(assignmentFile, `${JSON.stringify(assignment, null, 2)}\n`);

  const changed = [...files].filter(([target, text]) => !unchanged(target, text));
  const existing = changed.filter(([target]) => present(target) && target !== assignmentFile);
  if (existing.length > 0 && !options.force) {
    throw new Error(
      `Not overwriting ${existing.length} file(s) that exist and differ from what this run would write, such as ${existing[0][0]}. ` +
      'Choose another --out, or add --force.',
    );
  }
  writeAll(changed);
  // The template of a stack left without roles would bring them back if deployed: it goes, and the next steps say so.
  for (const name of emptied(previous, assignment)) fs.rmSync(path.join(out, `${name}.template.yaml`), { force: true });
  io.stdout(nextSteps(built, assignment, previous, region, out, io.cwd, assignmentFile, options.stackSet));
  return 0;
}

/** The stacks of the earlier assignment that hold no role any more. */
function emptied(previous: StackAssignment | undefined, assignment: StackAssignment): string[] {
  return (previous?.stacks ?? []).map(stack => stack.name).filter(name => !assignment.stacks.some(stack => stack.name === name));
}

/**
 * Refuses a run whose roles another assignment file in --out holds (a manifest whose stackName
 * changed): the roles would be created again in new stacks, which fails while the old ones exist.
 */
function assertNotAssignedElsewhere(out: string, assignmentFile: string, roles: ManifestRole[]): void {
  const names = new Set(roles.map(role => role.name));
  for (const file of fs.existsSync(out) ? fs.readdirSync(out).filter(f => f.endsWith('.stacks.json')) : []) {
    const other = path.join(out, file);
    if (other === assignmentFile) continue;
    const assignment = parseAssignment(fs.readFileSync(other, 'utf8'), other);
    const held = assignment!.stacks.flatMap(stack => stack.roles).filter(role => names.has(role));
    if (held.length > 0) {
      throw new UsageError(
        `${other} already places ${held.slice(0, 3).join(', ')}${held.length > 3 ? ` and ${held.length - 3} more` : ''} in the stacks of ` +
        `'${file.replace(/\.stacks\.json$/, '')}': with another stackName they would be created again in new stacks, which fails while ` +
        'the old ones exist. Keep the stackName of that file, or delete its stacks and the file first.',
      );
    }
  }
}

/** What a role adds to its stack: the role, its push policy and new ECR repositories; its ARN, subjects and repository URIs. */
function costOf(role: ManifestRole): RoleCost {
  const ecr = role.spec.ecrRepositories.length;
  // A role's text in the template: its fixed text and outputs, its subjects (each in the trust policy and the subjects
  // output, the trust policy at most 4,096 characters), its conditions, its managed policies' ARNs, and for each ECR
  // repository the repository and its grants. Generous: the stack plan must never count less.
  const { repositories, branches, tags, environments, mergeQueues, pullRequest } = role.spec;
  const contexts = [...branches.map(b => `:ref:refs/heads/${b}`), ...tags.map(t => `:ref:refs/tags/${t}`),
    ...environments.map(e => `:environment:${e}`), ...mergeQueues.map(q => `:ref:refs/heads/gh-readonly-queue/${q}/pr-*/*`),
    ...(pullRequest ? [':pull_request'] : [])];
  const subjects = repositories.reduce((total, r) => total + contexts.reduce((sum, c) => sum + `repo:${r._claimValue}${c}`.length + 8, 0), 0);
  return {
    name: role.name,
    resources: 1 + (ecr > 0 ? 1 : 0) + (role.spec.existingEcrRepository ? 0 : ecr),
    outputs: 2 + ecr,
    bytes: 2_500 + 3 * Math.min(subjects, 4_096) + subjects + 2 * JSON.stringify(role.spec.claimConditions.map(String)).length
      + 2 * JSON.stringify(role.spec.managedPolicies).length + 1_500 * ecr,
  };
}

interface BuiltStack {
  readonly name: string;
  readonly template: string;
  readonly bytes: number;
  readonly resources: number;
  readonly roles: number;
}

interface Built {
  readonly stacks: BuiltStack[];
  /** Workflow path under --out to its text. */
  readonly workflows: Map<string, string>;
  readonly repositories: number;
  /** Roles held to a reusable workflow, which get no workflow. */
  readonly reusable: string[];
}

function buildStacks(
  roles: ManifestRole[], assignment: StackAssignment, region: string, providerKind: 'created' | 'existing' | 'createdOrReused', validateTemplate: boolean,
  at: (path: string) => string,
): Built {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-github-actions-oidc-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const byName = new Map(roles.map(role => [role.name, role]));
    const constructs = new Map<string, GitHubActionsRole>();
    const attempt = <T>(role: ManifestRole, build: () => T): T => {
      try {
        return build();
      } catch (error) {
        throw new ManifestError([`${at(role.path)}: role '${role.name}': ${(error as Error).message}`]);
      }
    };
    assignment.stacks.forEach((planned, i) => {
      const stack = new Stack(app, planned.name, {
        env: { region },
        synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
        description: `Roles for GitHub Actions (cdk-github-actions-oidc), ${i + 1} of ${assignment.stacks.length}`,
      });
      let provider: IGitHubOidcProvider;
      if (i === 0 && providerKind !== 'existing') {
        provider = providerKind === 'created' ? new GitHubOidcProvider(stack, 'GitHub') : GitHubOidcProvider.createdOrReused(stack, 'GitHub');
        new CfnOutput(stack, 'ProviderArn', { value: provider.oidcProviderArn, description: 'ARN of the IAM OIDC provider for GitHub Actions' });
      } else {
        provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
      }
      for (const name of planned.roles) {
        const role = byName.get(name)!;
        // IDs from names (refused where two would be the same), so that no edit of the manifest changes another's.
        const id = constructId(name);
        constructs.set(name, attempt(role, () => buildRole(stack, id, provider, role.spec, id, ecr => constructId(ecr))));
      }
    });
    const assembly = synthesize(app, validateTemplate);

    const stacks = assignment.stacks.map(planned => {
      const template = assembly.getStackByName(planned.name).template;
      const resources = Object.keys(template.Resources ?? {}).length;
      const outputs = Object.keys(template.Outputs ?? {}).length;
      const text = toYaml(template);
      const bytes = Buffer.byteLength(text, 'utf8');
      if (resources > 500 || outputs > 200 || bytes > TEMPLATE_S3_BYTES) {
        throw new Error(`Stack ${planned.name} came out with ${resources} resources, ${outputs} outputs and ${bytes} bytes, over CloudFormation's limits (500, 200, 1 MB). Please report this.`);
      }
      return { name: planned.name, template: text, bytes, resources, roles: planned.roles.length };
    });

    // One workflow per repository (by name, whichever form) and role; where a repository has several roles, each reads
    // its ARN from its own variable. A role held to a reusable workflow gets none: its jobs run that workflow.
    const key = (repository: GitHubRepository) => repository.fullName.toLowerCase();
    const rolesOf = new Map<string, string[]>();
    for (const role of roles) {
      for (const repository of role.spec.repositories) rolesOf.set(key(repository), [...new Set([...rolesOf.get(key(repository)) ?? [], role.name])]);
    }
    const workflows = new Map<string, string>();
    const reusable = roles.filter(role => role.spec.claimConditions.some(condition => condition.claim === 'job_workflow_ref')).map(role => role.name);
    for (const role of roles.filter(r => !reusable.includes(r.name))) {
      for (const repository of role.spec.repositories) {
        const variable = rolesOf.get(key(repository))!.length === 1 ? 'AWS_ROLE_ARN' : variableFor(role.name);
        const options = { region, repository, roleArnVariable: variable, workflowName: role.name };
        const text = attempt(role, () => constructs.get(role.name)!.renderWorkflow(options));
        workflows.set(path.join('workflows', repository.owner, repository.name, '.github', 'workflows', `${role.name}.yml`), text);
      }
    }
    return { stacks, workflows, repositories: rolesOf.size, reusable };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}


function nextSteps(
  built: Built, assignment: StackAssignment, previous: StackAssignment | undefined, region: string, out: string, cwd: string, assignmentFile: string,
  stackSet: boolean,
): string {
  const shown = (file: string) => (file.startsWith(`${cwd}${path.sep}`) ? path.relative(cwd, file) : file);
  const large = built.stacks.filter(stack => stack.bytes > TEMPLATE_BODY_BYTES);
  const gone = emptied(previous, assignment);
  const roles = built.stacks.reduce((total, stack) => total + stack.roles, 0);
  const kept = new Set(assignment.stacks.flatMap(stack => stack.roles));
  const leaving = (previous?.stacks ?? []).flatMap(stack => stack.roles).filter(role => !kept.has(role));
  return [
    `Wrote ${count(built.stacks.length, 'CloudFormation template')} for ${count(roles, 'role')}, and ${count(built.workflows.size, 'workflow')} ` +
      `for ${count(built.repositories, 'repository', 'repositories')}:`,
    ...built.stacks.map(stack => `  ${shown(path.join(out, `${stack.name}.template.yaml`))} (${count(stack.roles, 'role')}, ` +
      `${count(stack.resources, 'resource')}, ${stack.bytes} bytes)`),
    `  ${shown(path.join(out, 'workflows'))}/<owner>/<repository>/.github/workflows/<role>.yml`,
    `  ${shown(assignmentFile)} (which stack holds each role: commit it with the templates, so that no role ever moves)`,
    ...(leaving.length > 0 ? ['', `Roles no longer in the manifest, deleted when their stacks are deployed: ${leaving.join(', ')}.`] : []),
    ...(built.reusable.length > 0
      ? ['', `No workflow for ${built.reusable.join(', ')}: held to a reusable workflow (conditions.jobWorkflowRef), their jobs run that one.`]
      : []),
    '',
    'Next steps:',
    ...(stackSet ? [
      ...stackSetSteps(shown(path.join(out, `${built.stacks[0].name}.template.yaml`)), built.stacks[0].name, region, built.stacks[0].bytes),
      "  3. In each repository, set the repository variables its workflows' first lines name to the roles' ARNs in the account it",
      '     deploys to (arn:aws:iam::ACCOUNT:role/ROLE-NAME); where each environment deploys to another account, set them as',
      '     environment variables of each environment instead: a job in an environment reads those first.',
      `  4. Copy ${shown(path.join(out, 'workflows'))}/<owner>/<repository>/.github into each repository and commit it.`,
      '',
    ] : deploySteps()),
  ].join('\n');

  function deploySteps(): string[] {
    return [
      `  1. Deploy the stacks, ${assignment.stacks[0].name} first (it ${built.stacks.length > 1 ? 'holds the provider' : 'holds everything'}):`,
      ...built.stacks.map(stack => `     aws cloudformation deploy --template-file ${shown(path.join(out, `${stack.name}.template.yaml`))} --stack-name ${stack.name} \\\n` +
      `       --capabilities CAPABILITY_NAMED_IAM --region ${region}${stack.bytes > TEMPLATE_BODY_BYTES ? ' --s3-bucket BUCKET' : ''}`),
      ...(large.length > 0
        ? [`     ${large.map(stack => stack.name).join(', ')} ${large.length === 1 ? 'is' : 'are'} over the ${TEMPLATE_BODY_BYTES} bytes CloudFormation takes directly: ` +
        `give --s3-bucket an S3 bucket in ${region} that you can write to, and the command uploads the template there.`]
        : []),
      ...gone.map(name => `     ${name} holds no role any more (its template was removed): delete it with ` +
      `aws cloudformation delete-stack --stack-name ${name} --region ${region}`),
      "  2. In each repository, set the repository variables its workflows' first lines name to the roles' ARNs",
      '     (arn:aws:iam::ACCOUNT:role/ROLE-NAME; the stacks\' outputs list them).',
      `  3. Copy ${shown(path.join(out, 'workflows'))}/<owner>/<repository>/.github into each repository and commit it.`,
      '',
    ];
  }
}
