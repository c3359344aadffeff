import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcrPushRole, GitHubActionsRole, GitHubIssuer, GitHubOidcProvider, GitHubRepository } from '../src';
import { newStack, synth } from './util';

// cdk-nag's AwsSolutions pack (pinned) over stacks that use every construct and option.
// The only acknowledgment is the finding that ECR makes inherent, with its reason here.

const app = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: '89012345' });

/** Every unacknowledged finding, errors and warnings alike, as 'path: rule'. */
function findings(stack: Stack): string[] {
  synth(stack);
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.flatMap(violation =>
    violation.violatingResources.map(resource => `${resource.constructPath}: ${violation.ruleName}`));
}

/** ecr:GetAuthorizationToken takes no resource but '*'; aws-cdk-lib's grant adds exactly that. */
function suppressAuthorizationToken(role: EcrPushRole): void {
  Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: "ecr:GetAuthorizationToken supports only the '*' resource; every other ECR action is granted on the repositories.",
  });
}

function everything(stack: Stack): EcrPushRole {
  const provider = new GitHubOidcProvider(stack, 'GitHub', { audiences: ['sts.amazonaws.com', 'https://github.com/octo-org'] });
  const enterprise = GitHubOidcProvider.fromAccount(stack, 'Enterprise', { issuer: GitHubIssuer.enterpriseCloud('octo-enterprise') });
  const parameter = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'octo-app/config' });
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter', 'logs:CreateLogGroup'], resources: [parameter, logGroup(stack)] })],
  });
  const readConfig = new iam.ManagedPolicy(stack, 'ReadConfig', {
    statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter] })],
  });
  const role = new GitHubActionsRole(stack, 'Deploy', {
    provider,
    subjects: [app.branch('main'), app.environment('production'), app.tag('v*')],
    audience: 'https://github.com/octo-org',
    roleName: 'octo-app-deploy',
    description: 'Deploys octo-app',
    path: '/ci/',
    permissionsBoundary: boundary,
    managedPolicies: [readConfig],
    inlinePolicies: {
      logs: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [logGroup(stack)] })] }),
    },
    maxTrustPolicySize: 4096,
    outputs: true,
  });
  role.addSubject(app.pullRequest());
  new GitHubActionsRole(stack, 'EnterpriseRole', { provider: enterprise, subjects: [GitHubRepository.of('octo-org', 'infra').branch('main')] });
  const images = new ecr.Repository(stack, 'Images', { repositoryName: 'octo-app', imageScanOnPush: true });
  const shared = ecr.Repository.fromRepositoryArn(stack, 'Shared', 'arn:aws:ecr:us-east-1:111111111111:repository/shared/base');
  return new EcrPushRole(stack, 'Push', {
    provider,
    subjects: [app.branch('main')],
    repositories: [images, shared],
    outputs: true,
  });
}

function logGroup(stack: Stack): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'octo-app', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

describe('cdk-nag AwsSolutions', () => {
  test('finds nothing unsuppressed in a stack that uses every construct and option', () => {
    const stack = newStack();
    suppressAuthorizationToken(everything(stack));
    expect(findings(stack)).toEqual([]);
  });

  test('an ECR push-only role, without pull', () => {
    const stack = newStack();
    const role = new EcrPushRole(stack, 'Push', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
      subjects: [app.tag('v*')],
      repositories: [new ecr.Repository(stack, 'Images')],
      allowPull: false,
    });
    suppressAuthorizationToken(role);
    expect(findings(stack)).toEqual([]);
  });

  test('flags exactly the GetAuthorizationToken wildcard when it is not suppressed', () => {
    // Sanity case: proves the pinned cdk-nag still sees the role's policies.
    const stack = newStack();
    new EcrPushRole(stack, 'Push', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
      subjects: [app.branch('main')],
      repositories: [new ecr.Repository(stack, 'Images')],
    });
    expect(findings(stack)).toEqual(['Ci/Push/DefaultPolicy/Resource: AwsSolutions-IAM5[Resource::*]']);
  });
});
