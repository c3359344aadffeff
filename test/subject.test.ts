import { CfnParameter, Lazy } from 'aws-cdk-lib';
import { GitHubClaim, GitHubRepository, GitHubSubject } from '../src';
import { newStack } from './util';

const app = GitHubRepository.of('octo-org', 'octo-app');

describe('GitHubRepository subject builders', () => {
  test.each([
    ['branch', app.branch('main'), 'repo:octo-org/octo-app:ref:refs/heads/main', false],
    ['branch with slashes', app.branch('release/2026.11'), 'repo:octo-org/octo-app:ref:refs/heads/release/2026.11', false],
    ['branch pattern', app.branch('release/*'), 'repo:octo-org/octo-app:ref:refs/heads/release/*', true],
    ['tag pattern', app.tag('v*'), 'repo:octo-org/octo-app:ref:refs/tags/v*', true],
    ['tag', app.tag('v1.2.3'), 'repo:octo-org/octo-app:ref:refs/tags/v1.2.3', false],
    ['tag with ?', app.tag('v?'), 'repo:octo-org/octo-app:ref:refs/tags/v?', true],
    ['environment', app.environment('production'), 'repo:octo-org/octo-app:environment:production', false],
    ['environment with a colon', app.environment('prod:eu'), 'repo:octo-org/octo-app:environment:prod%3Aeu', false],
    ['environment with spaces', app.environment('Production EU'), 'repo:octo-org/octo-app:environment:Production EU', false],
    ['pull request', app.pullRequest(), 'repo:octo-org/octo-app:pull_request', false],
    ['any context', app.anyContext(), 'repo:octo-org/octo-app:*', true],
  ])('%s', (_name, subject, value, isPattern) => {
    expect(subject.value).toBe(value);
    expect(subject.toString()).toBe(value);
    expect(subject.isPattern).toBe(isPattern);
  });

  test('only anyContext() admits every context', () => {
    expect(app.anyContext().admitsAnyContext).toBe(true);
    for (const subject of [app.branch('*'), app.tag('*'), app.environment('*'), app.pullRequest()]) {
      expect(subject.admitsAnyContext).toBe(false);
    }
  });

  test('the immutable form carries both IDs', () => {
    const immutable = GitHubRepository.of('octo-org', 'octo-app', { ownerId: '1234567', repositoryId: '89012345' });
    expect(immutable.branch('main').value).toBe('repo:octo-org@1234567/octo-app@89012345:ref:refs/heads/main');
    expect(immutable.pullRequest().value).toBe('repo:octo-org@1234567/octo-app@89012345:pull_request');
    expect(immutable.fullName).toBe('octo-org/octo-app');
    expect(immutable.ownerId).toBe('1234567');
    expect(immutable.repositoryId).toBe('89012345');
  });

  test('accepts names at the length limits', () => {
    expect(app.branch('b'.repeat(255)).value).toHaveLength('repo:octo-org/octo-app:ref:refs/heads/'.length + 255);
    expect(app.environment('e'.repeat(255)).value).toHaveLength('repo:octo-org/octo-app:environment:'.length + 255);
    expect(GitHubRepository.of('octo-org', 'octo-app', { ownerId: '9'.repeat(20), repositoryId: '1' }).ownerId).toBe('9'.repeat(20));
  });

  test('fromFullName splits owner and name', () => {
    const repository = GitHubRepository.fromFullName('octo-org/octo-app');
    expect([repository.owner, repository.name]).toEqual(['octo-org', 'octo-app']);
  });

  test.each([
    ['a', 'b'],
    ['Octo-Org', 'Octo.App_1-x'],
    ['o'.repeat(39), 'r'.repeat(100)],
    ['octo-org', '.github'],
    ['octo-org', '..x'],
  ])('accepts owner %p and repository %p', (owner, name) => {
    expect(GitHubRepository.of(owner, name).fullName).toBe(`${owner}/${name}`);
  });
});

