import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubClaimCondition } from '../claim-condition';
import { CliOptions } from './generate-options';
import { EcrPushRole } from '../ecr-push-role';
import { toYaml } from '../private/yaml-text';
import { GitHubOidcProvider } from '../provider';
import { GitHubActionsRole } from '../role';
import { GitHubRepository, GitHubSubject } from '../subject';

/**
 * What the command line produces: a deployable template and the workflow that uses its role.
 */
export interface CliResult {
  /** The CloudFormation template, as YAML. */
  readonly template: string;
  /** The GitHub Actions workflow, as YAML. */
  readonly workflow: string;
  /** How many resources the template creates. */
  readonly resourceCount: number;
  /** Stack output key -> description. */
  readonly outputs: { [key: string]: string };
}

/**
 * Builds the stack the options describe and synthesizes it. Throws on bad values
 * (with the constructs' own messages) before anything is written.
 */
export function synthesizeCliStack(options: CliOptions): CliResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-github-actions-oidc-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = new Stack(app, options.stackName, {
      env: { region: options.region },
      // A plain template: no bootstrap version check, no assets.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });

    const provider = options.existingProvider
      ? GitHubOidcProvider.fromAccount(stack, 'GitHub')
      : new GitHubOidcProvider(stack, 'GitHub');
    new CfnOutput(stack, 'ProviderArn', {
      value: provider.oidcProviderArn,
      description: 'ARN of the IAM OIDC provider for GitHub Actions',
    });

    const roleProps = {
      provider,
      subjects: subjectsOf(options),
      claimConditions: options.notActors.map(login => GitHubClaimCondition.notActor(login)),
      roleName: options.roleName,
      description: `Assumed by GitHub Actions in ${options.repositories.join(', ')}`,
      managedPolicies: options.managedPolicies.map((arn, i) => iam.ManagedPolicy.fromManagedPolicyArn(stack, `ManagedPolicy${i + 1}`, arn)),
      outputs: true,
    };
    const role: GitHubActionsRole = options.ecrRepositories.length > 0
      ? new EcrPushRole(stack, 'Role', { ...roleProps, repositories: ecrRepositories(stack, options) })
      : new GitHubActionsRole(stack, 'Role', roleProps);

    // Readable output names for the printed next steps: RoleArn rather than RoleArnFB55E7B0.
    for (const output of role.node.findAll().filter((c): c is CfnOutput => c instanceof CfnOutput)) {
      output.overrideLogicalId(`${role.node.id}${output.node.id}`);
    }
    // The role trusts the same runs of every repository: one workflow serves them all.
    const workflow = renderWorkflow(role, options);
    const template = synthesize(app, options.validateTemplate).getStackByName(stack.stackName).template;
    const outputs: { [key: string]: string } = {};
    for (const [key, output] of Object.entries<any>(template.Outputs ?? {})) {
      outputs[key] = output.Description;
    }
    return {
      template: toYaml(template),
      workflow,
      resourceCount: Object.keys(template.Resources ?? {}).length,
      outputs,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function renderWorkflow(role: GitHubActionsRole, options: CliOptions): string {
  try {
    return role.renderWorkflow({ region: options.region, repository: repositoriesOf(options)[0], environment: options.jobEnvironment });
  } catch (error) {
    // The library names its own option; the command line's is a flag.
    throw new Error((error as Error).message.replace("the workflow's environment option", '--job-environment'));
  }
}

function repositoriesOf(options: CliOptions): GitHubRepository[] {
  return options.repositories.map(name => GitHubRepository.fromFullName(name));
}

function subjectsOf(options: CliOptions): GitHubSubject[] {
  return repositoriesOf(options).flatMap(repository => [
    ...options.branches.map(branch => repository.branch(branch)),
    ...options.tags.map(tag => repository.tag(tag)),
    ...options.environments.map(environment => repository.environment(environment)),
    ...(options.pullRequest ? [repository.pullRequest()] : []),
    ...options.mergeQueues.map(base => repository.mergeQueue(base)),
  ]);
}

function ecrRepositories(stack: Stack, options: CliOptions): ecr.IRepository[] {
  return options.ecrRepositories.map((name, i) => options.existingEcrRepository
    ? ecr.Repository.fromRepositoryName(stack, `EcrRepository${i + 1}`, name)
    : new ecr.Repository(stack, `EcrRepository${i + 1}`, { repositoryName: name, imageScanOnPush: true }));
}

/**
 * Synthesizes the app, without aws-cdk-lib's template validation unless asked: it checks the
 * template against CloudFormation's resource schemas and takes most of a run's time, and every
 * template shape this command writes passes cfn-lint in the project's tests. The library's own
 * checks (names, subjects, the trust policy's size, the workflow) run either way.
 */
function synthesize(app: App, validateTemplate: boolean) {
  const saved = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = validateTemplate ? 'true' : 'false';
  try {
    return app.synth();
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
}
