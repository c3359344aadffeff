import { CollectionTag, parseDocument, ScalarTag } from 'yaml';
import { deployTimeValue, hasDeployTimeValue, IAM_ESCAPES, soleDeployTimeValue } from './deploy-time';
import { isObject } from './policy-document';

/**
 * Where trust policies come from: a policy document, `aws iam get-role`, `aws iam list-roles`,
 * `aws iam get-account-authorization-details`, or a CloudFormation template (JSON or YAML,
 * including `cdk.out/*.template.json`). Each is recognized by its shape.
 */

/** A role's trust policy and where it was read. */
export interface RoleTrust {
  /** The role's name (or ARN, or logical ID in a template). */
  readonly role: string;
  /** The file (and place in it) the policy was read from, such as `template.yaml: Resources.DeployRole`. */
  readonly source: string;
  /** Text that first appears where the role starts in the file (its name or logical ID). */
  readonly anchor: string;
  /** The policy document, with what only deployment knows written as `deployTimeValue()` marks. */
  readonly document: unknown;
}

/** Reads the roles of a file's text; `name` names the file in messages. */
export function rolesIn(text: string, name: string): RoleTrust[] {
  const parsed = parse(text, name);
  if (!isObject(parsed)) throw new Error(`${name}: expected a JSON or YAML object, found ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`);
  if (parsed.Statement !== undefined) {
    return [{ role: name, source: name, anchor: 'Statement', document: parsed }];
  }
  if (isObject(parsed.Role)) {
    return [roleOf(parsed.Role, name, name)];
  }
  if (Array.isArray(parsed.Roles)) {
    return parsed.Roles.map((role: unknown, index: number) => roleOf(role, `${name}: Roles[${index}]`, name));
  }
  if (Array.isArray(parsed.RoleDetailList)) {
    return parsed.RoleDetailList.map((role: unknown, index: number) => roleOf(role, `${name}: RoleDetailList[${index}]`, name));
  }
  if (isObject(parsed.Resources)) {
    return templateRoles(parsed, name);
  }
  throw new Error(
    `${name}: cannot tell what this is. Give a trust policy document (with a Statement), the output of 'aws iam get-role', ` +
    "'aws iam list-roles' or 'aws iam get-account-authorization-details', or a CloudFormation template (with Resources).",
  );
}

function parse(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: read it as YAML, with CloudFormation's short forms of its functions.
  }
  const document = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: false });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
    throw new Error(`${name}:${line}:${column}: neither JSON nor YAML: ${error.message.split('\n')[0]}`);
  }
  return document.toJS({ maxAliasCount: 100 });
}

function roleOf(role: unknown, source: string, name: string): RoleTrust {
  if (!isObject(role) || role.AssumeRolePolicyDocument === undefined) {
    throw new Error(`${source}: a role without AssumeRolePolicyDocument.`);
  }
  const label = typeof role.RoleName === 'string' ? role.RoleName : typeof role.Arn === 'string' ? role.Arn : name;
  return { role: label, source, anchor: label, document: role.AssumeRolePolicyDocument };
}

function templateRoles(template: { [key: string]: any }, name: string): RoleTrust[] {
  const resources = template.Resources as { [id: string]: any };
  return Object.entries(resources)
    .filter(([, resource]) => isObject(resource) && resource.Type === 'AWS::IAM::Role')
    .filter(([, resource]) => isObject(resource.Properties) && resource.Properties.AssumeRolePolicyDocument !== undefined)
    .map(([id, resource]) => ({
      role: typeof resource.Properties.RoleName === 'string' ? resource.Properties.RoleName : id,
      source: `${name}: Resources.${id}`,
      anchor: id,
      document: resolveIntrinsics(resource.Properties.AssumeRolePolicyDocument, resources),
    }));
}

/**
 * A template's value with the functions whose result is known before deployment worked out:
 * `Fn::Join`, `Fn::Sub`, `Fn::Split`, `Fn::Select`, the partition, and the `Ref` or `Arn` of an
 * OIDC provider in the same template, and IAM's escapes of a value only deployment knows.
 * Everything else stands as a `deployTimeValue()`.
 */
export function resolveIntrinsics(value: unknown, resources: { [id: string]: any }): any {
  if (Array.isArray(value)) return value.map(item => resolveIntrinsics(item, resources));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return intrinsic(keys[0], value[keys[0]], resources);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveIntrinsics(item, resources)]));
}

