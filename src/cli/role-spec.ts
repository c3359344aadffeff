import { Construct } from 'constructs';
import { GitHubClaimCondition } from '../claim-condition';
import { EcrPushRole } from '../ecr-push-role';
import { aws_ecr as ecr, aws_iam as iam, CfnOutput } from '../private/aws-cdk-lib';
import { IGitHubOidcProvider } from '../provider';
import { GitHubActionsRole } from '../role';
import { GitHubRepository, GitHubSubject } from '../subject';

/**
 * One role as the command line describes it, from flags or from a manifest.
 */
export interface RoleSpec {
  readonly repositories: GitHubRepository[];
  readonly branches: string[];
  readonly tags: string[];
  readonly environments: string[];
  readonly pullRequest: boolean;
  readonly mergeQueues: string[];
  /** Conditions every subject must meet. */
  readonly claimConditions: GitHubClaimCondition[];
  readonly roleName?: string;
  readonly managedPolicies: string[];
  readonly ecrRepositories: string[];
  readonly existingEcrRepository: boolean;
}

/**
 * Adds the role to a stack, with its ARN and subjects as stack outputs named after its ID
 * (`RoleArn`, `RoleTrustedSubjects` for the ID `Role`), and the ECR repositories it pushes to (IDs
 * `<prefix>EcrRepository<ecrId>`, by position unless told: a stack of one role keeps the IDs its first version had).
 */
export function buildRole(
  scope: Construct, id: string, provider: IGitHubOidcProvider, spec: RoleSpec, prefix = id, ecrId: (name: string, index: number) => string = (_, i) => `${i + 1}`,
): GitHubActionsRole {
  const props = {
    provider,
    subjects: subjectsOf(spec),
    claimConditions: spec.claimConditions,
    roleName: spec.roleName,
    description: `Assumed by GitHub Actions in ${spec.repositories.map(r => r.fullName).join(', ')}`,
    managedPolicies: spec.managedPolicies.map((arn, i) => iam.ManagedPolicy.fromManagedPolicyArn(scope, `${prefix}ManagedPolicy${i + 1}`, arn)),
    outputs: true,
  };
  const repositories = spec.ecrRepositories.map((name, i) => spec.existingEcrRepository
    ? ecr.Repository.fromRepositoryName(scope, `${prefix}EcrRepository${ecrId(name, i)}`, name)
    : new ecr.Repository(scope, `${prefix}EcrRepository${ecrId(name, i)}`, { repositoryName: name, imageScanOnPush: true }));
  const role = repositories.length > 0
    ? new EcrPushRole(scope, id, { ...props, repositories })
    : new GitHubActionsRole(scope, id, props);
  // Readable output names for the printed next steps: RoleArn rather than RoleArnFB55E7B0.
  for (const output of role.node.findAll().filter((c): c is CfnOutput => c instanceof CfnOutput)) {
    output.overrideLogicalId(`${role.node.id}${output.node.id}`);
  }
  return role;
}

function subjectsOf(spec: RoleSpec): GitHubSubject[] {
  return spec.repositories.flatMap(repository => [
    ...spec.branches.map(branch => repository.branch(branch)),
    ...spec.tags.map(tag => repository.tag(tag)),
    ...spec.environments.map(environment => repository.environment(environment)),
    ...(spec.pullRequest ? [repository.pullRequest()] : []),
    ...spec.mergeQueues.map(base => repository.mergeQueue(base)),
  ]);
}
