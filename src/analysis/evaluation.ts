import { ConditionClause, PolicyDocument, PolicyStatement } from './policy-document';

/**
 * How IAM decides `sts:AssumeRoleWithWebIdentity` for a token against a trust policy,
 * following IAM's documented semantics: an applicable Deny wins, else an applicable
 * Allow allows, else the request is implicitly denied.
 */

/** The request: the federated principal's ARN (or just the issuer) and the condition keys (lower case) with their values. */
export interface TrustRequest {
  /** The OIDC provider's name: the issuer without `https://`. */
  readonly issuer: string;
  readonly keys: Map<string, string[]>;
}

export interface ClauseResult {
  readonly clause: ConditionClause;
  readonly satisfied: boolean;
  /** The request's values of the key (undefined: the key is not in the request). */
  readonly requestValues?: string[];
}

export interface StatementResult {
  readonly statement: PolicyStatement;
  readonly principalMatches: boolean;
  readonly actionMatches: boolean;
  readonly clauses: ClauseResult[];
  /** Whether the statement applies: principal, action and every condition match. */
  readonly applies: boolean;
}

export interface Evaluation {
  readonly allowed: boolean;
  readonly explicitDeny: boolean;
  readonly statements: StatementResult[];
}

export const ACTION = 'sts:AssumeRoleWithWebIdentity';

export function evaluate(document: PolicyDocument, request: TrustRequest): Evaluation {
  const statements = document.statements.map(statement => evaluateStatement(statement, request, document.variables));
  const explicitDeny = statements.some(result => result.applies && result.statement.effect === 'Deny');
  const allowed = !explicitDeny && statements.some(result => result.applies && result.statement.effect === 'Allow');
  return { allowed, explicitDeny, statements };
}

function evaluateStatement(statement: PolicyStatement, request: TrustRequest, variables: boolean): StatementResult {
  const named = principalNamed(statement, request.issuer);
  const principalMatches = statement.notPrincipal ? !named : named;
  const listed = statement.actions.some(action => matchesWildcard(action.toLowerCase(), ACTION.toLowerCase()));
  const actionMatches = statement.notAction ? !listed : listed;
  // Conditions of statements for other principals or actions are not evaluated, as IAM does not need them.
  const clauses = principalMatches && actionMatches ? statement.conditions.map(clause => evaluateClause(clause, request.keys, variables)) : [];
  return {
    statement,
    principalMatches,
    actionMatches,
    clauses,
    applies: principalMatches && actionMatches && clauses.every(result => result.satisfied),
  };
}

/**
 * Whether the statement's principal list names the token's OIDC provider (in any account and
 * partition). A provider's URL is case-sensitive, as IAM documents.
 */
export function principalNamed(statement: PolicyStatement, issuer: string): boolean {
  return statement.principal.everyone || statement.principal.federated.some(arn => providerIssuer(arn) === issuer);
}

/** The issuer an OIDC provider ARN names, if it is one. */
export function providerIssuer(arn: string): string | undefined {
  const match = /^arn:[a-z-]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(arn);
  return match ? match[1].replace(/\/+$/, '') : undefined;
}

/** A value of a policy: literal text and, under `StringLike`, wildcards (what came from a variable is literal). */
type Piece = { readonly text: string; readonly literal: boolean };

