import { Aws, CfnDynamicReference, CfnDynamicReferenceService, CfnParameter, Fn, Lazy, Stack, Token as CdkToken } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as fc from 'fast-check';
import {
  EcrPushRole,
  GitHubActionsRole,
  GitHubClaim,
  GitHubOidcProvider,
  GitHubRepository,
  GitHubSubject,
} from '../src';
import { admits, allowsAction, Token } from './oracle';
import { ACCOUNT, deployedValue, newStack, synth, trustPolicy } from './util';

// The outside review's findings, each judged by the IAM simulator: what a value that
// someone else controls gets, and which real token GitHub sends for what the user meant.

const app = GitHubRepository.of('octo-org', 'octo-app');
const SEED = Number(process.env.FC_SEED ?? 20261126);
const RUNS = Math.min(Number(process.env.FC_RUNS ?? 200), 200);
const MAIN = 'repo:octo-org/octo-app:ref:refs/heads/main';
const EVIL = 'repo:evil-org/evil-app:ref:refs/heads/main';

function roleWith(stack: Stack, subjects: GitHubSubject[]): GitHubActionsRole {
  return new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects });
}

/** Every token in `refused` is refused and every one in `admitted` admitted. */
function expectVerdicts(policy: any, admitted: Token[], refused: Token[]): void {
  for (const token of admitted) expect([token.sub, admits(policy, token)]).toEqual([token.sub, true]);
  for (const token of refused) expect([token.sub, admits(policy, token)]).toEqual([token.sub, false]);
}

