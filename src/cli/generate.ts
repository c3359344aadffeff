import * as path from 'path';
import { CliIo } from './command';
import { assertWritableDirectory, present, unchanged, writeAll } from './files';
import { HELP, parseCliOptions } from './generate-options';
import { synthesizeCliStack } from './generate-stack';
import { runManifest } from './manifest/manifest-command';
import { manifestJsonSchema } from './manifest/manifest-schema';
import { stackSetSteps } from './stack-set-steps';

/**
 * The main command: turns repository names into a deployable CloudFormation template
 * and the GitHub Actions workflow that uses its role.
 */
export function runGenerate(args: string[], io: CliIo): number {
  const options = parseCliOptions(args, io.env);
  if (options === undefined) {
    io.stdout(HELP);
    return 0;
  }
  if (options.configSchema) {
    io.stdout(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (options.config !== undefined) return runManifest({ ...options, config: options.config }, io);
  const out = path.resolve(io.cwd, options.out);
  const templateFile = path.join(out, `${options.stackName}.template.yaml`);
  const workflowFile = path.join(out, '.github', 'workflows', `${options.stackName}.yml`);
  assertWritableDirectory(out, options.out);
  assertWritableDirectory(path.dirname(workflowFile), options.out);
  const result = synthesizeCliStack(options);

  const contents = new Map([[templateFile, result.template], [workflowFile, result.workflow]]);
  const changed = [...contents].filter(([file, text]) => !unchanged(file, text));
  if (changed.some(([file]) => present(file)) && !options.force) {
    throw new Error(
      `Not overwriting ${changed.filter(([file]) => present(file)).map(([file]) => file).join(' and ')}: it exists (or is a ` +
      'link) and differs from what this run would write. Move it away, choose another --out or --stack-name, or add --force.',
    );
  }
  writeAll(changed);

  const shown = (file: string) => (file.startsWith(`${io.cwd}${path.sep}`) ? path.relative(io.cwd, file) : file);
  const variables = [...result.workflow.matchAll(/^# Before the first run, set the repository variable (\w+) to (.*)\.$/gm)];
  if (options.stackSet) {
    io.stdout([
      `Wrote ${shown(templateFile)} (CloudFormation template for a StackSet, ${result.resourceCount} resources)`,
      `Wrote ${shown(workflowFile)} (GitHub Actions workflow)`,
      '',
      'Next steps:',
      ...stackSetSteps(shown(templateFile), options.stackName, options.region, Buffer.byteLength(result.template, 'utf8')),
      `  3. In ${options.repositories.join(', ')}, set the repository variable the workflow's first lines name to the role's ARN in the`,
      `     account it deploys to, arn:aws:iam::ACCOUNT:role/${options.roleName}; where each environment deploys to another account, set it`,
      '     as an environment variable of each environment (Settings > Environments) instead: the job reads that one first.',
      `  4. Commit ${path.relative(out, workflowFile)} to ${options.repositories.join(', ')}.`,
      '',
    ].join('\n'));
    return 0;
  }
  io.stdout([
    `Wrote ${shown(templateFile)} (CloudFormation template, ${result.resourceCount} resources)`,
    `Wrote ${shown(workflowFile)} (GitHub Actions workflow)`,
    '',
    'Next steps:',
    '  1. Deploy the template:',
    `     aws cloudformation deploy --template-file ${shown(templateFile)} --stack-name ${options.stackName} \\`,
    `       --capabilities CAPABILITY_NAMED_IAM --region ${options.region}`,
    '  2. Read its outputs:',
    `     aws cloudformation describe-stacks --stack-name ${options.stackName} --region ${options.region} \\`,
    "       --query 'Stacks[0].Outputs' --output table",
    ...Object.entries(result.outputs).map(([key, description]) => `       ${key}: ${description}`),
    ...(variables.length > 0
      ? [`  3. In ${options.repositories.join(', ')}, set these repository variables (Settings > Secrets and variables > Actions):`,
        ...variables.map(([, name, value]) => `       ${name}: ${value}`)]
      : ['  3. Nothing to configure in the repository: the workflow names the role directly.']),
    `  4. Commit ${path.relative(out, workflowFile)} to ${options.repositories.join(', ')}.`,
    '',
  ].join('\n'));
  return 0;
}
