import * as fs from 'fs';
import * as path from 'path';
import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  EcrPushRole, GitHubActionsRole, GitHubClaim, GitHubClaimCondition, GitHubIssuer, GitHubOidcProvider, GitHubRepository, GitHubSubject,
} from '../src';
import { keepWorkflow, newStack, synth } from './util';

// The reference templates and workflows for the binding suites: test/python/test_bindings.py,
// test/java (BindingsTest.java) and test/go (bindings_test.go) build the same stacks through
// the wheel, the Maven package and the Go module and must get identical ones. Keep all in step
// with test/python/apps/scenarios.py, test/java/.../Scenarios.java and test/go/scenarios_test.go.
const OUT_DIR = path.join(__dirname, '..', 'test-reports', 'cross-language');

// Each scenario returns the role whose rendered workflow is compared too.
const scenarios: { [name: string]: (stack: Stack) => GitHubActionsRole } = {
  'provider-and-role': stack => {
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    const app = GitHubRepository.of('octo-org', 'octo-app');
    const role = new GitHubActionsRole(stack, 'Deploy', {
      provider,
      subjects: [app.branch('main'), app.environment('production'), app.tag('v*')],
      roleName: 'octo-app-deploy',
    });
    role.addSubject(app.pullRequest());
    return role;
  },
  'enterprise-import': stack => {
    const issuer = GitHubIssuer.enterpriseServer('github.example.com');
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer });
    const app = GitHubRepository.of('platform', 'infra', { ownerId: '1001', repositoryId: '2002' });
    return new GitHubActionsRole(stack, 'Deploy', { provider, subjects: [app.environment('prod:eu')] });
  },
  'reusable-workflow': stack => {
    const provider = GitHubOidcProvider.fromProviderArn(stack, 'GitHub',
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    const subject = GitHubSubject.fromClaims([
      GitHubClaim.repo(GitHubRepository.fromFullName('octo-org/octo-app')),
      GitHubClaim.environment('production'),
      GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/tags/v*'),
    ]);
    return new GitHubActionsRole(stack, 'Deploy', {
      provider,
      subjects: [subject, GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/heads/main')],
    });
  },
  'ecr-push': stack => {
    const provider = new GitHubOidcProvider(stack, 'GitHub');
    const images = new ecr.Repository(stack, 'Images', { repositoryName: 'octo-app' });
    const shared = ecr.Repository.fromRepositoryArn(stack, 'Shared', 'arn:aws:ecr:us-east-1:111111111111:repository/shared/base');
    const app = GitHubRepository.of('octo-org', 'octo-app');
    return new EcrPushRole(stack, 'Push', {
      provider,
      subjects: [app.branch('main'), app.tag('v*')],
      repositories: [images, shared],
      allowPull: false,
      outputs: true,
    });
  },
  'deploy-time-values': stack => {
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
    const owner = new CfnParameter(stack, 'Owner', { default: 'octo-org' }).valueAsString;
    const app = GitHubRepository.of(owner, 'octo-app');
    const images = ecr.Repository.fromRepositoryName(stack, 'Images', Fn.importValue('ImagesRepositoryName'));
    return new EcrPushRole(stack, 'Push', {
      provider,
      subjects: [app.tag('v*'), app.environment(new CfnParameter(stack, 'Environment').valueAsString)],
      repositories: [images],
    });
  },
  'claim-conditions': stack => {
    const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
    const app = GitHubRepository.of('octo-org', 'octo-app', { repositoryId: '89012345' });
    return new GitHubActionsRole(stack, 'Deploy', {
      provider,
      subjects: [
        app.mergeQueue('main'),
        app.environment('production').withConditions(
          GitHubClaimCondition.ref('refs/heads/main'),
          GitHubClaimCondition.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
        ),
      ],
      claimConditions: [GitHubClaimCondition.notActor('dependabot[bot]')],
      roleName: 'octo-app-deploy',
    });
  },
};

describe('reference templates for the Python, Java and Go bindings', () => {
  test.each(Object.keys(scenarios))('%s', name => {
    const stack = newStack();
    const role = scenarios[name](stack);
    const template = synth(stack).toJSON();
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUT_DIR, `${name}.json`), JSON.stringify(template, null, 1));
    fs.writeFileSync(path.join(OUT_DIR, `${name}.workflow.yml`), keepWorkflow(role.renderWorkflow()));
  });
});