describe('refuses', () => {
  test.each([
    ['octo org', /Invalid GitHub owner 'octo org': owners are 1-39 letters, digits or single hyphens/],
    ['-octo', /Invalid GitHub owner '-octo'/],
    ['octo-', /Invalid GitHub owner 'octo-'/],
    ['octo--org', /Invalid GitHub owner 'octo--org'/],
    ['o'.repeat(40), /Invalid GitHub owner 'o{40}'/],
    ['', /Invalid GitHub owner ''/],
    ['octo_', /Invalid GitHub owner 'octo_'/],
    ['_acme', /Invalid GitHub owner '_acme'/],
    ['octocat_acme_x', /Invalid GitHub owner 'octocat_acme_x'/],
    ['octo*', /Invalid GitHub owner 'octo\*': wildcards \('\*', '\?'\) may not touch the owner/],
    ['*', /wildcards .* may not touch the owner/],
  ])('owner %p', (owner, message) => {
    expect(() => GitHubRepository.of(owner, 'octo-app')).toThrow(message);
  });

  test.each([
    ['octo app', /Invalid GitHub repository name 'octo app': repository names are 1-100 letters/],
    ['.', /Invalid GitHub repository name '.'/],
    ['..', /Invalid GitHub repository name '..'/],
    ['r'.repeat(101), /Invalid GitHub repository name 'r{101}'/],
    ['', /Invalid GitHub repository name ''/],
    ['octo-app.git', /drop the '.git' suffix/],
    ['octo-org/octo-app', /give the owner and the name separately/],
    ['octo-app*', /Invalid GitHub repository 'octo-app\*': wildcards .*octo-app\* also matches octo-app-evil/],
    ['octo-ap?', /wildcards .* may not touch/],
  ])('repository name %p', (name, message) => {
    expect(() => GitHubRepository.of('octo-org', name)).toThrow(message);
  });

  test.each([
    ['octo-org', /Invalid repository 'octo-org': give it as 'owner\/name'/],
    ['octo-org/octo-app/extra', /Invalid repository/],
  ])('full name %p', (fullName, message) => {
    expect(() => GitHubRepository.fromFullName(fullName)).toThrow(message);
  });

  test.each([
    [{ ownerId: '1' }, /has an owner ID but no repository ID: the immutable subject form repo:OWNER@OWNER_ID\/REPO@REPO_ID needs both/],
    [{ ownerId: 'octo', repositoryId: '1' }, /Invalid GitHub owner ID 'octo': IDs are positive whole numbers/],
    [{ ownerId: '1', repositoryId: '0' }, /Invalid GitHub repository ID '0'/],
    [{ ownerId: '1', repositoryId: '12*' }, /Invalid GitHub repository ID '12\*': wildcards/],
    [{ ownerId: 'v123', repositoryId: '1' }, /Invalid GitHub owner ID 'v123': IDs are positive whole numbers, such as the 'id' field that the GitHub REST API returns/],
    [{ ownerId: '1', repositoryId: '1'.repeat(21) }, /Invalid GitHub repository ID/],
  ])('repository IDs %p', (options, message) => {
    expect(() => GitHubRepository.of('octo-org', 'octo-app', options)).toThrow(message);
  });

  test.each([
    ['', /Invalid branch name '': it is empty/],
    ['refs/heads/main', /Invalid branch name 'refs\/heads\/main': give the branch name without the 'refs\/...' prefix \('main'\); the 'refs\/heads\/' part is added for you/],
    ['refs/tags/v1', /Invalid branch name 'refs\/tags\/v1': give the branch name without the 'refs\/...' prefix \('v1'\); the 'refs\/heads\/' part/],
    ['feature..x', /it contains '\.\.'/],
    ['feature x', /it contains a space or a control character/],
    ['feature\tx', /it contains a space or a control character/],
    ['a:b', /it contains ':'/],
    ['a~1', /it contains '~'/],
    ['a^', /it contains '\^'/],
    ['a[0]', /it contains '\['/],
    ['a\\b', /it contains '\\'/],
    ['/main', /empty '\/'-separated part/],
    ['main/', /empty '\/'-separated part/],
    ['a//b', /empty '\/'-separated part/],
    ['main.', /it ends with '\.'/],
    ['.hidden', /its part '\.hidden' starts with '\.' or ends with '\.lock'/],
    ['a/b.lock', /its part 'b\.lock'/],
    ['@', /it is '@'/],
    ['a@{1}', /it contains '@\{'/],
    ['-x', /it starts with '-'/],
    ['x'.repeat(256), /longer than 255 characters. Names follow git's ref-name rules; '\*' and '\?' are allowed as wildcards\./],
  ])('branch %p', (branch, message) => {
    expect(() => app.branch(branch)).toThrow(message);
  });

  test.each([
    ['refs/tags/v1', /Invalid tag name 'refs\/tags\/v1': give the tag name without the 'refs\/...' prefix \('v1'\); the 'refs\/tags\/' part is added for you/],
    ['v1 beta', /Invalid tag name 'v1 beta'/],
    ['', /Invalid tag name ''/],
  ])('tag %p', (tag, message) => {
    expect(() => app.tag(tag)).toThrow(message);
  });

  test.each([
    ['', /Invalid environment name '': environment names are 1-255 characters/],
    [' production', /leading or trailing space/],
    ['prod\n', /control character or leading or trailing space; use the name exactly as in the repository settings under Environments/],
    ['e'.repeat(256), /environment names are 1-255 characters/],
  ])('environment %p', (environment, message) => {
    expect(() => app.environment(environment)).toThrow(message);
  });
});

describe('GitHubSubject.fromClaims (custom subject templates)', () => {
  const shared = 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main';

  test('repo, context and job_workflow_ref, in template order', () => {
    const subject = GitHubSubject.fromClaims([
      GitHubClaim.repo(app), GitHubClaim.environment('prod'), GitHubClaim.jobWorkflowRef(shared),
    ]);
    expect(subject.value).toBe(`repo:octo-org/octo-app:environment:prod:job_workflow_ref:${shared}`);
    expect(subject.isPattern).toBe(false);
  });

  test('owner and repository IDs instead of names', () => {
    const subject = GitHubSubject.fromClaims([
      GitHubClaim.repositoryOwnerId('1234567'), GitHubClaim.repositoryId('89012345'), GitHubClaim.branch('main'),
    ]);
    expect(subject.value).toBe('repository_owner_id:1234567:repository_id:89012345:ref:refs/heads/main');
  });

  test('a reusable workflow pinned to tags by pattern', () => {
    const subject = GitHubSubject.fromClaims([
      GitHubClaim.repo(app), GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yaml@refs/tags/v*'),
    ]);
    expect(subject.isPattern).toBe(true);
  });

  test('a reusable workflow pinned to a commit', () => {
    const ref = `octo-org/shared/.github/workflows/deploy.yml@${'a'.repeat(40)}`;
    expect(GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.jobWorkflowRef(ref)]).value)
      .toBe(`repo:octo-org/octo-app:job_workflow_ref:${ref}`);
  });

  test('ID and workflow claims expose their key and text', () => {
    const ref = 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main';
    expect([GitHubClaim.repositoryOwnerId('1').key, GitHubClaim.repositoryOwnerId('1').text]).toEqual(['repository_owner_id', 'repository_owner_id:1']);
    expect([GitHubClaim.repositoryId('2').key, GitHubClaim.repositoryId('2').text]).toEqual(['repository_id', 'repository_id:2']);
    expect([GitHubClaim.jobWorkflowRef(ref).key, GitHubClaim.jobWorkflowRef(ref).text]).toEqual(['job_workflow_ref', `job_workflow_ref:${ref}`]);
  });

  test('claims expose their key and text', () => {
    expect([GitHubClaim.pullRequest().key, GitHubClaim.pullRequest().text]).toEqual(['context', 'pull_request']);
    expect([GitHubClaim.repo(app).key, GitHubClaim.repo(app).text]).toEqual(['repo', 'repo:octo-org/octo-app']);
  });

  describe('refuses', () => {
    test('no claims', () => {
      expect(() => GitHubSubject.fromClaims([])).toThrow(/needs at least one claim/);
    });

    test.each([
      [[GitHubClaim.repositoryOwnerId('1234567')], /does not name both the owner and the repository/],
      [[GitHubClaim.repositoryId('89012345'), GitHubClaim.branch('main')], /does not name both the owner and the repository/],
      [[GitHubClaim.branch('main')], /'ref:refs\/heads\/main' does not name both the owner and the repository/],
      [[GitHubClaim.jobWorkflowRef(shared)], /does not name both/],
      [[GitHubClaim.repo(app), GitHubClaim.branch('main'), GitHubClaim.tag('v1')], /has the 'context' claim twice/],
      [[GitHubClaim.repo(app), GitHubClaim.repo(app)], /has the 'repo' claim twice/],
    ])('%#: claims that do not pin one repository', (claims, message) => {
      expect(() => GitHubSubject.fromClaims(claims)).toThrow(message);
    });

    test.each([
      ['octo-org/shared/deploy.yml@refs/heads/main', /Invalid job_workflow_ref .* use 'owner\/repository\/.github\/workflows\/file.yml@refs\/heads\/branch'/],
      ['octo-org/shared/.github/workflows/deploy.yml', /Invalid job_workflow_ref/],
      ['octo-org/shared/.github/workflows/*.yml@refs/heads/main', /must name one file exactly/],
      ['octo-org/shared/.github/workflows/deploy.yml@main', /after '@' give 'refs\/heads\/<branch>'/],
      ['octo-*/shared/.github/workflows/deploy.yml@refs/heads/main', /wildcards .* may not touch the owner/],
      ['octo-org/shared/.github/workflows/deploy.yml@refs/heads/a..b', /Invalid branch name 'a\.\.b'/],
      ['octo-org/shared/.github/workflows/deploy.yml@refs/tags/v..1', /Invalid tag name 'v\.\.1'/],
      ['x/octo-org/shared/.github/workflows/deploy.yml@refs/heads/main', /Invalid job_workflow_ref .*\(or '@refs\/tags\/tag', or '@<commit SHA>'\)/],
      ['octo-org/shared/.github/workflows/deploy.yml@refs/heads/main\nx', /Invalid job_workflow_ref/],
      ['octo-org/bad repo/.github/workflows/deploy.yml@refs/heads/main', /Invalid GitHub repository name 'bad repo'/],
      ['octo-org/shared/.github/workflows/a:b.yml@refs/heads/main', /the workflow path '.github\/workflows\/a:b.yml' must name one file exactly \(no wildcards, ':' or '\.\.'\)/],
      [`octo-org/shared/.github/workflows/deploy.yml@x${'a'.repeat(40)}`, /or a full 40-character commit SHA/],
      [`octo-org/shared/.github/workflows/deploy.yml@${'a'.repeat(40)}x`, /or a full 40-character commit SHA/],
    ])('job_workflow_ref %p', (ref, message) => {
      expect(() => GitHubClaim.jobWorkflowRef(ref)).toThrow(message);
    });
  });
});