export function evaluateClause(clause: ConditionClause, keys: Map<string, string[]>, variables: boolean): ClauseResult {
  const requestValues = keys.get(clause.key.toLowerCase());
  const result = (satisfied: boolean): ClauseResult => ({ clause, satisfied, requestValues });
  if (clause.base === 'Null') {
    return result(clause.values.some(value => (value.toLowerCase() === 'true') === (requestValues === undefined)));
  }
  const compare = comparison(clause.base);
  if (compare === undefined) {
    throw new Error(
      `Cannot evaluate the condition operator '${clause.operator}' on '${clause.key}': the evaluator reads the String ` +
      'operators, Null, and their IfExists, ForAnyValue and ForAllValues forms, the ones trust policies for GitHub use.',
    );
  }
  if (requestValues === undefined) {
    if (clause.set === 'ForAllValues') return result(true);
    if (clause.set === 'ForAnyValue') return result(false);
    return result(clause.ifExists || compare.negated);
  }
  const policyValues = clause.values.map(value => substitute(value, keys, variables));
  const matchesOne = (requestValue: string) => {
    const anyMatch = policyValues.some(pieces => pieces !== undefined && compare.matches(pieces, requestValue));
    // IAM does not match a value whose policy variable has no value, and negated operators do not hold on it either.
    if (compare.negated) return !anyMatch && policyValues.every(pieces => pieces !== undefined);
    return anyMatch;
  };
  if (clause.set === 'ForAllValues') return result(requestValues.every(matchesOne));
  return result(requestValues.some(matchesOne));
}

interface Comparison {
  readonly negated: boolean;
  matches(pieces: Piece[], requestValue: string): boolean;
}

function comparison(base: string): Comparison | undefined {
  const equals = (ignoreCase: boolean) => (pieces: Piece[], value: string) => {
    const text = pieces.map(piece => piece.text).join('');
    return ignoreCase ? text.toLowerCase() === value.toLowerCase() : text === value;
  };
  switch (base) {
    case 'StringEquals': return { negated: false, matches: equals(false) };
    case 'StringNotEquals': return { negated: true, matches: equals(false) };
    case 'StringEqualsIgnoreCase': return { negated: false, matches: equals(true) };
    case 'StringNotEqualsIgnoreCase': return { negated: true, matches: equals(true) };
    case 'StringLike': return { negated: false, matches: like };
    case 'StringNotLike': return { negated: true, matches: like };
    default: return undefined;
  }
}

function like(pieces: Piece[], value: string): boolean {
  const source = pieces.map(piece => piece.literal
    ? escapeRegExp(piece.text)
    : [...piece.text].map(character => character === '*' ? '[\\s\\S]*' : character === '?' ? '[\\s\\S]' : escapeRegExp(character)).join(''),
  ).join('');
  return new RegExp(`^${source}$`, 'u').test(value);
}

/** Whether an action pattern (`sts:*`, `sts:AssumeRole*`) matches an action; both in lower case. */
export function matchesWildcard(pattern: string, text: string): boolean {
  return like([{ text: pattern, literal: false }], text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?|()[\]{}]/g, '\\$&');
}

/** IAM's fixed variables: `${*}`, `${?}` and `${$}` stand for the character itself, never a wildcard. */
const SPECIAL: { [name: string]: string } = { '*': '*', '?': '?', '$': '$' };

/**
 * A policy value with its variables filled in from the request, or undefined if a variable
 * names a key the request does not have and gives no default.
 */
export function substitute(value: string, keys: Map<string, string[]>, variables: boolean): Piece[] | undefined {
  if (!variables) return [{ text: value, literal: false }];
  const pieces: Piece[] = [];
  const variable = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let match = variable.exec(value); match !== null; match = variable.exec(value)) {
    pieces.push({ text: value.slice(last, match.index), literal: false });
    last = match.index + match[0].length;
    const inner = match[1];
    if (Object.prototype.hasOwnProperty.call(SPECIAL, inner)) {
      pieces.push({ text: SPECIAL[inner], literal: true });
      continue;
    }
    const withDefault = /^\s*([^,]+?)\s*,\s*'([^']*)'\s*$/.exec(inner);
    const key = (withDefault ? withDefault[1] : inner).trim().toLowerCase();
    const values = keys.get(key);
    if (values !== undefined && values.length === 1) pieces.push({ text: values[0], literal: true });
    else if (withDefault) pieces.push({ text: withDefault[2], literal: true });
    else return undefined;
  }
  pieces.push({ text: value.slice(last), literal: false });
  return pieces;
}
