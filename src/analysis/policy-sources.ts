import { CollectionTag, parseDocument, ScalarTag } from 'yaml';
import { isObject } from './policy-document';
import { escapeRegExp, RoleTrust, templateRoles } from './template-roles';

/**
 * Where trust policies come from: a policy document, `aws iam get-role`, `aws iam list-roles`,
 * `aws iam get-account-authorization-details`, or a CloudFormation template (JSON or YAML,
 * including `cdk.out/*.template.json`). Each is recognized by its shape.
 */

/** Reads the roles of a file's text; `name` names the file in messages. */
export function rolesIn(text: string, name: string): RoleTrust[] {
  const parsed = parse(text, name);
  if (!isObject(parsed)) throw new Error(`${name}: expected a JSON or YAML object, found ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`);
  if (parsed.Statement !== undefined) {
    return [{ role: name, source: name, anchor: name, anchorPattern: '"?Statement"?\\s*:', documents: [parsed] }];
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
  const field = typeof role.RoleName === 'string' ? 'RoleName' : 'Arn';
  return {
    role: label,
    source,
    anchor: label,
    anchorPattern: `"?${field}"?\\s*:\\s*["']?${escapeRegExp(label)}["']?\\s*(?:,|$)`,
    documents: [role.AssumeRolePolicyDocument],
  };
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
