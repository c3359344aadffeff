/**
 * A trust policy document read into statements the evaluator and the audit rules share.
 *
 * IAM accepts a string or a list wherever a policy holds values, any letter case in
 * condition keys and operator names, and numbers or booleans as condition values; the
 * reader keeps what IAM means and drops nothing silently: what it cannot read is an error.
 */

/** One condition: an operator, a key and the values it compares the key's values with. */
export interface ConditionClause {
  /** The operator as written, such as `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The operator without set prefix and `IfExists`, such as `StringLike`. */
  readonly base: string;
  readonly set?: 'ForAnyValue' | 'ForAllValues';
  readonly ifExists: boolean;
  /** The condition key as written. */
  readonly key: string;
  readonly values: string[];
}

/** Who a statement names: `*` (everyone) or lists of principals by type. */
export interface PrincipalSpec {
  readonly everyone: boolean;
  readonly federated: string[];
  /** Principals of other types (AWS accounts and roles, services, canonical users). */
  readonly others: string[];
}

export interface PolicyStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** `Principal`, or `NotPrincipal` when `notPrincipal` is set. */
  readonly principal: PrincipalSpec;
  readonly notPrincipal: boolean;
  /** `Action`, or `NotAction` when `notAction` is set. */
  readonly actions: string[];
  readonly notAction: boolean;
  readonly conditions: ConditionClause[];
}

export interface PolicyDocument {
  /** Whether IAM substitutes policy variables: only in version 2012-10-17. */
  readonly variables: boolean;
  readonly statements: PolicyStatement[];
}

/** Reads a policy document given as an object or as JSON text (or URL-encoded JSON, as `aws iam` may print it). */
export function readPolicyDocument(document: unknown): PolicyDocument {
  const parsed = typeof document === 'string' ? parseJsonText(document) : document;
  if (!isObject(parsed)) {
    throw new Error('A policy document must be a JSON object with a Statement, such as {"Version": "2012-10-17", "Statement": [...]}.');
  }
  const version = parsed.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new Error(`Unknown policy Version '${String(version)}': IAM knows '2012-10-17' and '2008-10-17'.`);
  }
  const statements = parsed.Statement;
  if (statements === undefined) {
    throw new Error('The policy document has no Statement.');
  }
  const list = Array.isArray(statements) ? statements : [statements];
  return {
    variables: version === '2012-10-17',
    statements: list.map((statement, index) => readStatement(statement, index)),
  };
}

function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  const decoded = trimmed.startsWith('%7B') || trimmed.startsWith('%7b') ? decodeURIComponent(trimmed) : trimmed;
  try {
    return JSON.parse(decoded);
  } catch (error) {
    throw new Error(`The policy document is not valid JSON: ${(error as Error).message}.`);
  }
}

function readStatement(statement: unknown, index: number): PolicyStatement {
  const where = `Statement ${index}`;
  if (!isObject(statement)) throw new Error(`${where} is not a JSON object.`);
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new Error(`${where} has Effect '${String(effect)}': IAM knows 'Allow' and 'Deny'.`);
  }
  if ((statement.Principal === undefined) === (statement.NotPrincipal === undefined)) {
    throw new Error(`${where} needs exactly one of Principal and NotPrincipal: a trust policy names whom it trusts.`);
  }
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw new Error(`${where} needs exactly one of Action and NotAction.`);
  }
  const notPrincipal = statement.Principal === undefined;
  const notAction = statement.Action === undefined;
  return {
    index,
    sid: typeof statement.Sid === 'string' ? statement.Sid : undefined,
    effect,
    principal: readPrincipal(notPrincipal ? statement.NotPrincipal : statement.Principal, where),
    notPrincipal,
    actions: stringList(notAction ? statement.NotAction : statement.Action, `${where}'s ${notAction ? 'NotAction' : 'Action'}`),
    notAction,
    conditions: readConditions(statement.Condition, where),
  };
}

function readPrincipal(principal: unknown, where: string): PrincipalSpec {
  if (principal === '*') return { everyone: true, federated: [], others: [] };
  if (!isObject(principal)) {
    throw new Error(`${where}'s principal must be '*' or an object such as {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}.`);
  }
  const federated: string[] = [];
  const others: string[] = [];
  let everyone = false;
  for (const [type, value] of Object.entries(principal)) {
    const names = stringList(value, `${where}'s ${type} principal`);
    if (type === 'Federated') federated.push(...names);
    else if (type === 'AWS' && names.includes('*')) everyone = true;
    else others.push(...names.map(name => `${type}:${name}`));
  }
  return { everyone, federated, others };
}

const OPERATOR = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/i;

function readConditions(condition: unknown, where: string): ConditionClause[] {
  if (condition === undefined) return [];
  if (!isObject(condition)) throw new Error(`${where}'s Condition must be an object of operators.`);
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    const match = OPERATOR.exec(operator);
    if (!match || !isObject(keys)) {
      throw new Error(`${where} has a condition '${operator}' that is not an operator followed by an object of keys.`);
    }
    const set = match[1] === undefined ? undefined : match[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    const base = canonicalOperator(match[2]);
    for (const [key, values] of Object.entries(keys)) {
      clauses.push({
        operator,
        base,
        set,
        ifExists: match[3] !== undefined,
        key,
        values: conditionValues(values, `${where}'s ${operator} '${key}'`),
      });
    }
  }
  return clauses;
}

/** Operator names as IAM documents them; IAM accepts them, their set prefixes and `IfExists` in any letter case. */
const OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

function canonicalOperator(name: string): string {
  return OPERATORS.find(known => known.toLowerCase() === name.toLowerCase()) ?? name;
}

function conditionValues(values: unknown, where: string): string[] {
  const list = Array.isArray(values) ? values : [values];
  return list.map(value => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new Error(`${where} has a value that is not a string, number or boolean: ${JSON.stringify(value)}.`);
  });
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every(item => typeof item === 'string')) {
    throw new Error(`${where} must be a string or a list of strings.`);
  }
  return list as string[];
}

export function isObject(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
