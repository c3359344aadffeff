import { Construct } from 'constructs';
import { arnAtSynth, isPseudoParameter, knownPartitionAndAccount, REGION, regionPartition } from './private/arns';
import { Arn, ArnFormat, aws_ecr as ecr, CfnOutput, Stack, Token } from './private/aws-cdk-lib';
import { rejectWildcardNextToToken } from './private/github-names';
import { assertNoDynamicReference, escapeDeployTimeParts } from './private/iam-strings';
import { workflowRenderer } from './private/on-first-use';
import type { WorkflowStep } from './private/workflow-document';
import { GitHubActionsRole, GitHubActionsRoleProps } from './role';
import { GitHubWorkflowOptions } from './workflow';

// ECR's repository-name rule: lowercase parts separated by '.', '_', '-' or '/'.
const ECR_REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Properties of a role that GitHub Actions workflows assume to push container images.
 */
export interface EcrPushRoleProps extends GitHubActionsRoleProps {
  /**
   * The ECR repositories the role may push to: created in the app, or imported,
   * also from another account (its repository policy must then allow this role too).
   */
  readonly repositories: ecr.IRepository[];

  /**
   * Whether the role may also pull from the repositories, as `docker build` does
   * for cached layers and base images kept there.
   *
   * @default true
   */
  readonly allowPull?: boolean;
}

/**
 * A GitHub Actions role that may push images to chosen ECR repositories, and nothing else.
 *
 * Permissions come from aws-cdk-lib's own repository grants: push (and pull) on
 * each repository, and `ecr:GetAuthorizationToken`, the one action ECR only
 * grants on `*`. No `ecr:*`, no delete.
 *
 * @example
 * declare const stack: Stack;
 * declare const provider: GitHubOidcProvider;
 * const images = new ecr.Repository(stack, 'Images', { repositoryName: 'octo-app' });
 * const app = GitHubRepository.of('octo-org', 'octo-app');
 * new EcrPushRole(stack, 'Push', {
 *   provider,
 *   subjects: [app.branch('main'), app.tag('v*')],
 *   repositories: [images],
 * });
 */
export class EcrPushRole extends GitHubActionsRole {
  /**
   * The repositories the role may push to.
   */
  public readonly repositories: ecr.IRepository[];

  /**
   * @param scope the construct that contains the role
   * @param id the role's construct ID, unique within its scope
   * @param props the role's properties
   */
  public constructor(scope: Construct, id: string, props: EcrPushRoleProps) {
    super(scope, id, props);
    this.repositories = validateRepositories(this, props.repositories);
    this.repositories.forEach((repository, index) => {
      const target = this.grantTarget(repository, index);
      if (props.allowPull ?? true) {
        target.grantPullPush(this);
      } else {
        target.grantPush(this);
      }
      if (props.outputs) {
        new CfnOutput(this, `RepositoryUri${index + 1}`, {
          value: repository.repositoryUri,
          description: `URI of an ECR repository that ${this.node.path} may push to`,
        });
      }
    });
  }

  /**
   * The repository to grant on: the repository itself when its ARN is created in the
   * app or known at synth time; otherwise the same repository with the ARN's values
   * known only at deployment escaped, so that a `*` or `?` in them matches only itself.
   */
  private grantTarget(repository: ecr.IRepository, index: number): ecr.IRepository {
    if (repository instanceof ecr.Repository || !Token.isUnresolved(repository.repositoryArn)) return repository;
    const arn = escapeDeployTimeParts(repository.repositoryArn, token => isPseudoParameter(this, token));
    if (arn === repository.repositoryArn) return repository;
    return ecr.Repository.fromRepositoryAttributes(this, `Repository${index + 1}`, {
      repositoryArn: arn,
      repositoryName: repository.repositoryName,
    });
  }

