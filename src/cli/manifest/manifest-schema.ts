/**
 * The manifest's schema, written once: the validator below walks a parsed YAML (or JSON) document
 * with it, and `manifestJsonSchema()` gives the same rules to editors as JSON Schema.
 */

/** One field of the manifest. */
export interface FieldSchema {
  readonly type: 'string' | 'boolean' | 'list' | 'object' | 'repository';
  readonly description: string;
  readonly required?: boolean;
  /** For strings: the values allowed. */
  readonly oneOf?: string[];
  /** For lists: the schema of each item. */
  readonly items?: FieldSchema;
  /** For objects: their fields. */
  readonly fields?: { [name: string]: FieldSchema };
  /** An example, shown in the fix of an error. */
  readonly example?: string;
  /** For strings: a whole number written without quotes is taken as its digits (IDs). */
  readonly digits?: boolean;
}

const strings = (description: string, example: string): FieldSchema => ({ type: 'list', description, items: { type: 'string', description, example }, example: `[${example}]` });

/** A repository: `owner/name`, `owner@OWNER_ID/name@REPO_ID`, or `{ name, repositoryId }`. */
const REPOSITORY: FieldSchema = {
  type: 'repository',
  description: "a repository: 'owner/name', 'owner@OWNER_ID/name@REPO_ID', or { name: owner/name, repositoryId: ID } for name-form subjects pinned by the repository ID",
  example: 'octo-org/octo-app',
  fields: {
    name: { type: 'string', required: true, description: "the repository as 'owner/name'", example: 'octo-org/octo-app' },
    repositoryId: { type: 'string', required: true, digits: true, description: "the repository's numeric ID", example: "'89012345'" },
  },
};

const CONDITIONS: FieldSchema = {
  type: 'object',
  description: 'claim conditions every subject of the role must also meet',
  fields: {
    notActors: strings('logins whose runs the role refuses', "'dependabot[bot]'"),
    actor: { type: 'string', description: 'the only login whose runs the role admits', example: "'deploy-bot[bot]'" },
    actorId: { type: 'string', digits: true, description: 'the numeric ID of the only account whose runs the role admits', example: "'49699333'" },
    jobWorkflowRef: { type: 'string', description: 'the reusable workflow that must run the job', example: 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main' },
    enterpriseId: { type: 'string', digits: true, description: "the enterprise's numeric ID", example: "'11468'" },
    ref: { type: 'string', description: 'the ref environments may deploy from', example: 'refs/heads/main' },
  },
};

const ROLE: FieldSchema = {
  type: 'object',
  description: 'a role that GitHub Actions workflows assume',
  fields: {
    name: { type: 'string', required: true, description: 'the IAM role name, fixed so that its ARN is known in every account', example: 'octo-app-deploy' },
    repositories: { type: 'list', required: true, description: 'the repositories whose workflows may assume the role', items: REPOSITORY, example: '[octo-org/octo-app]' },
    branches: strings("branches whose runs may assume it ('*' and '?' are wildcards)", 'main'),
    tags: strings('tags whose runs may assume it', "'v*'"),
    environments: strings('deployment environments whose jobs may assume it', 'production'),
    pullRequests: { type: 'boolean', description: 'whether runs triggered by pull requests may assume it', example: 'true' },
    mergeQueues: strings('base branches whose merge queue runs may assume it', 'main'),
    managedPolicies: strings('ARNs of managed policies to attach', 'arn:aws:iam::aws:policy/ReadOnlyAccess'),
    ecrRepositories: strings('ECR repositories the role may push to, created by the template', 'octo-app'),
    existingEcrRepositories: { type: 'boolean', description: 'whether the ECR repositories exist already (not created)', example: 'true' },
    conditions: CONDITIONS,
  },
};

/** The whole manifest. */
export const MANIFEST: FieldSchema = {
  type: 'object',
  description: 'roles for GitHub Actions, for cdk-github-actions-oidc --config',
  fields: {
    stackName: { type: 'string', description: "the name of the (first) stack; more are named '<stackName>-2', ... (default: github-actions-oidc)", example: 'github-actions-oidc' },
    region: { type: 'string', description: 'the AWS Region (default: --region, $AWS_REGION)', example: 'eu-west-1' },
    provider: { type: 'string', oneOf: ['create', 'existing'], description: "whether the first stack creates the account's GitHub OIDC provider or uses the existing one (default: create)", example: 'existing' },
    roles: { type: 'list', required: true, description: 'the roles', items: ROLE, example: '[{ name: octo-app-deploy, repositories: [octo-org/octo-app], branches: [main] }]' },
  },
};

/** The schema as JSON Schema (draft 2020-12), for editors. */
export function manifestJsonSchema(): object {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'cdk-github-actions-oidc manifest', ...jsonSchema(MANIFEST) };
}

function jsonSchema(field: FieldSchema): object {
  const described = { description: field.description };
  switch (field.type) {
    case 'string': return { ...described, type: 'string', ...(field.oneOf ? { enum: field.oneOf } : {}) };
    case 'boolean': return { ...described, type: 'boolean' };
    case 'list': return { ...described, type: 'array', items: jsonSchema(field.items!) };
    case 'repository': return { ...described, oneOf: [{ type: 'string' }, objectSchema(field)] };
    case 'object': return { ...described, ...objectSchema(field) };
  }
}

function objectSchema(field: FieldSchema): object {
  const fields = field.fields ?? {};
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(fields).filter(name => fields[name].required),
    properties: Object.fromEntries(Object.entries(fields).map(([name, child]) => [name, jsonSchema(child)])),
  };
}