describe('GitHubSubject.fromString', () => {
  test.each([
    'repo:octo-org/octo-app:ref:refs/heads/main',
    'repo:octo-org/octo-app:ref:refs/tags/v*',
    'repo:octo-org/octo-app:environment:prod%3Aeu',
    'repo:octo-org/octo-app:pull_request',
    'repo:octo-org/octo-app:*',
    'repo:octo-org@1234567/octo-app@89012345:ref:refs/heads/main',
    'repo:octo-org/octo-app:environment:prod:job_workflow_ref:octo-org/shared/.github/workflows/deploy.yml@refs/heads/main',
    'repository_owner_id:1234567:repository_id:89012345:environment:prod',
  ])('reads back %p unchanged', value => {
    expect(GitHubSubject.fromString(value).value).toBe(value);
  });

  test('the repo claim alone is refused: under the default template no token matches it', () => {
    // The classic mistake: a sub without a context. A template of only `repo` would send it, but
    // gives every run, pull requests included, one sub, so the builders do not trust it.
    expect(() => GitHubSubject.fromString('repo:octo-org/octo-app')).toThrow(
      /Subject 'repo:octo-org\/octo-app' has no context: .*no token matches it\. Name the context, such as 'repo:octo-org\/octo-app:ref:refs\/heads\/main', or 'repo:octo-org\/octo-app:\*' for every run\./);
    expect(() => GitHubSubject.fromClaims([GitHubClaim.repo(app)])).toThrow(/has no context/);
    expect(GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main')]).admitsAnyContext).toBe(true);
  });

  test('a custom template of IDs without a context admits every context', () => {
    expect(GitHubSubject.fromString('repository_owner_id:1:repository_id:2').admitsAnyContext).toBe(true);
    expect(GitHubSubject.fromString('repository_owner_id:1:repository_id:2:pull_request').admitsAnyContext).toBe(false);
  });

  test('gives the same subject as the builder', () => {
    const fromString = GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/tags/v*');
    const built = app.tag('v*');
    expect([fromString.value, fromString.isPattern]).toEqual([built.value, built.isPattern]);
  });

  test.each([
    ['*', /Subject '\*' does not name both the owner and the repository/],
    ['repo:*', /Invalid repo claim '\*'/],
    ['repo:octo-org/*', /Invalid GitHub repository '\*': wildcards/],
    ['repo:octo-org/octo-app*', /Invalid GitHub repository 'octo-app\*': wildcards/],
    ['repo:octo-org/octo-app*:ref:refs/heads/main', /Invalid GitHub repository 'octo-app\*'/],
    ['repo:*/octo-app:ref:refs/heads/main', /Invalid GitHub owner '\*'/],
    ['repo:octo-org/octo-app:ref:main', /Invalid ref 'main' in a subject: refs are 'refs\/heads\/<branch>'/],
    ['repo:octo-org/octo-app:ref:refs/pull/1/head', /Invalid ref 'refs\/pull\/1\/head'/],
    ['repo:octo-org/octo-app:ref:refs/remotes/main', /Invalid ref 'refs\/remotes\/main' in a subject/],
    ['repo:octo-org/octo-app:environment', /cannot read the part 'environment'/],
    ['repo:octo-org/octo-app:workflow:deploy', /cannot read the part 'workflow'/],
    ['repo:octo-org/octo-app:*:ref:refs/heads/main', /cannot read the part '\*'/],
    ['octo-org/octo-app', /cannot read the part 'octo-org\/octo-app'/],
    ['', /cannot read the part ''/],
    ['repository_owner_id:1234567:ref:refs/heads/main', /does not name both the owner and the repository/],
    ['repo:octo-org@1/octo-app:pull_request', /has only one of the owner ID and the repository ID: the immutable form 'owner@OWNER_ID\/name@REPO_ID' needs both. Give both IDs, or neither/],
    ['repo:a/b/c:pull_request', /Invalid repo claim 'a\/b\/c' in a subject: use 'owner\/name' or 'owner@OWNER_ID\/name@REPO_ID'/],
    ['repo:octo-org/octo-app:ref', /cannot read the part 'ref'. Subjects are built from 'repo:<value>', 'ref:<value>', 'environment:<value>', 'job_workflow_ref:<value>', 'repository_owner_id:<value>', 'repository_id:<value>', 'pull_request' and a final '\*', such as 'repo:octo-org\/octo-app:ref:refs\/heads\/main'/],
  ])('refuses %p', (value, message) => {
    expect(() => GitHubSubject.fromString(value)).toThrow(message);
  });
});

describe('values known only at deploy time', () => {
  test('skip validation and are trusted exactly', () => {
    const stack = newStack();
    const branch = new CfnParameter(stack, 'Branch').valueAsString;
    const subject = app.branch(branch);
    expect(subject.isPattern).toBe(false);
    expect(stack.resolve(subject.value)).toEqual({
      'Fn::Join': ['', ['repo:octo-org/octo-app:ref:refs/heads/', { Ref: 'Branch' }]],
    });
  });

  test('may be IDs, environment names or reusable workflow references', () => {
    const stack = newStack();
    const value = (name: string) => new CfnParameter(stack, name).valueAsString;
    const repository = GitHubRepository.of('octo-org', 'octo-app', { ownerId: value('OwnerId'), repositoryId: value('RepositoryId') });
    expect(repository.environment(value('Environment')).isPattern).toBe(false);
    expect(GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.jobWorkflowRef(value('Workflow'))]).isPattern).toBe(false);
    expect(GitHubSubject.fromClaims([GitHubClaim.repositoryOwnerId(value('O')), GitHubClaim.repositoryId(value('R'))]).claims).toHaveLength(2);
  });

  test('may name the repository', () => {
    const stack = newStack();
    const repository = GitHubRepository.of('octo-org', new CfnParameter(stack, 'Repository').valueAsString);
    expect(repository.pullRequest().isPattern).toBe(false);
  });

  test('a whole subject string is trusted exactly', () => {
    const subject = GitHubSubject.fromString(Lazy.string({ produce: () => 'repo:octo-org/octo-app:pull_request' }));
    expect(subject.isPattern).toBe(false);
    expect(subject.admitsAnyContext).toBe(false);
  });

  test('may stand next to a wildcard, because they are escaped at deployment (judged in trust-oracle.test.ts)', () => {
    const stack = newStack();
    const owner = new CfnParameter(stack, 'Owner').valueAsString;
    expect(GitHubRepository.of(owner, 'octo-app').branch('release/*').isPattern).toBe(true);
  });

  test('may not name the issuer-independent full name', () => {
    const stack = newStack();
    expect(() => GitHubRepository.fromFullName(new CfnParameter(stack, 'Repo').valueAsString))
      .toThrow(/known at synth time; for a deploy-time value use GitHubRepository.of\(owner, name\)/);
  });
});

