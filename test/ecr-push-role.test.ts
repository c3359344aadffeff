import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { EcrPushRole, GitHubOidcProvider, GitHubRepository } from '../src';
import { newStack, synth, trustPolicy } from './util';

const app = GitHubRepository.of('octo-org', 'octo-app');
const PUSH = ['ecr:BatchCheckLayerAvailability', 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];
const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

function pushRole(stack: Stack, repositories: ecr.IRepository[], extra: { allowPull?: boolean; outputs?: boolean } = {}) {
  const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
  return new EcrPushRole(stack, 'Push', { provider, subjects: [app.branch('main'), app.tag('v*')], repositories, ...extra });
}

/** Every statement of the role's policies, as [actions, resource] pairs. */
function grants(template: Template): { actions: string[]; resource: any }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  return policies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement.map((statement: any) => ({
    actions: ([] as string[]).concat(statement.Action).sort(),
    resource: statement.Resource,
  })));
}

describe('EcrPushRole', () => {
  test('grants push and pull on the repository and only GetAuthorizationToken on *', () => {
    // GIVEN
    const stack = newStack();
    const images = new ecr.Repository(stack, 'Images', { repositoryName: 'octo-app' });
    // WHEN
    pushRole(stack, [images]);
    // THEN
    const statements = grants(synth(stack));
    expect(statements).toEqual([
      { actions: [...new Set([...PULL, ...PUSH])].sort(), resource: { 'Fn::GetAtt': [expect.stringMatching(/^Images/), 'Arn'] } },
      { actions: ['ecr:GetAuthorizationToken'], resource: '*' },
    ]);
  });

  test('never grants a wildcard action or a delete', () => {
    const stack = newStack();
    pushRole(stack, [new ecr.Repository(stack, 'Images'), ecr.Repository.fromRepositoryName(stack, 'Other', 'other')]);
    const actions = grants(synth(stack)).flatMap(statement => statement.actions);
    expect(actions.filter(action => action.includes('*') || /Delete/.test(action))).toEqual([]);
  });

  test('push only when pull is switched off', () => {
    const stack = newStack();
    pushRole(stack, [new ecr.Repository(stack, 'Images')], { allowPull: false });
    expect(grants(synth(stack))[0].actions).toEqual(PUSH);
  });

  test('grants on every repository, including one imported by ARN from another account', () => {
    const stack = newStack();
    const shared = ecr.Repository.fromRepositoryArn(stack, 'Shared', 'arn:aws:ecr:us-east-1:111111111111:repository/shared/app');
    const role = pushRole(stack, [new ecr.Repository(stack, 'Images'), shared]);
    const resources = grants(synth(stack)).map(statement => statement.resource);
    expect(resources).toContainEqual('arn:aws:ecr:us-east-1:111111111111:repository/shared/app');
    expect(role.repositories).toHaveLength(2);
  });

  test('lists a repository given twice once', () => {
    const stack = newStack();
    const images = new ecr.Repository(stack, 'Images');
    expect(pushRole(stack, [images, images]).repositories).toEqual([images]);
  });

  test('trusts its subjects like any GitHubActionsRole', () => {
    const stack = newStack();
    pushRole(stack, [new ecr.Repository(stack, 'Images')]);
    const statements = trustPolicy(synth(stack)).Statement;
    expect(statements.map((s: any) => Object.keys(s.Condition).sort())).toEqual([['StringEquals'], ['StringEquals', 'StringLike']]);
  });

  test('publishes its ARN, subjects and repository URIs as outputs when asked', () => {
    const stack = newStack();
    pushRole(stack, [new ecr.Repository(stack, 'Images'), new ecr.Repository(stack, 'Cache')], { outputs: true });
    const outputs = synth(stack).toJSON().Outputs;
    expect(Object.keys(outputs).map(key => key.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'PushArn', 'PushTrustedSubjects', 'PushRepositoryUri1', 'PushRepositoryUri2',
    ]);
    expect(outputs[Object.keys(outputs)[1]].Value).toBe('repo:octo-org/octo-app:ref:refs/heads/main, repo:octo-org/octo-app:ref:refs/tags/v*');
  });

  test('publishes no outputs by default', () => {
    const stack = newStack();
    pushRole(stack, [new ecr.Repository(stack, 'Images')]);
    synth(stack).templateMatches({ Outputs: Match.absent() });
  });

  describe('refuses', () => {
    test('no repositories', () => {
      expect(() => pushRole(newStack(), [])).toThrow(/needs at least one repository in its repositories/);
    });

    test.each(['Octo App', 'a', 'octo//app', '-octo', 'octo-app/'])('repository name %p', name => {
      const stack = newStack();
      expect(() => pushRole(stack, [ecr.Repository.fromRepositoryName(stack, 'Bad', name)]))
        .toThrow(new RegExp(`Invalid ECR repository name '${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' \\(Ci/Bad\\)`));
    });

    test('an ARN that is not an ECR repository', () => {
      const stack = newStack();
      const wrong = ecr.Repository.fromRepositoryAttributes(stack, 'Wrong', {
        repositoryName: 'octo-app',
        repositoryArn: 'arn:aws:s3:::octo-app',
      });
      expect(() => pushRole(stack, [wrong])).toThrow(/Invalid ECR repository ARN 'arn:aws:s3:::octo-app' \(Ci\/Wrong\)/);
    });
  });
});
