import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/**
 * Where tests leave what they generate, for the independent checkers in test/python:
 * every template for cfn-lint, every workflow for actionlint.
 */
export const TEMPLATE_DIR = path.join(__dirname, '..', 'test-reports', 'cfn-templates');
export const WORKFLOW_DIR = path.join(__dirname, '..', 'test-reports', 'workflows');

/**
 * A stack in its own app, in a known account and region unless told otherwise.
 */
export function newStack(props: StackProps = { env: { account: ACCOUNT, region: REGION } }): Stack {
  return new Stack(new App(), 'Ci', props);
}

/**
 * Synthesizes a stack and keeps its template for the cfn-lint suite.
 */
export function synth(stack: Stack): Template {
  const template = Template.fromStack(stack);
  keep(TEMPLATE_DIR, 'json', JSON.stringify(template.toJSON(), null, 1));
  return template;
}

/**
 * Keeps a rendered workflow (or a YAML template) for the actionlint (or cfn-lint) suite; returns it.
 */
export function keepWorkflow(text: string): string {
  keep(WORKFLOW_DIR, 'yml', text);
  return text;
}

export function keepYamlTemplate(text: string): string {
  keep(TEMPLATE_DIR, 'yaml', text);
  return text;
}

const written = new Map<string, number>();

function keep(dir: string, extension: string, text: string): void {
  const testName = expect.getState().currentTestName ?? 'unnamed';
  const base = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 120);
  const count = (written.get(`${dir}/${base}`) ?? 0) + 1;
  written.set(`${dir}/${base}`, count);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${base}-${count}.${extension}`), text);
}

/**
 * The trust policy of the template's only role (or the named one), with CloudFormation's
 * references replaced by the values they take when deployed in `ACCOUNT` in the `aws` partition.
 */
export function trustPolicy(
  template: Template,
  roleLogicalId?: string,
  partition = 'aws',
  parameters: { [name: string]: string } = {},
): any {
  const roles = template.findResources('AWS::IAM::Role');
  const id = roleLogicalId ?? onlyKey(roles);
  return deployedValue(roles[id].Properties.AssumeRolePolicyDocument, template, partition, parameters);
}

/**
 * A value as CloudFormation would deploy it: pseudo parameters and the given
 * parameter values filled in (an export's value under `import:<name>`), an OIDC
 * provider's `Ref` replaced by its ARN, `Fn::Join` and `Fn::Split` evaluated.
 */
export function deployedValue(
  value: any,
  template?: Template,
  partition = 'aws',
  parameters: { [name: string]: string } = {},
): any {
  const resources = template?.toJSON().Resources ?? {};
  const visit = (node: any): any => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    if ('Ref' in node) {
      if (node.Ref === 'AWS::Partition') return partition;
      if (node.Ref === 'AWS::AccountId') return ACCOUNT;
      if (node.Ref === 'AWS::Region') return REGION;
      if (node.Ref in parameters) return parameters[node.Ref];
      const resource = resources[node.Ref];
      if (resource?.Type === 'AWS::IAM::OIDCProvider') {
        const url: string = resource.Properties.Url;
        return `arn:${partition}:iam::${ACCOUNT}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
      }
      throw new Error(`No deployed value for Ref ${node.Ref}`);
    }
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'];
      return visit(parts).join(separator);
    }
    if ('Fn::Split' in node) {
      const [separator, source] = node['Fn::Split'];
      return String(visit(source)).split(separator);
    }
    if ('Fn::ImportValue' in node) {
      const name = visit(node['Fn::ImportValue']);
      if (!(`import:${name}` in parameters)) throw new Error(`No deployed value for the export ${name}`);
      return parameters[`import:${name}`];
    }
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
  };
  return visit(value);
}

function onlyKey(record: { [key: string]: unknown }): string {
  const keys = Object.keys(record);
  if (keys.length !== 1) throw new Error(`Expected exactly one, found ${keys.length}: ${keys.join(', ')}`);
  return keys[0];
}

/**
 * A value of a template as deployed with the given parameter values (others at their defaults):
 * `Fn::Equals` conditions decided, `Fn::If` taken, then `deployedValue`; and the resources created.
 */
export function deployedWith(template: any, parameters: { [name: string]: string }, value: any): { value: any; created: string[] } {
  const conditions: { [name: string]: boolean } = {};
  for (const [name, condition] of Object.entries<any>(template.Conditions ?? {})) {
    const [left, right] = condition['Fn::Equals'];
    const resolve = (side: any) => (typeof side === 'object' && side.Ref ? parameters[side.Ref] ?? template.Parameters[side.Ref].Default : side);
    conditions[name] = resolve(left) === resolve(right);
  }
  const visit = (node: any): any => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    if ('Fn::If' in node) return visit(conditions[node['Fn::If'][0]] ? node['Fn::If'][1] : node['Fn::If'][2]);
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
  };
  const created = Object.entries<any>(template.Resources).filter(([, r]) => r.Condition === undefined || conditions[r.Condition]).map(([id]) => id);
  return { value: deployedValue(visit(value), Template.fromJSON({ Resources: template.Resources })), created };
}