function intrinsic(name: string, argument: any, resources: { [id: string]: any }): any {
  const resolved = resolveIntrinsics(argument, resources);
  switch (name) {
    case 'Ref': return typeof resolved === 'string' ? reference(resolved, undefined, resources) : deployTimeValue();
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(resolved) ? resolved : String(resolved).split(/\.(.*)/s);
      return reference(String(id), String(attribute), resources);
    }
    case 'Fn::Join': {
      if (!Array.isArray(resolved) || typeof resolved[0] !== 'string') return deployTimeValue();
      const [separator, items] = resolved;
      if (isSplitDeployTimeValue(items)) {
        // Fn::Join over Fn::Split of a deploy-time value replaces what it was split on with the separator: IAM's
        // escape of that character escapes it, and a separator with no bare '$', '*' or '?' keeps what was escaped.
        if (IAM_ESCAPES[items.splitOn] === separator) return deployTimeValue(items.escaped + items.splitOn);
        const bare = separator.replace(/\$\{[$*?]\}/g, '');
        return /[$*?]/.test(bare) ? deployTimeValue() : deployTimeValue(items.escaped);
      }
      return Array.isArray(items) ? items.map(item => typeof item === 'string' ? item : deployTimeValue()).join(separator) : deployTimeValue();
    }
    case 'Fn::Split': {
      if (!Array.isArray(resolved) || typeof resolved[0] !== 'string' || typeof resolved[1] !== 'string') return deployTimeValue();
      const escaped = soleDeployTimeValue(resolved[1]);
      if (escaped !== undefined) return { splitOn: resolved[0], escaped };
      return hasDeployTimeValue(resolved[1]) ? deployTimeValue() : resolved[1].split(resolved[0]);
    }
    case 'Fn::Select':
      return Array.isArray(resolved) && Array.isArray(resolved[1]) && resolved[1][Number(resolved[0])] !== undefined
        ? resolved[1][Number(resolved[0])] : deployTimeValue();
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(resolved) ? resolved : [resolved, {}];
      if (typeof text !== 'string') return deployTimeValue();
      return text.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, inner: string) => {
        if (literal) return `\${${inner}}`;
        if (isObject(variables) && typeof variables[inner] === 'string') return variables[inner];
        const [id, attribute] = inner.split(/\.(.*)/s);
        const known = reference(id, attribute, resources);
        return typeof known === 'string' ? known : deployTimeValue();
      });
    }
    default:
      return deployTimeValue();
  }
}

/** A deploy-time value split on a character, on its way to being escaped by `Fn::Join`. */
interface SplitDeployTimeValue {
  readonly splitOn: string;
  readonly escaped: string;
}

function isSplitDeployTimeValue(value: unknown): value is SplitDeployTimeValue {
  return isObject(value) && typeof value.splitOn === 'string' && typeof value.escaped === 'string';
}

/** A `Ref` or `Fn::GetAtt`: the partition, or an OIDC provider's ARN in this template; else unknown. */
function reference(id: string, attribute: string | undefined, resources: { [id: string]: any }): string {
  if (id === 'AWS::Partition' && attribute === undefined) return 'aws';
  const resource = resources[id];
  const isProvider = isObject(resource) && (resource.Type === 'AWS::IAM::OIDCProvider' || resource.Type === 'Custom::AWSCDKOpenIdConnectProvider');
  if (!isProvider || (attribute !== undefined && attribute !== 'Arn')) return deployTimeValue();
  const url = resolveIntrinsics(resource.Properties?.Url, resources);
  return typeof url === 'string' && !hasDeployTimeValue(url)
    ? `arn:aws:iam::${deployTimeValue()}:oidc-provider/${url.replace(/^https:\/\//, '')}` : deployTimeValue();
}

/** CloudFormation's short forms (`!Ref`, `!Sub`, ...) read as the long forms. */
const CLOUDFORMATION_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Split', 'Select', 'ImportValue', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap',
  'Base64', 'GetAZs', 'Cidr', 'Condition', 'Transform', 'ToJsonString', 'Length',
].flatMap((name): Array<ScalarTag | CollectionTag> => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split(/\.(.*)/s).slice(0, 2) : value });
  const identify = () => false;
  return [
    { tag: `!${name}`, identify, resolve: (value: string) => wrap(value) },
    { tag: `!${name}`, collection: 'seq', identify, resolve: value => wrap(value.toJSON()) },
    { tag: `!${name}`, collection: 'map', identify, resolve: value => wrap(value.toJSON()) },
  ];
});
