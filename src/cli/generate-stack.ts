import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitHubClaimCondition } from '../claim-condition';
import { CliOptions } from './generate-options';
import { App, CfnOutput, DefaultStackSynthesizer, Stack } from '../private/aws-cdk-lib';
import { toYaml } from '../private/yaml-text';
import { GitHubOidcProvider } from '../provider';
import { GitHubActionsRole } from '../role';
import { GitHubRepository } from '../subject';
import { buildRole } from './role-spec';

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

    const provider = options.stackSet ? GitHubOidcProvider.createdOrReused(stack, 'GitHub')
      : options.existingProvider ? GitHubOidcProvider.fromAccount(stack, 'GitHub')
        : new GitHubOidcProvider(stack, 'GitHub');
    new CfnOutput(stack, 'ProviderArn', {
      value: provider.oidcProviderArn,
      description: 'ARN of the IAM OIDC provider for GitHub Actions',
    });

    const role = buildRole(stack, 'Role', provider, {
      ...options,
      repositories: repositoriesOf(options),
      claimConditions: options.notActors.map(login => GitHubClaimCondition.notActor(login)),
    }, '');

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

/**
 * Synthesizes the app, without aws-cdk-lib's template validation unless asked: it checks the
 * template against CloudFormation's resource schemas and takes most of a run's time, and every
 * template shape this command writes passes cfn-lint in the project's tests. The library's own
 * checks (names, subjects, the trust policy's size, the workflow) run either way.
 */
export function synthesize(app: App, validateTemplate: boolean) {
  const saved = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = validateTemplate ? 'true' : 'false';
  try {
    return app.synth();
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
}
