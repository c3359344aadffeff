import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActionsRole, GitHubClaimCondition, GitHubOidcProvider, GitHubRepository, GitHubTrustChecks } from '../src';
import { keepWorkflow, newStack, synth, trustPolicy } from './util';
import { runCli } from '../src/cli';

// The README's example output is what the commands print today, and its workflow passes actionlint.

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const FIXTURES = path.join(__dirname, 'fixtures', 'readme');

/** The fenced block of the given language that follows the first line containing `after`. */
function blockAfter(after: string, language: string): string {
  const start = README.indexOf(after);
  expect(start).toBeGreaterThanOrEqual(0);
  const open = README.indexOf(`\`\`\`${language}\n`, start);
  return README.slice(open + language.length + 4, README.indexOf('\n```', open));
}

function run(command: string): string {
  let stdout = '';
  runCli(command.split(' ').slice(2), { env: {}, cwd: FIXTURES, stdout: text => { stdout += text; }, stderr: text => { stdout += text; } });
  return stdout.trimEnd();
}

test.each([
  'npx cdk-github-actions-oidc explain --policy trust-policy.json --sub repo:octo-org/octo-app:environment:production',
  'npx cdk-github-actions-oidc audit get-role.json',
])('the README shows what `%s` prints', command => {
  expect(blockAfter(command, 'text')).toBe(run(command));
});

test('the README shows the error the aspect gives an iam.Role that checks only the audience', () => {
  const app = new App();
  const stack = new Stack(app, 'Ci');
  const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'GitHub',
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
  new iam.Role(stack, 'Deploy', {
    assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
  });
  GitHubTrustChecks.addTo(app);
  const messages = app.synth().getStackByName('Ci').messages.map(message => `[${message.level === 'error' ? 'Error' : message.level} at ${message.id}] ${message.entry.data}`);
  expect(messages).toEqual([blockAfter('fails `cdk synth` with', 'text')]);
});

test('the README\'s scheduled audit workflow goes to actionlint', () => {
  const workflow = blockAfter('with findings sent to code scanning', 'yaml');
  expect(workflow).toMatch(/^name: Audit GitHub trust\n/);
  keepWorkflow(workflow);
});

test("the README shows the conditions a role's claim conditions write", () => {
  const stack = newStack();
  const app = GitHubRepository.of('octo-org', 'octo-app');
  new GitHubActionsRole(stack, 'Production', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub'),
    subjects: [
      app.environment('production').withConditions(
        GitHubClaimCondition.ref('refs/heads/main'),
        GitHubClaimCondition.jobWorkflowRef('octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'),
      ),
    ],
    claimConditions: [GitHubClaimCondition.notActor('dependabot[bot]')],
  });
  const statements = trustPolicy(synth(stack)).Statement;
  expect(statements).toHaveLength(1);
  expect(JSON.stringify(statements[0].Condition, null, 2)).toBe(blockAfter("writes this statement's conditions", 'json'));
});

describe("the README's manifest", () => {
  function runIn(dir: string, args: string[]): string {
    let output = '';
    runCli(args, { env: {}, cwd: dir, stdout: text => { output += text; }, stderr: text => { output += text; } });
    return output.trimEnd();
  }

  test('writes what the README says it writes, and prints its next steps', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-manifest-'));
    fs.writeFileSync(path.join(dir, 'roles.yaml'), `${blockAfter('Write the roles in a', 'yaml')}\n`);
    expect(blockAfter('npx cdk-github-actions-oidc --config roles.yaml --out out', 'text')).toBe(runIn(dir, ['--config', 'roles.yaml', '--out', 'out']));
    const schema = JSON.parse(runIn(dir, ['--config-schema']));
    expect(schema.title).toBe('cdk-github-actions-oidc manifest');
  });

  test('reports mistakes as the README shows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-manifest-'));
    fs.writeFileSync(path.join(dir, 'roles.yaml'), [
      'region: eu-west-1', 'roles:', '  - name: deploy', '    repositories: [octo-org/octo-app]', '    branchs: [main]', '    tags: v*', '',
    ].join('\n'));
    expect(blockAfter('**Mistakes are reported all at once', 'text')).toBe(runIn(dir, ['--config', 'roles.yaml']).replace(/\nRun with --help for the flags\.$/, ''));
  });
});
