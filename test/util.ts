import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/**
 * Where tests leave every template they synthesize, for cfn-lint (test/python/test_cfn_lint.py).
 */
export const TEMPLATE_DIR = path.join(__dirname, '..', 'test-reports', 'cfn-templates');

/**
 * A stack in its own app, in a known account and region unless told otherwise.
 */
export function newStack(props: StackProps = { env: { account: ACCOUNT, region: REGION } }): Stack {
  return new Stack(new App(), 'Ci', props);
}

const written = new Map<string, number>();

/**
 * Synthesizes a stack and keeps its template for the cfn-lint suite.
 */
export function synth(stack: Stack): Template {
  const template = Template.fromStack(stack);
  const testName = expect.getState().currentTestName ?? 'unnamed';
  const base = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 120);
  const count = (written.get(base) ?? 0) + 1;
  written.set(base, count);
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  fs.writeFileSync(path.join(TEMPLATE_DIR, `${base}-${count}.json`), JSON.stringify(template.toJSON(), null, 1));
  return template;
}

/**
 * The logical IDs of a template's resources of one type.
 */
export function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
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
 * parameter values filled in, an OIDC provider's `Ref` replaced by its ARN.
 */
export function deployedValue(
  value: any,
  template: Template,
  partition = 'aws',
  parameters: { [name: string]: string } = {},
): any {
  const resources = template.toJSON().Resources ?? {};
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
      return parts.map(visit).join(separator);
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