  /**
   * The YAML text of a GitHub Actions workflow that assumes this role, logs in to
   * Amazon ECR, and builds and pushes an image to each repository, tagged with the commit SHA.
   *
   * @example
   * declare const role: EcrPushRole;
   * const yaml = role.renderWorkflow({ region: 'eu-west-1' });
   */
  public renderWorkflow(options: GitHubWorkflowOptions = {}): string {
    const stack = Stack.of(this);
    const variables: { [name: string]: string } = {};
    const unnamed = this.repositories.filter(repository => literalRepositoryName(repository) === undefined);
    const otherAccounts = new Set<string>();

    const pushCommands = this.repositories.map(repository => {
      let name = literalRepositoryName(repository);
      if (name === undefined) {
        const variable = unnamed.length === 1 ? 'ECR_REPOSITORY' : `ECR_REPOSITORY_${unnamed.indexOf(repository) + 1}`;
        variables[variable] = `the name of the ECR repository ${repository.node.path}`;
        name = `\${{ vars.${variable} }}`;
      }
      const { account, region } = repository.env;
      let registry = '${{ steps.ecr.outputs.registry }}';
      if (!Token.isUnresolved(account) && account !== stack.account) {
        otherAccounts.add(account);
        const registryRegion = Token.isUnresolved(region) ? options.region ?? stack.region : region;
        registry = `${account}.dkr.ecr.${registryRegion}.${regionPartition(registryRegion)?.domainSuffix ?? 'amazonaws.com'}`;
      }
      const image = `${registry}/${name}:\${{ github.sha }}`;
      return [`docker tag "$IMAGE" "${image}"`, `docker push "${image}"`];
    });

    const { ACTIONS, renderWorkflowDocument } = workflowRenderer();
    const setupSteps: WorkflowStep[] = [{ name: 'Log in to Amazon ECR', id: 'ecr', uses: ACTIONS.amazonEcrLogin }];
    if (otherAccounts.size > 0) {
      setupSteps.push({
        name: 'Log in to Amazon ECR in other accounts',
        uses: ACTIONS.amazonEcrLogin,
        with: { registries: [...otherAccounts].join(',') },
      });
    }

    return renderWorkflowDocument({
      ...this._workflowSpec(),
      defaultName: 'Push to Amazon ECR',
      jobId: 'push',
      setupSteps,
      defaultSteps: [{
        name: 'Build and push the image',
        env: { IMAGE: 'image:${{ github.sha }}' },
        run: ['docker build -t "$IMAGE" .', ...pushCommands.flat()].join('\n'),
      }],
      variables,
    }, options);
  }
}

/**
 * A repository's name when known at synth time: an imported name, or the name a
 * repository created in the app was given.
 */
function literalRepositoryName(repository: ecr.IRepository): string | undefined {
  if (!Token.isUnresolved(repository.repositoryName)) return repository.repositoryName;
  const resource = repository.node.defaultChild;
  if (resource instanceof ecr.CfnRepository && resource.repositoryName && !Token.isUnresolved(resource.repositoryName)) {
    return resource.repositoryName;
  }
  return undefined;
}

function validateRepositories(scope: Construct, repositories: ecr.IRepository[]): ecr.IRepository[] {
  if (repositories.length === 0) {
    throw new Error('An EcrPushRole needs at least one repository in its repositories: the ECR repositories it may push to.');
  }
  for (const repository of repositories) {
    const name = literalRepositoryName(repository);
    if (name !== undefined && (name.length < 2 || name.length > 256 || !ECR_REPOSITORY_NAME.test(name))) {
      throw new Error(
        `Invalid ECR repository name '${name}' (${repository.node.path}): names are 2-256 lowercase letters, digits ` +
        "and '.', '_', '-' or '/' between them, such as 'octo-org/octo-app'.",
      );
    }
    const arn = repository.repositoryArn;
    assertNoDynamicReference(`ECR repository ARN (${repository.node.path})`, arn);
    const known = arnAtSynth(scope, arn);
    if (known !== undefined) {
      validateRepositoryArn(scope, repository, arn, known, name);
    } else {
      rejectWildcardNextToToken('ECR repository ARN', arn);
    }
  }
  return [...new Set(repositories)];
}

/**
 * An ARN known at synth time must name exactly one repository: the one named, in one
 * Region and account, with no wildcard that would widen the grant.
 */
function validateRepositoryArn(scope: Construct, repository: ecr.IRepository, arn: string, known: string, name: string | undefined): void {
  const parts = /^arn:aws(?:-[a-z]+)*:/.test(known) ? Arn.split(known, ArnFormat.SLASH_RESOURCE_NAME) : undefined;
  const arnName = parts?.resourceName ?? '';
  const exact = parts !== undefined && parts.service === 'ecr' && parts.resource === 'repository'
    && /^\d{12}$/.test(parts.account ?? '') && REGION.test(parts.region ?? '')
    && ECR_REPOSITORY_NAME.test(arnName);
  if (!exact) {
    throw new Error(
      `Invalid ECR repository ARN '${arn}' (${repository.node.path}): use ` +
      "'arn:<partition>:ecr:<region>:<12-digit account>:repository/<name>' for one repository, without wildcards, " +
      'so that the role may push to that repository and no other.',
    );
  }
  const partition = knownPartitionAndAccount(scope).partition;
  if (partition !== undefined && parts.partition !== partition) {
    throw new Error(
      `ECR repository ARN '${arn}' (${repository.node.path}) is in partition ${parts.partition}, but the stack deploys to ` +
      `${partition}: the grant could never apply. Give the repository's ARN in the stack's partition.`,
    );
  }
  if (name !== undefined && name !== arnName) {
    throw new Error(
      `ECR repository ${repository.node.path} is named '${name}' but its ARN '${arn}' names '${arnName}': ` +
      'the role would be granted the repository of the ARN. Give the same repository in both.',
    );
  }
}