describe('name checks, to the letter', () => {
  const deployTime = () => new CfnParameter(newStack(), 'Part').valueAsString;

  test('a deploy-time owner with a known part: only the characters owners hold may stand around it', () => {
    expect(() => GitHubRepository.of(`octo-${deployTime()}`, 'octo-app')).not.toThrow();
    expect(() => GitHubRepository.of(`octo org-${deployTime()}`, 'octo-app'))
      .toThrow(/^Invalid GitHub owner '.*': its known part holds ' ', which no GitHub owner can hold\. Give the value whole as a parameter, or only characters it may hold around one\.$/);
  });

  test('a deploy-time environment name with a known part: control characters are refused around it', () => {
    expect(() => app.environment(`prod-${deployTime()}`)).not.toThrow();
    expect(() => app.environment(`prod\t${deployTime()}`)).toThrow(/^Invalid environment name '.*': its known part holds/);
  });

  test('a ref name given with its prefix: the message names the name to give instead', () => {
    expect(() => app.branch('refs/heads/release/v1')).toThrow("give the branch name without the 'refs/...' prefix ('release/v1'); the 'refs/heads/' part is added for you.");
    expect(() => app.tag('refs/heads/v1')).toThrow("('v1'); the 'refs/tags/' part is added for you.");
    expect(() => app.branch(`refs/heads/${deployTime()}`)).toThrow(/give the branch name without the 'refs\/\.\.\.' prefix; the 'refs\/heads\/' part is added for you\.$/);
    expect(() => app.branch(`release-${deployTime()}`)).not.toThrow();
  });

  test('a job_workflow_ref: hidden characters, and pull request refs checked like the ref claim', () => {
    expect(() => GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/ma\u00adin'))
      .toThrow(/^Invalid job_workflow_ref 'octo-org\/shared\/\.github\/workflows\/deploy\.yml@refs\/heads\/ma<U\+00AD>in': it contains U\+00AD/);
    expect(() => GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/pull/12/merge')).not.toThrow();
    expect(() => GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/pull/x/merge')).toThrow(/^Invalid ref 'refs\/pull\/x\/merge'/);
  });

  test('a pull request ref is matched whole', () => {
    expect(() => GitHubClaim.ref('refs/pull/7/merge')).not.toThrow();
    expect(() => GitHubClaim.ref('refs/pull/7/merge/extra')).toThrow(/^Invalid ref 'refs\/pull\/7\/merge\/extra'/);
    expect(() => GitHubClaim.ref('xrefs/pull/7/merge')).toThrow(/^Invalid ref 'xrefs\/pull\/7\/merge'/);
  });

  test('a wildcard next to a deploy-time value: the message says what to do', () => {
    expect(() => GitHubClaim.ref(`refs/heads/${deployTime()}*`))
      .toThrow(/where the wildcard falls cannot be checked\. Give the whole value at synth time, or leave the wildcard out\.$/);
  });
});

describe('subject details users rely on', () => {
  const deployTime = (id = 'Part') => new CfnParameter(newStack(), id).valueAsString;

  test('fromFullName: IDs in the name and in the options are refused; in either place they are kept', () => {
    expect(() => GitHubRepository.fromFullName('octo-org@1/octo-app', { repositoryId: '2' }))
      .toThrow("Repository 'octo-org@1/octo-app' has its IDs in the name and in the options: give them once.");
    expect(() => GitHubRepository.fromFullName('octo-org/octo-app@2', { ownerId: '1' })).toThrow(/in the name and in the options/);
    const named = GitHubRepository.fromFullName('octo-org@1/octo-app@2');
    expect([named.ownerId, named.repositoryId]).toEqual(['1', '2']);
    expect(GitHubRepository.fromFullName('octo-org/octo-app').ownerId).toBeUndefined();
    expect(() => GitHubRepository.fromFullName('octo-org@1/octo-app')).toThrow(/has only one of the owner ID and the repository ID/);
    const optioned = GitHubRepository.fromFullName('octo-org/octo-app', { ownerId: '1', repositoryId: '2' });
    expect([optioned.ownerId, optioned.repositoryId]).toEqual(['1', '2']);
    expect(() => GitHubRepository.fromFullName('octo-org')).toThrow(
      "Invalid repository 'octo-org': give it as 'owner/name', such as 'octo-org/octo-app', or with IDs as 'octo-org@1234567/octo-app@89012345'.");
    expect(() => GitHubRepository.fromFullName(deployTime())).toThrow(/, known at synth time; for a deploy-time value use GitHubRepository\.of\(owner, name\)\.$/);
  });

  test('the most a deploy-time part can add to the trust policy: its longest value, each character escaped as ${$}', () => {
    // Owners are at most 60 characters here, names 100, IDs 20; an escaped character takes 4.
    const owner = deployTime('Owner');
    expect(GitHubRepository.of(owner, 'octo-app').branch('main')._longestAtDeployment).toBe(60 * 4);
    expect(GitHubRepository.of(owner, deployTime('Name')).branch('main')._longestAtDeployment).toBe((60 + 100) * 4);
    expect(GitHubRepository.of('octo-org', 'octo-app', { ownerId: deployTime('O'), repositoryId: deployTime('R') }).branch('main')._longestAtDeployment)
      .toBe((20 + 20) * 4);
    expect(GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.environment('prod'), GitHubClaim.ref(deployTime())])._longestAtDeployment).toBeGreaterThan(0);
    expect(GitHubSubject.fromClaims([GitHubClaim.repo(app), GitHubClaim.environment('prod'), GitHubClaim.jobWorkflowRef(deployTime())])._longestAtDeployment)
      .toBeGreaterThan(0);
  });

  test('ref claims: branch and tag names are checked like the builders check them', () => {
    expect(() => GitHubClaim.ref('refs/heads/bad..name')).toThrow(/Invalid branch name/);
    expect(() => GitHubClaim.ref('refs/tags/bad..tag')).toThrow(/Invalid tag name/);
    expect(() => GitHubClaim.ref('refs/tags/v1.0.0')).not.toThrow();
    expect(() => GitHubClaim.repositoryOwnerId('abc')).toThrow(/owner ID/);
  });

  test('wildcards may stand before claims that pin nothing', () => {
    expect(() => GitHubSubject.fromClaims([
      GitHubClaim.repo(app), GitHubClaim.branch('release/*'), GitHubClaim.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
    ])).not.toThrow();
  });

  test('a ref claim against the context: contradictions refused, patterns and deploy-time values let through', () => {
    const subject = (...claims: GitHubClaim[]) => () => GitHubSubject.fromClaims([GitHubClaim.repo(app), ...claims]);
    expect(subject(GitHubClaim.branch('ma*'), GitHubClaim.ref('refs/pull/1/merge'))).toThrow(/no token could ever match it/);
    expect(subject(GitHubClaim.branch('main'), GitHubClaim.ref('refs/heads/dev'))).toThrow(/no token could ever match it/);
    expect(subject(GitHubClaim.branch('rel/*'), GitHubClaim.ref('refs/heads/rel/1'))).not.toThrow();
    expect(subject(GitHubClaim.branch('main'), GitHubClaim.ref(`refs/heads/${deployTime()}`))).not.toThrow();
    expect(subject(GitHubClaim.branch(deployTime()), GitHubClaim.ref('refs/heads/main'))).not.toThrow();
  });

  test('a subject with a ref that is neither a branch, a tag nor a pull request: the message lists the forms', () => {
    expect(() => GitHubSubject.fromString('repo:octo-org/octo-app:ref:refs/notes/x'))
      .toThrow("Invalid ref 'refs/notes/x' in a subject: refs are 'refs/heads/<branch>', 'refs/tags/<tag>' or, after a context, 'refs/pull/<number>/merge'.");
  });
});