describe('a value known only at deployment matches only itself, whatever it holds', () => {
  /** Where a deploy-time value can stand, and the `sub` GitHub sends for the value as meant. */
  const places: { [name: string]: { build: (value: string) => GitHubSubject; sub: (value: string) => string } } = {
    'a whole subject': { build: v => GitHubSubject.fromString(v), sub: v => v },
    'the owner': { build: v => GitHubRepository.of(v, 'octo-app').branch('main'), sub: v => `repo:${v}/octo-app:ref:refs/heads/main` },
    'the repository': { build: v => GitHubRepository.of('octo-org', v).pullRequest(), sub: v => `repo:octo-org/${v}:pull_request` },
    'a branch': { build: v => app.branch(v), sub: v => `repo:octo-org/octo-app:ref:refs/heads/${v}` },
    'a tag': { build: v => app.tag(v), sub: v => `repo:octo-org/octo-app:ref:refs/tags/${v}` },
    'an environment': { build: v => app.environment(v), sub: v => `repo:octo-org/octo-app:environment:${v.split(':').join('%3A')}` },
    'a reusable workflow': {
      build: v => GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.jobWorkflowRef(v)]),
      sub: v => `repo:octo-org/octo-app:job_workflow_ref:${v}`,
    },
    'the repository ID': {
      build: v => GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: v }).branch('main'),
      sub: v => `repo:octo-org@1234567/octo-app@${v}:ref:refs/heads/main`,
    },
    'a ref claim': {
      build: v => GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.environment('production'), GitHubClaim.ref(v)]),
      sub: v => `repo:octo-org/octo-app:environment:production:ref:${v}`,
    },
    'the owner, next to a tag pattern': { build: v => GitHubRepository.of(v, 'octo-app').tag('v*'), sub: v => `repo:${v}/octo-app:ref:refs/tags/v1.0` },
  };

  /** Where the value comes from, and the name under which `deployedValue` looks it up. */
  const sources: { [name: string]: (stack: Stack) => { token: string; key: () => string } } = {
    'a CloudFormation parameter': stack => ({ token: new CfnParameter(stack, 'Value').valueAsString, key: () => 'Value' }),
    'an SSM parameter': stack => {
      const token = ssm.StringParameter.valueForStringParameter(stack, '/ci/value');
      return { token, key: () => Object.keys(synth(stack).toJSON().Parameters).find(id => id.startsWith('SsmParameterValue'))! };
    },
    'another stack\'s export': () => ({ token: Fn.importValue('CiValue'), key: () => 'import:CiValue' }),
  };

  const values = [
    'main',
    '*',
    '?',
    '${token.actions.githubusercontent.com:sub}',
    '${aws:username}',
    '${*}',
    '${?}',
    '${$}',
    '$',
    'prod:eu',
    'octo-org/octo-app:*',
    '{{resolve:ssm:/ci/value}}',
    'a{{b',
  ];

  const cases = Object.keys(places).flatMap(place => Object.keys(sources).map(source => [place, source] as const));

  test.each(cases)('%s from %s', (place, source) => {
    const stack = newStack();
    const value = sources[source](stack);
    roleWith(stack, [places[place].build(value.token)]);
    const template = synth(stack);
    const key = value.key();
    for (const deployed of values) {
      const policy = trustPolicy(template, undefined, 'aws', { [key]: deployed });
      const meant = places[place].sub(deployed);
      if (deployed.includes('{{')) {
        // A '{{' is broken up so that CloudFormation cannot read a dynamic reference in it:
        // such a value fails closed and admits nothing, not even its own text.
        expect(admits(policy, { sub: meant })).toBe(false);
        expect(admits(policy, { sub: places[place].sub('*') })).toBe(false);
        continue;
      }
      const others = ['zz', 'z', '*', 'main', '$', 'prod:eu', 'prod%3Aeu'].map(places[place].sub)
        .concat([EVIL, MAIN, 'repo:octo-org/octo-app:environment:production'])
        .filter(sub => sub !== meant);
      expectVerdicts(policy, [{ sub: meant }], others.map(sub => ({ sub })));
    }
  });

  test('property: any value made of the characters IAM and CloudFormation treat specially matches only itself', () => {
    // Generated values, not imagined ones: strings over an alphabet of every character that
    // means something to IAM, CloudFormation or GitHub's subject format, in every place.
    const alphabet = fc.constantFrom('$', '{', '}', '*', '?', ':', '/', '%', '3', 'A', 'a', '-', '.', '@', '\\', '"', ' ');
    const value = fc.array(alphabet, { minLength: 1, maxLength: 12 }).map(chars => chars.join(''));
    const templates = Object.keys(places).map(place => {
      const stack = newStack();
      roleWith(stack, [places[place].build(new CfnParameter(stack, 'Value').valueAsString)]);
      return { place, template: synth(stack) };
    });
    let verdicts = 0;
    fc.assert(fc.property(value, value, (deployed, other) => {
      fc.pre(!deployed.includes('{{') && deployed !== other);
      for (const { place, template } of templates) {
        const policy = trustPolicy(template, undefined, 'aws', { Value: deployed });
        const sub = places[place].sub;
        if (!admits(policy, { sub: sub(deployed) }) || (sub(other) !== sub(deployed) && admits(policy, { sub: sub(other) }))) return false;
        verdicts += 2;
      }
      return true;
    }), { seed: SEED, numRuns: RUNS });
    expect(verdicts).toBeGreaterThan(RUNS);
  });

  test('the mechanism is CloudFormation\'s Fn::Split and Fn::Join, under StringLike', () => {
    const stack = newStack();
    roleWith(stack, [app.branch(new CfnParameter(stack, 'Branch').valueAsString)]);
    const statement = synth(stack).toJSON().Resources.Role1ABCC5F0.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(Object.keys(statement.Condition)).toEqual(['StringEquals', 'StringLike']);
    expect(JSON.stringify(statement.Condition.StringLike)).toContain('{"Fn::Join":["${$}",{"Fn::Split":["$",{"Ref":"Branch"}]}]}');
  });

  test('a value that resolves at synth time is escaped in the template text', () => {
    const stack = newStack();
    roleWith(stack, [app.branch(Fn.join('', ['re', 'lease-*']))]);
    const policy = trustPolicy(synth(stack));
    expect(policy.Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub'])
      .toBe('repo:octo-org/octo-app:ref:refs/heads/release-${*}');
    expectVerdicts(policy, [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/release-*' }], [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/release-1' }]);
  });

  test('a whole subject written out with a deploy-time value in it is literal, its * included', () => {
    const stack = newStack();
    const branch = new CfnParameter(stack, 'Branch').valueAsString;
    roleWith(stack, [GitHubSubject.fromString(`repo:octo-org/octo-app:ref:refs/heads/${branch}*`)]);
    expectVerdicts(
      trustPolicy(synth(stack), undefined, 'aws', { Branch: 'main' }),
      [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/main*' }],
      [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/main-x' }, { sub: MAIN }],
    );
  });

  test.each([
    ['an owner', (v: string) => GitHubRepository.of(`${v}*`, 'octo-app'), /Invalid GitHub owner '.*\*': wildcards/],
    ['a repository', (v: string) => GitHubRepository.of('octo-org', `${v}-?`), /Invalid GitHub repository '.*-\?': wildcards/],
    ['a repository ID', (v: string) => GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1', repositoryId: `${v}*` }), /Invalid GitHub repository ID/],
    ['a reusable workflow', (v: string) => GitHubClaim.jobWorkflowRef(`octo-org/${v}/.github/workflows/deploy.yml@refs/heads/*`), /Invalid job_workflow_ref '.*': it mixes a wildcard with a value known only at deployment/],
    ['a ref claim', (v: string) => GitHubClaim.ref(`refs/${v}/*`), /Invalid ref '.*': it mixes a wildcard with a value known only at deployment/],
  ])('refuses a wildcard written next to a deploy-time value in %s', (_what, build, error) => {
    const stack = newStack();
    expect(() => build(new CfnParameter(stack, 'Value').valueAsString)).toThrow(error);
  });

  test.each([
    ['an SSM dynamic reference', () => new CfnDynamicReference(CfnDynamicReferenceService.SSM, '/ci/branch').toString()],
    ['a Secrets Manager dynamic reference', () => new CfnDynamicReference(CfnDynamicReferenceService.SECRETS_MANAGER, 'ci:SecretString:branch').toString()],
    ['a dynamic reference built with Fn::Join', () => Fn.join('', ['{{resolve:ssm:', Fn.importValue('Name'), '}}'])],
  ])('refuses %s, which CloudFormation fills in after the escaping', (_what, value) => {
    const stack = newStack();
    roleWith(stack, [app.branch(value())]);
    expect(() => synth(stack)).toThrow(/CloudFormation fills in a dynamic reference \('\{\{resolve\.\.\.\}\}'\) after the library has escaped the value/);
  });

  test.each([
    ['a literal dynamic reference next to a parameter in a repository name', (v: string) => GitHubRepository.of('octo-org', `${v}{{resolve:ssm:/ci/repo}}`).branch('main'), /Invalid GitHub repository name '.*': its known part holds '\{'/],
    ['a literal dynamic reference next to a pseudo parameter in a branch', () => app.branch(`${Aws.REGION}-{{resolve:ssm:/ci/branch}}`), /Invalid branch name '.*': its known part holds ':'/],
    ['a literal dynamic reference in a reusable workflow ref', (v: string) => GitHubClaim.jobWorkflowRef(`${v}/shared/.github/workflows/deploy.yml@{{resolve:ssm:/ci/ref}}`), /Invalid job_workflow_ref '.*': its known part holds ':'/],
    ['a literal dynamic reference in a whole subject', (v: string) => GitHubSubject.fromString(`repo:octo-org/octo-app:ref:refs/heads/${v}{{resolve:ssm:/x}}`), /Invalid subject '.*': it holds a CloudFormation dynamic reference/],
    ['a refs/ prefix before a parameter', (v: string) => app.tag(`refs/tags/${v}`), /Invalid tag name '.*': give the tag name without the 'refs\/\.\.\.' prefix/],
    ['a character git refuses next to a parameter', (v: string) => app.branch(`${v}~1`), /Invalid branch name '.*': its known part holds '~'/],
    ['an invisible character next to a parameter', (v: string) => app.environment(`${v}\u202e`), /Invalid environment name '.*<U\+202E>': it contains U\+202E/],
    ['a letter next to a parameter in an ID', (v: string) => GitHubClaim.repositoryId(`${v}x`), /Invalid GitHub repository ID '.*': its known part holds 'x'/],
  ])('refuses %s', (_what, build, error) => {
    const stack = newStack();
    expect(() => build(new CfnParameter(stack, 'Value').valueAsString)).toThrow(error);
  });

  test.each([
    ['a literal list', () => CdkToken.asString(Lazy.list({ produce: () => ['a', 'b'] }))],
    ['the Availability Zones', () => CdkToken.asString(Fn.getAzs())],
  ])('refuses a value that resolves to a list (%s), which Fn::Split cannot take', (_what, value) => {
    const stack = newStack();
    roleWith(stack, [app.branch(value())]);
    expect(() => synth(stack)).toThrow(/as a name or ARN: it resolves to a list or an object, not a string\./);
  });

  test('refuses a list parameter, which Fn::Split cannot take', () => {
    const stack = newStack();
    const list = new CfnParameter(stack, 'Branches', { type: 'CommaDelimitedList' });
    roleWith(stack, [app.branch(CdkToken.asString(list.value))]);
    expect(() => synth(stack)).toThrow(/Cannot use \{"Ref":"Branches"\} as a name or ARN: it resolves to a list/);
  });

  test('takes a number known at synth time as an ID', () => {
    const stack = newStack();
    roleWith(stack, [GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: CdkToken.asString(Lazy.number({ produce: () => 89012345 })) }).branch('main')]);
    expectVerdicts(trustPolicy(synth(stack)), [{ sub: 'repo:octo-org@1234567/octo-app@89012345:ref:refs/heads/main' }], [{ sub: MAIN }]);
  });

  test('keeps a pattern and a literal subject whose texts are the same', () => {
    const stack = newStack();
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    roleWith(stack, [GitHubSubject.fromString(`repo:octo-org/octo-app:ref:refs/heads/${prefix}*`), app.branch(`${prefix}*`)]);
    expectVerdicts(
      trustPolicy(synth(stack), undefined, 'aws', { Prefix: 'release-' }),
      [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/release-*' }, { sub: 'repo:octo-org/octo-app:ref:refs/heads/release-1' }],
      [{ sub: 'repo:octo-org/octo-app:ref:refs/heads/main' }],
    );
  });

  test('refuses a value resolved at synth time that holds a character a policy would not show', () => {
    const stack = newStack();
    roleWith(stack, [app.environment(Lazy.string({ produce: () => 'prod\u202e' }))]);
    expect(() => synth(stack)).toThrow(/Cannot use 'prod<U\+202E>' in a trust policy or grant: it contains U\+202E/);
  });

  test.each(['sts.amazonaws.com\u202e', 'sts.amazonaws.com\u00ad'])('refuses an audience with a hidden character', audience => {
    const stack = newStack();
    expect(() => new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch('main')], audience }))
      .toThrow(/an audience is 1-255 printable characters without spaces/);
    expect(() => new GitHubOidcProvider(stack, 'GitHub', { audiences: [audience] })).toThrow(/an audience is 1-255 printable characters without spaces/);
  });

  test.each(['${token.actions.githubusercontent.com:aud}', '{{resolve:ssm:/ci/audience}}'])('refuses the literal audience %s', audience => {
    const stack = newStack();
    expect(() => new GitHubActionsRole(stack, 'Role', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch('main')], audience }))
      .toThrow(/IAM would read '\$\{\.\.\.\}' as a policy variable, and CloudFormation '\{\{resolve:\.\.\.\}\}' as a dynamic reference/);
  });

  test('a provider whose audiences are known only at deployment does not refuse the default audience', () => {
    const stack = newStack();
    const provider = new GitHubOidcProvider(stack, 'GitHub', { audiences: [new CfnParameter(stack, 'Audience').valueAsString] });
    expect(new GitHubActionsRole(stack, 'Role', { provider, subjects: [app.branch('main')] }).audience).toBe('sts.amazonaws.com');
  });

  test('the audience may not be a deploy-time value: it would widen the audience the same way', () => {
    const stack = newStack();
    expect(() => new GitHubActionsRole(stack, 'Role', {
      provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
      subjects: [app.branch('main')],
      audience: new CfnParameter(stack, 'Audience').valueAsString,
    })).toThrow(/The audience must be known at synth time, not a value resolved at deployment: IAM would read a value such as '\$\{token\.actions\.githubusercontent\.com:aud\}' as a policy variable/);
  });
});

