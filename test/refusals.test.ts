import * as fs from 'fs';
import * as path from 'path';
import { App, CfnDynamicReference, CfnDynamicReferenceService, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  EcrPushRole,
  GitHubActionsRole,
  GitHubActionsRoleProps,
  GitHubClaim,
  GitHubIssuer,
  GitHubOidcProvider,
  GitHubRepository,
  GitHubSubject,
} from '../src';
import { ACCOUNT, newStack } from './util';

// The catalogue of input the library refuses. Every entry is a row of the README's
// "What the library refuses, and why" table (checked below), and every refusal
// happens while the app is built or synthesized — never at deployment.

interface Refusal {
  /** The first column of the README row. */
  readonly input: string;
  readonly attempt: () => unknown;
  readonly error: RegExp;
}

const app = GitHubRepository.of('octo-org', 'octo-app');

function role(props: Partial<GitHubActionsRoleProps> = {}, stack: Stack = newStack()): GitHubActionsRole {
  return new GitHubActionsRole(stack, 'Deploy', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
    subjects: [app.branch('main')],
    ...props,
  });
}

function synthesize(build: (stack: Stack) => void): void {
  const stack = newStack();
  build(stack);
  (stack.node.root as App).synth();
}

const catalogue: Refusal[] = [
  { input: 'Owner with a space', attempt: () => GitHubRepository.of('octo org', 'octo-app'), error: /Invalid GitHub owner 'octo org': owners are 1-39 letters, digits or single hyphens, not starting or ending with a hyphen \(a managed user adds '_' and the enterprise's short code, as in 'octocat_acme'\)\. Use the user or organization name as in github.com\/<owner>\./ },
  { input: 'Owner over 39 characters', attempt: () => GitHubRepository.of('o'.repeat(40), 'octo-app'), error: /Invalid GitHub owner 'o{40}'/ },
  { input: 'Owner with a leading, trailing or double hyphen', attempt: () => GitHubRepository.of('octo--org', 'octo-app'), error: /Invalid GitHub owner 'octo--org'/ },
  { input: 'Repository name over 100 characters', attempt: () => GitHubRepository.of('octo-org', 'r'.repeat(101)), error: /Invalid GitHub repository name 'r{101}'/ },
  { input: "Repository name '.' or '..'", attempt: () => GitHubRepository.of('octo-org', '..'), error: /Invalid GitHub repository name '\.\.': repository names are 1-100 letters, digits, '\.', '_' or '-', and not '\.' or '\.\.'\./ },
  { input: "Repository name with '.git'", attempt: () => GitHubRepository.of('octo-org', 'octo-app.git'), error: /drop the '\.git' suffix/ },
  { input: 'Owner and name as one repository name', attempt: () => GitHubRepository.of('octo-org', 'octo-org/octo-app'), error: /give the owner and the name separately, as in GitHubRepository\.of\('octo-org', 'octo-app'\), or use GitHubRepository\.fromFullName\(\) \(from_full_name\(\) in Python\) with 'octo-org\/octo-app'/ },
  { input: 'Wildcard in the owner', attempt: () => GitHubRepository.of('octo-*', 'octo-app'), error: /Invalid GitHub owner 'octo-\*': wildcards/ },
  { input: 'Wildcard in the repository name', attempt: () => GitHubRepository.of('octo-org', 'octo-app*'), error: /octo-app\* also matches octo-app-evil\)\. Name the repository exactly; put wildcards only in branch, tag or environment names\./ },
  { input: "Full name without 'owner/'", attempt: () => GitHubRepository.fromFullName('octo-app'), error: /Invalid repository 'octo-app': give it as 'owner\/name'/ },
  { input: 'Only one of the two IDs', attempt: () => GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567' }), error: /has an owner ID but no repository ID/ },
  { input: 'ID that is not a number', attempt: () => GitHubRepository.of('octo-org', 'octo-app', { ownerId: 'octo', repositoryId: '1' }), error: /Invalid GitHub owner ID 'octo'/ },
  { input: "Branch given as 'refs/heads/...'", attempt: () => app.branch('refs/heads/main'), error: /give the branch name without the 'refs\/...' prefix \('main'\)/ },
  { input: 'Empty branch or tag', attempt: () => app.tag(''), error: /Invalid tag name '': it is empty/ },
  { input: "Branch or tag against git's ref rules", attempt: () => app.branch('release..1'), error: /Invalid branch name 'release\.\.1': it contains '\.\.'/ },
  { input: 'Environment with leading or trailing space', attempt: () => app.environment('production '), error: /Invalid environment name 'production '/ },
  { input: 'Subject string for any repository', attempt: () => GitHubSubject.fromString('repo:octo-org/*'), error: /Invalid GitHub repository '\*': wildcards/ },
  { input: "Subject string '*'", attempt: () => GitHubSubject.fromString('*'), error: /Subject '\*' does not name both the owner and the repository/ },
  { input: 'Subject string with an unknown part', attempt: () => GitHubSubject.fromString('repo:octo-org/octo-app:workflow:deploy'), error: /cannot read the part 'workflow'/ },
  { input: 'Claims that name no repository', attempt: () => GitHubSubject.fromClaims([GitHubClaim.repositoryOwnerId('1234567')]), error: /does not name both the owner and the repository, so it would admit workflows of other repositories\. Add GitHubClaim\.repo\(repository\), or both GitHubClaim\.repositoryOwnerId\(\) \(repository_owner_id\(\) in Python\) and GitHubClaim\.repositoryId\(\) \(repository_id\(\) in Python\)\./ },
  { input: 'Two contexts in one subject', attempt: () => GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.branch('main'), GitHubClaim.pullRequest()]), error: /has the 'context' claim twice: GitHub writes each claim of the subject template once \(a run has one context: a branch, a tag, an environment or a pull request\)\. Give one subject per alternative\./ },
  {
    input: 'Wildcard before the owner or repository',
    attempt: () => GitHubSubject.fromString('ref:refs/heads/*:repo:octo-org/octo-app'),
    error: /has a wildcard in 'ref:refs\/heads\/\*' before 'repo:octo-org\/octo-app', which names the owner or the repository: IAM's '\*' also matches ':' and '\/', so whatever it matches could carry other claims and names, and the pattern no longer pins one repository\. Put the claims that name the owner and the repository first, and wildcards only after them\./,
  },
  {
    input: 'Two different IDs for the owner or repository',
    attempt: () => GitHubSubject.fromString('repo:octo-org@1/octo-app@2:repository_owner_id:999:ref:refs/heads/main'),
    error: /names two different owner IDs \(1 and 999\), so no token could ever match it\. Give the owner's ID once, or the same ID in every claim\./,
  },
  {
    input: 'Name with an invisible, direction-changing or non-Latin-1 character',
    attempt: () => app.environment('prod\u202e'),
    error: /Invalid environment name 'prod<U\+202E>': it contains U\+202E, which is invisible, changes the direction of the text, or is not allowed in an IAM policy \(policies hold printable Latin-1 characters only\), so the trust policy would not read as it matches\./,
  },
  {
    input: 'Ref claim that contradicts the context',
    attempt: () => GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/heads/main:ref:refs/pull/1/merge'),
    error: /has the context 'ref:refs\/heads\/main' and the claim 'ref:refs\/pull\/1\/merge': a run on a branch has that ref, so no token could ever match it\./,
  },
  {
    input: 'Dynamic reference in a subject',
    attempt: () => synthesize(stack => role({ subjects: [app.branch(new CfnDynamicReference(CfnDynamicReferenceService.SSM, '/ci/branch').toString())] }, stack)),
    error: /Cannot match "\{\{resolve:ssm:\/ci\/branch\}\}" literally: CloudFormation fills in a dynamic reference \('\{\{resolve\.\.\.\}\}'\) after the library has escaped the value/,
  },
  { input: 'Malformed reusable workflow reference', attempt: () => GitHubClaim.jobWorkflowRef('octo-org/shared/deploy.yml@main'), error: /Invalid job_workflow_ref 'octo-org\/shared\/deploy\.yml@main'/ },
  {
    input: 'Reusable workflow outside .github/workflows',
    attempt: () => GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/sub/deploy.yml@refs/heads/main'),
    error: /the file must be directly in \.github\/workflows, where GitHub runs workflows from/,
  },
  { input: 'Pull request ref other than a merge ref', attempt: () => GitHubClaim.ref('refs/pull/1/head'), error: /Invalid ref 'refs\/pull\/1\/head': give 'refs\/heads\/<branch>', 'refs\/tags\/<tag>' or, for a run triggered by a pull request, 'refs\/pull\/<number>\/merge'/ },
  {
    input: 'Audience known only at deploy time',
    attempt: () => role({ audience: Lazy.string({ produce: () => 'sts.amazonaws.com' }) }),
    error: /The audience must be known at synth time, not a value resolved at deployment/,
  },
  {
    input: "Audience holding '${' or '{{'",
    attempt: () => role({ audience: '${token.actions.githubusercontent.com:aud}' }),
    error: /Invalid audience '\$\{token\.actions\.githubusercontent\.com:aud\}': IAM would read '\$\{\.\.\.\}' as a policy variable/,
  },
  {
    input: 'Subject added after synthesis',
    attempt: () => {
      const stack = newStack();
      const deploy = role({}, stack);
      (stack.node.root as App).synth();
      deploy.addSubject(app.tag('v*'));
    },
    error: /the role's trust policy was already synthesized, so the subject would not reach the template\. Add every subject before the app is synthesized/,
  },
  { input: 'Role without subjects', attempt: () => synthesize(stack => role({ subjects: [] }, stack)), error: /The role trusts no subject, so no workflow could assume it: pass at least one in its subjects, such as GitHubRepository\.of\('octo-org', 'octo-app'\)\.branch\('main'\), or call addSubject\(\) \(add_subject\(\) in Python\)\./ },
  {
    input: 'Trust policy over the size limit',
    attempt: () => synthesize(stack => role({ subjects: Array.from({ length: 40 }, (_, i) => app.branch(`feature/team-${i}-work`)) }, stack)),
    error: /The trust policy is \d+ characters, over the limit of 2048 for 40 subjects, and IAM would refuse it at deployment\. Trust fewer subjects, merge them into a pattern such as 'release\/\*', split them across roles, or, if the account's quota was raised, set the maximum trust policy size, maxTrustPolicySize \(max_trust_policy_size in Python\), up to 4096\./,
  },
  { input: 'Size limit outside 2,048-4,096', attempt: () => role({ maxTrustPolicySize: 10000 }), error: /Invalid maximum trust policy size 10000/ },
  { input: 'Session shorter than 1 hour or longer than 12', attempt: () => role({ maxSessionDuration: Duration.hours(24) }), error: /maxSessionDuration is set to 86400, but must be >= 3600sec \(1hr\) and <= 43200sec \(12hrs\)/ },
  { input: 'Role name over 64 characters', attempt: () => role({ roleName: 'r'.repeat(65) }), error: /Invalid role name 'r{65}'/ },
  {
    input: "Audience the provider doesn't accept",
    attempt: () => {
      const stack = newStack();
      new GitHubActionsRole(stack, 'Deploy', { provider: new GitHubOidcProvider(stack, 'GitHub'), subjects: [app.branch('main')], audience: 'octo' });
    },
    error: /Audience 'octo' is not one of the provider's audiences \(sts\.amazonaws\.com\): IAM would refuse every token\. Add it to the provider's audiences, or use one of them\./,
  },
  {
    input: 'Second provider for an issuer in one account',
    attempt: () => {
      const stack = newStack();
      new GitHubOidcProvider(stack, 'GitHub');
      new GitHubOidcProvider(stack, 'GitHub2');
    },
    error: /Duplicate OIDC provider for issuer 'https:\/\/token\.actions\.githubusercontent\.com'/,
  },
  {
    input: 'Provider ARN that is not an IAM OIDC provider',
    attempt: () => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', 'arn:aws:s3:::bucket:oidc-provider/token.actions.githubusercontent.com'),
    error: /Invalid OIDC provider ARN 'arn:aws:s3:::bucket:oidc-provider\/token\.actions\.githubusercontent\.com': an IAM OIDC provider's ARN is 'arn:<partition>:iam::<12-digit account>:oidc-provider\/token\.actions\.githubusercontent\.com'/,
  },
  {
    input: 'Provider ARN in another account or partition',
    attempt: () => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub', 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com'),
    error: /is in aws account 999999999999, but the stack deploys to aws account 123456789012: a role can only trust a provider in its own account/,
  },
  {
    input: 'Provider ARN of another issuer',
    attempt: () => GitHubOidcProvider.fromProviderArn(newStack(), 'GitHub',
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, { issuer: GitHubIssuer.enterpriseServer('github.example.com') }),
    error: /does not belong to issuer 'https:\/\/github\.example\.com\/_services\/token'/,
  },
  { input: 'Enterprise slug with capitals or slashes', attempt: () => GitHubIssuer.enterpriseCloud('Octo/Enterprise'), error: /Invalid GitHub enterprise slug 'Octo\/Enterprise'/ },
  { input: 'Server host name with a scheme, port or path', attempt: () => GitHubIssuer.enterpriseServer('https://github.example.com'), error: /Invalid GitHub Enterprise Server host name 'https:\/\/github\.example\.com'/ },
  { input: 'Issuer known only at deploy time', attempt: () => GitHubIssuer.gheCom(Lazy.string({ produce: () => 'octocorp' })), error: /must be known at synth time, not a token/ },
  { input: 'Provider without audiences, or with one twice', attempt: () => new GitHubOidcProvider(newStack(), 'GitHub', { audiences: [] }), error: /needs 1 to 100 audiences, got 0/ },
  { input: 'Malformed thumbprint', attempt: () => new GitHubOidcProvider(newStack(), 'GitHub', { thumbprints: ['abc'] }), error: /Invalid thumbprint 'abc'/ },
  {
    input: 'ECR push role without repositories',
    attempt: () => {
      const stack = newStack();
      new EcrPushRole(stack, 'Push', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch('main')], repositories: [] });
    },
    error: /needs at least one repository/,
  },
  {
    input: 'Invalid ECR repository name',
    attempt: () => {
      const stack = newStack();
      new EcrPushRole(stack, 'Push', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [app.branch('main')],
        repositories: [ecr.Repository.fromRepositoryName(stack, 'Images', 'Octo App')],
      });
    },
    error: /Invalid ECR repository name 'Octo App' \(Ci\/Images\)/,
  },
  {
    input: 'ECR reference whose ARN is not a repository',
    attempt: () => {
      const stack = newStack();
      new EcrPushRole(stack, 'Push', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [app.branch('main')],
        repositories: [ecr.Repository.fromRepositoryAttributes(stack, 'Images', { repositoryName: 'octo-app', repositoryArn: 'arn:aws:s3:::octo-app' })],
      });
    },
    error: /Invalid ECR repository ARN 'arn:aws:s3:::octo-app'/,
  },
  {
    input: 'ECR ARN wider than one repository',
    attempt: () => {
      const stack = newStack();
      new EcrPushRole(stack, 'Push', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [app.branch('main')],
        repositories: [ecr.Repository.fromRepositoryAttributes(stack, 'Images', { repositoryName: 'octo-app', repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/*` })],
      });
    },
    error: /Invalid ECR repository ARN 'arn:aws:ecr:us-east-1:123456789012:repository\/\*' \(Ci\/Images\): use 'arn:<partition>:ecr:<region>:<12-digit account>:repository\/<name>' for one repository, without wildcards/,
  },
  {
    input: 'ECR name and ARN of different repositories',
    attempt: () => {
      const stack = newStack();
      new EcrPushRole(stack, 'Push', {
        provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
        subjects: [app.branch('main')],
        repositories: [ecr.Repository.fromRepositoryAttributes(stack, 'Images', { repositoryName: 'octo-app', repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments` })],
      });
    },
    error: /ECR repository Ci\/Images is named 'octo-app' but its ARN '.*' names 'payments': the role would be granted the repository of the ARN\. Give the same repository in both\./,
  },
  { input: 'Workflow for a stack without a Region', attempt: () => role({}, new Stack(new App(), 'Ci')).renderWorkflow(), error: /needs an AWS Region: its stack has none/ },
];

describe('what the library refuses', () => {
  test('the catalogue has at least 30 distinct entries', () => {
    expect(new Set(catalogue.map(refusal => refusal.input)).size).toBe(catalogue.length);
    expect(catalogue.length).toBeGreaterThanOrEqual(30);
  });

  test.each(catalogue.map(refusal => [refusal.input, refusal] as const))('%s', (_input, refusal) => {
    expect(refusal.attempt).toThrow(refusal.error);
  });

  test('the README lists exactly the catalogue', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## What the library refuses, and why');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const rows = section.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| input') && !line.startsWith('| ---'));
    const inputs = rows.map(row => row.split(' | ')[0].slice(2));
    expect(inputs).toEqual(catalogue.map(refusal => refusal.input));
  });
});