describe('names holding $ are matched exactly', () => {
  test.each([
    ['a branch with ${', app.branch('release-${x}'), 'repo:octo-org/octo-app:ref:refs/heads/release-${x}', 'repo:octo-org/octo-app:ref:refs/heads/release-'],
    ['a branch ending in $', app.branch('cost$'), 'repo:octo-org/octo-app:ref:refs/heads/cost$', 'repo:octo-org/octo-app:ref:refs/heads/cost'],
    ['an environment with ${ and a pattern', app.environment('${env}-*'), 'repo:octo-org/octo-app:environment:${env}-eu', 'repo:octo-org/octo-app:environment:prod-eu'],
  ])('%s', (_what, subject, meant, other) => {
    const stack = newStack();
    roleWith(stack, [subject, app.branch('main')]);
    expectVerdicts(trustPolicy(synth(stack)), [{ sub: meant }, { sub: MAIN }], [{ sub: other }, { sub: EVIL }]);
  });
});

describe('a wildcard may only stand after the claims that name the owner and the repository', () => {
  test.each([
    ['any context before the repository', () => GitHubSubject.fromClaims([GitHubClaim.anyContext(), GitHubClaim.repo(app)]), "'\\*' before 'repo:octo-org/octo-app'"],
    ['a branch pattern before the repository', () => GitHubSubject.fromString('ref:refs/heads/*:repo:octo-org/octo-app'), "'ref:refs/heads/\\*' before 'repo:octo-org/octo-app'"],
    ['an environment pattern before the repository', () => GitHubSubject.fromString('environment:*:repo:octo-org/octo-app'), "'environment:\\*' before 'repo:octo-org/octo-app'"],
    [
      'an environment pattern between the owner ID and the repository ID',
      () => GitHubSubject.fromClaims([GitHubClaim.repositoryOwnerId('1'), GitHubClaim.environment('*'), GitHubClaim.repositoryId('2')]),
      "'environment:\\*' before 'repository_id:2'",
    ],
    [
      'a reusable workflow pattern before the repository',
      () => GitHubSubject.fromClaims([GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/*'), GitHubClaim.repo(app)]),
      "'job_workflow_ref:octo-org/shared/\\.github/workflows/deploy\\.yml@refs/heads/\\*' before 'repo:octo-org/octo-app'",
    ],
  ])('refuses %s', (_what, build, where) => {
    expect(build).toThrow(new RegExp(`has a wildcard in ${where}, which names the owner or the repository: IAM's '\\*' also matches ':' and '/'`));
  });

  test('because, written as such a pattern, the trust would admit subjects that only end like the repository', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repository_owner_id:1:environment:*:repository_id:2' },
        },
      }],
    };
    expect(admits(policy, { sub: 'repository_owner_id:1:environment:x:repository_id:666:repository_id:2' })).toBe(true);
  });

  test('accepts wildcards after every pin, and the simulator keeps them after it', () => {
    const subject = GitHubSubject.fromClaims([GitHubClaim.repositoryOwnerId('1'), GitHubClaim.repositoryId('2'), GitHubClaim.environment('prod-*')]);
    const stack = newStack();
    roleWith(stack, [subject]);
    expectVerdicts(
      trustPolicy(synth(stack)),
      [{ sub: 'repository_owner_id:1:repository_id:2:environment:prod-eu' }],
      [{ sub: 'repository_owner_id:1:repository_id:23:environment:prod-eu' }, { sub: 'repository_owner_id:1:repository_id:2:ref:refs/heads/prod-eu' }],
    );
  });
});

describe('EcrPushRole grants on exactly the repositories listed', () => {
  const PUSH = 'ecr:PutImage';
  const repositoryArn = (name: string, account = ACCOUNT) => `arn:aws:ecr:us-east-1:${account}:repository/${name}`;

  function grants(stack: Stack): any {
    const template = synth(stack);
    const policies = template.findResources('AWS::IAM::Policy');
    const [id] = Object.keys(policies);
    return deployedValue(policies[id].Properties.PolicyDocument, template, 'aws', parameters);
  }
  let parameters: { [name: string]: string } = {};

  function pushRole(stack: Stack, repository: ecr.IRepository): EcrPushRole {
    return new EcrPushRole(stack, 'Push', { provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'), subjects: [app.branch('main')], repositories: [repository] });
  }

  test.each([
    ['a wildcard repository', { repositoryName: 'octo-app', repositoryArn: repositoryArn('*') }, /Invalid ECR repository ARN 'arn:aws:ecr:us-east-1:123456789012:repository\/\*'.*without wildcards/],
    ['a wildcard in the name', { repositoryName: 'octo-app', repositoryArn: repositoryArn('octo-*') }, /Invalid ECR repository ARN/],
    ['a wildcard Region', { repositoryName: 'octo-app', repositoryArn: `arn:aws:ecr:*:${ACCOUNT}:repository/octo-app` }, /Invalid ECR repository ARN/],
    ['a wildcard account', { repositoryName: 'octo-app', repositoryArn: 'arn:aws:ecr:us-east-1:*:repository/octo-app' }, /Invalid ECR repository ARN/],
    ['another repository than the name', { repositoryName: 'octo-app', repositoryArn: repositoryArn('payments') }, /is named 'octo-app' but its ARN '.*' names 'payments': the role would be granted the repository of the ARN/],
    ['another partition scheme', { repositoryName: 'octo-app', repositoryArn: 'arn:evil:ecr:us-east-1:123456789012:repository/octo-app' }, /Invalid ECR repository ARN/],
    ['a wildcard next to the account pseudo parameter', { repositoryName: 'octo-app', repositoryArn: `arn:aws:ecr:us-east-1:${Aws.ACCOUNT_ID}:repository/*` }, /Invalid ECR repository ARN/],
    [
      'another repository next to the account pseudo parameter',
      { repositoryName: 'octo-app', repositoryArn: `arn:aws:ecr:us-east-1:${Aws.ACCOUNT_ID}:repository/payments` },
      /is named 'octo-app' but its ARN '.*' names 'payments'/,
    ],
  ])('refuses an imported repository with %s', (_what, attributes, error) => {
    const stack = newStack();
    expect(() => pushRole(stack, ecr.Repository.fromRepositoryAttributes(stack, 'Images', attributes))).toThrow(error);
  });

  test.each([
    [
      'an ARN',
      (stack: Stack) => ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
        repositoryArn: new CfnParameter(stack, 'Value').valueAsString,
        repositoryName: 'octo-app',
      }),
      repositoryArn,
    ],
    ['a name', (stack: Stack) => ecr.Repository.fromRepositoryName(stack, 'Images', new CfnParameter(stack, 'Value').valueAsString), (name: string) => name],
  ])('escapes %s known only at deployment, so a wildcard in it grants nothing more', (_what, build, value) => {
    const stack = newStack();
    pushRole(stack, build(stack));
    for (const [deployed, allowed, denied] of [
      [value('octo-app'), repositoryArn('octo-app'), repositoryArn('octo-app-evil')],
      [value('*'), undefined, repositoryArn('octo-app')],
      [value('octo-*'), undefined, repositoryArn('octo-app')],
      [value('${aws:username}'), undefined, repositoryArn('GitHubActions')],
    ]) {
      parameters = { Value: deployed! };
      const policy = grants(stack);
      if (allowed) expect([allowed, allowsAction(policy, PUSH, allowed)]).toEqual([allowed, true]);
      expect([denied, allowsAction(policy, PUSH, denied!)]).toEqual([denied, false]);
    }
  });

  test('refuses a dynamic reference written in an ARN', () => {
    const stack = newStack();
    const region = new CfnParameter(stack, 'Region').valueAsString;
    expect(() => pushRole(stack, ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
      repositoryName: 'octo-app',
      repositoryArn: `arn:aws:ecr:${region}:123456789012:repository/{{resolve:ssm:/ci/repo}}`,
    }))).toThrow(/Invalid ECR repository ARN \(Ci\/Images\) '.*': it holds a CloudFormation dynamic reference/);
  });

  test('refuses an ARN of another partition than the stack, whose grant could never apply', () => {
    const stack = new Stack(undefined, 'Ci', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    expect(() => pushRole(stack, ecr.Repository.fromRepositoryArn(stack, 'Images', repositoryArn('octo-app'))))
      .toThrow(/is in partition aws, but the stack deploys to aws-cn: the grant could never apply/);
  });

  test('takes repositories in partitions whose Region names are longer, such as the European Sovereign Cloud', () => {
    const stack = new Stack(undefined, 'Ci', { env: { account: ACCOUNT, region: 'eusc-de-east-1' } });
    const role = pushRole(stack, ecr.Repository.fromRepositoryName(stack, 'Images', 'octo-app'));
    expect(role.repositories).toHaveLength(1);
  });

  test('refuses a wildcard written next to a deploy-time value in an ARN', () => {
    const stack = newStack();
    const account = new CfnParameter(stack, 'Account').valueAsString;
    expect(() => pushRole(stack, ecr.Repository.fromRepositoryAttributes(stack, 'Images', {
      repositoryName: 'octo-app',
      repositoryArn: `arn:aws:ecr:us-east-1:${account}:repository/*`,
    }))).toThrow(/Invalid ECR repository ARN '.*': it mixes a wildcard with a value known only at deployment/);
  });

  test('grants on a repository created in the app, and no other', () => {
    const stack = newStack();
    pushRole(stack, new ecr.Repository(stack, 'Images', { repositoryName: 'octo-app' }));
    const template = synth(stack);
    const policies = template.findResources('AWS::IAM::Policy');
    const document = JSON.parse(JSON.stringify(policies[Object.keys(policies)[0]].Properties.PolicyDocument)
      .replace(/\{"Fn::GetAtt":\["Images[0-9A-F]+","Arn"\]\}/g, JSON.stringify(repositoryArn('octo-app'))));
    expect(allowsAction(document, PUSH, repositoryArn('octo-app'))).toBe(true);
    expect(allowsAction(document, PUSH, repositoryArn('octo-app-evil'))).toBe(false);
    expect(allowsAction(document, 'ecr:BatchDeleteImage', repositoryArn('octo-app'))).toBe(false);
  });
});

describe('a subject added after synthesis', () => {
  test('is refused rather than silently missing from the template', () => {
    const stack = newStack();
    const role = roleWith(stack, [app.branch('main')]);
    synth(stack);
    expect(() => role.addSubject(app.tag('v*'))).toThrow(
      "Cannot trust 'repo:octo-org/octo-app:ref:refs/tags/v*': the role's trust policy was already synthesized, so the subject would not reach the template.",
    );
    expect(role.subjects.map(subject => subject.value)).toEqual([MAIN]);
  });

  test('is trusted when added before synthesis', () => {
    const stack = newStack();
    const role = roleWith(stack, [app.branch('main')]);
    role.addSubject(app.tag('v*'));
    expectVerdicts(trustPolicy(synth(stack)), [{ sub: MAIN }, { sub: 'repo:octo-org/octo-app:ref:refs/tags/v1' }], [{ sub: EVIL }]);
  });
});

describe('valid subjects that real tokens carry are trusted', () => {
  test.each([
    ['an Enterprise Managed Users owner', [GitHubRepository.of('octocat_acme', 'octo-app').branch('main')], 'repo:octocat_acme/octo-app:ref:refs/heads/main', ['repo:octocat/octo-app:ref:refs/heads/main', 'repo:octocat_acme2/octo-app:ref:refs/heads/main']],
    [
      'an environment deployed from main (context and ref)',
      [GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.environment('production'), GitHubClaim.ref('refs/heads/main')])],
      'repo:octo-org/octo-app:environment:production:ref:refs/heads/main',
      ['repo:octo-org/octo-app:environment:production:ref:refs/heads/dev', 'repo:octo-org/octo-app:environment:production', 'repo:octo-org/octo-app:environment:staging:ref:refs/heads/main'],
    ],
    [
      'the same, written out',
      [GitHubSubject.fromString('repo:octo-org/octo-app:environment:production:ref:refs/heads/main')],
      'repo:octo-org/octo-app:environment:production:ref:refs/heads/main',
      ['repo:octo-org/octo-app:environment:production:ref:refs/tags/main'],
    ],
    [
      'a run on main with the ref claim listed too',
      [GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/heads/main:ref:refs/heads/main')],
      'repo:octo-org/octo-app:ref:refs/heads/main:ref:refs/heads/main',
      [MAIN],
    ],
    [
      'a pull request by its ref',
      [GitHubSubject.fromString('repo:octo-org/octo-app:pull_request:ref:refs/pull/123/merge')],
      'repo:octo-org/octo-app:pull_request:ref:refs/pull/123/merge',
      ['repo:octo-org/octo-app:pull_request:ref:refs/pull/1234/merge', 'repo:octo-org/octo-app:pull_request'],
    ],
    [
      'any pull request by its ref pattern',
      [GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.pullRequest(), GitHubClaim.ref('refs/pull/*/merge')])],
      'repo:octo-org/octo-app:pull_request:ref:refs/pull/7/merge',
      ['repo:octo-org/octo-app:pull_request:ref:refs/heads/main', 'repo:octo-org/octo-app-evil:pull_request:ref:refs/pull/7/merge'],
    ],
  ])('%s', (_what, subjects, meant, others) => {
    const stack = newStack();
    roleWith(stack, subjects as GitHubSubject[]);
    expectVerdicts(trustPolicy(synth(stack)), [{ sub: meant as string }], [...(others as string[]), EVIL].map(sub => ({ sub })));
  });

  test('a ref claim with a context does not count as any context', () => {
    const subject = GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/pull/3/merge');
    expect(subject.claims.map(claim => claim.key)).toEqual(['repo', 'ref']);
    expect(subject.admitsAnyContext).toBe(false);
  });
});

describe('bad input refused at synth time', () => {
  test.each([
    ['a reusable workflow in a subdirectory', () => GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/sub/deploy.yml@refs/heads/main'), /the file must be directly in \.github\/workflows/],
    ['a pull request ref that is not a merge ref', () => GitHubClaim.ref('refs/pull/1/head'), /Invalid ref 'refs\/pull\/1\/head'/],
    [
      'a repo claim and a repository_id claim with different IDs',
      () => GitHubSubject.fromClaims([
        GitHubClaim.repo(GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1', repositoryId: '2' })),
        GitHubClaim.repositoryId('3'),
      ]),
      /names two different repository IDs \(2 and 3\), so no token could ever match it/,
    ],
    [
      'a repo claim and a repository_owner_id claim with different IDs',
      () => GitHubSubject.fromString('repo:octo-org@1/octo-app@2:repository_owner_id:999:ref:refs/heads/main'),
      /names two different owner IDs \(1 and 999\)/,
    ],
  ])('%s', (_what, attempt, error) => {
    expect(attempt).toThrow(error);
  });

  test.each([
    ['a branch context with a pull request ref', 'repo:octo-org/octo-app:ref:refs/heads/main:ref:refs/pull/1/merge'],
    ['a branch context with another branch', 'repo:octo-org/octo-app:ref:refs/heads/main:ref:refs/heads/dev'],
    ['a tag context with a branch ref', 'repo:octo-org/octo-app:ref:refs/tags/v1:ref:refs/heads/v1'],
  ])('refuses %s, which no run has', (_what, subject) => {
    expect(() => GitHubSubject.fromString(subject)).toThrow(/a run on a (branch|tag) has that ref, so no token could ever match it/);
  });

  test('accepts a pull request or environment context with a pull request ref, and a reusable workflow called at one', () => {
    expect(GitHubSubject.fromString('repo:octo-org/octo-app:environment:preview:ref:refs/pull/1/merge').claims).toHaveLength(3);
    expect(GitHubClaim.jobWorkflowRef('octo-org/octo-app/.github/workflows/deploy.yml@refs/pull/5/merge').text)
      .toBe('job_workflow_ref:octo-org/octo-app/.github/workflows/deploy.yml@refs/pull/5/merge');
  });

  test('says how to write a colon in an environment name', () => {
    expect(() => GitHubSubject.fromString('repo:octo-org/octo-app:environment:prod:eu'))
      .toThrow(/cannot read the part 'eu' \(a ':' in an environment name is written '%3A', as GitHub writes it\)/);
  });

  test('agreeing IDs are accepted', () => {
    const subject = GitHubSubject.fromString('repo:octo-org@1/octo-app@2:repository_owner_id:1:ref:refs/heads/main');
    expect(subject.claims).toHaveLength(3);
  });

  test.each([
    ['zero-width space', '\u200b'],
    ['right-to-left override', '\u202e'],
    ['left-to-right isolate', '\u2066'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
    ['byte order mark', '\ufeff'],
    ['no-break space', '\u00a0'],
    ['soft hyphen', '\u00ad'],
    ['next line (C1 control)', '\u0085'],
    ['a character IAM refuses in a policy', '\u30d7'],
    ['an emoji', '\u{1F680}'],
  ])('a name holding a %s', (_what, character) => {
    const code = `U\\+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(() => app.environment(`prod${character}`)).toThrow(new RegExp(`Invalid environment name 'prod<${code}>': it contains ${code}, which is invisible`));
    expect(() => app.branch(`main${character}`)).toThrow(new RegExp(`Invalid branch name '.*': it contains ${code}`));
    expect(() => app.tag(`v1${character}`)).toThrow(new RegExp(`Invalid tag name '.*': it contains ${code}`));
  });

  test('printable Latin-1 names are accepted', () => {
    const stack = newStack();
    roleWith(stack, [app.environment('producción'), app.branch('été')]);
    expectVerdicts(trustPolicy(synth(stack)), [{ sub: 'repo:octo-org/octo-app:environment:producción' }], [{ sub: 'repo:octo-org/octo-app:environment:produccion' }]);
  });
});

describe('trusting every context, one subject or several', () => {
  const WARNING = Match.stringLikeRegexp('together every branch, tag, environment and pull request of the repository');

  function warnings(subjects: GitHubSubject[], added: GitHubSubject[] = []): number {
    const stack = newStack();
    const role = roleWith(stack, subjects);
    added.forEach(subject => role.addSubject(subject));
    return Annotations.fromStack(stack).findWarning('*', WARNING).length;
  }

  const every = [app.branch('*'), app.tag('*'), app.environment('*'), app.pullRequest()];

  test('warns when branch *, tag *, environment * and pull requests are all trusted', () => {
    expect(warnings(every)).toBe(1);
  });

  test('warns when the last of them is added later', () => {
    expect(warnings(every.slice(0, 3), [every[3]])).toBe(1);
  });

  test('warns for patterns that match every name', () => {
    expect(warnings([app.branch('?*'), app.tag('**'), app.environment('*'), app.pullRequest()])).toBe(1);
  });

  test.each([0, 1, 2, 3])('does not warn without the %i-th of them', index => {
    expect(warnings(every.filter((_, i) => i !== index))).toBe(0);
  });

  test('does not warn when the union spans two repositories', () => {
    const other = GitHubRepository.of('octo-org', 'other-app');
    expect(warnings([app.branch('*'), app.tag('*'), other.environment('*'), other.pullRequest()])).toBe(0);
  });

  test('does not warn for patterns that leave names out', () => {
    expect(warnings([app.branch('release/*'), app.tag('*'), app.environment('*'), app.pullRequest()])).toBe(0);
  });

  test('the union admits every context, as the warning says', () => {
    const stack = newStack();
    roleWith(stack, every);
    expectVerdicts(
      trustPolicy(synth(stack)),
      ['ref:refs/heads/anything', 'ref:refs/tags/v9', 'environment:any', 'pull_request'].map(context => ({ sub: `repo:octo-org/octo-app:${context}` })),
      [{ sub: EVIL }],
    );
  });
});
