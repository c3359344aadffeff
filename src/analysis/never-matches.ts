import { GitHubRepository, GitHubSubject } from '../subject';
import { NEVER_IN_WEB_IDENTITY, TOKEN_CONDITION_KEYS } from './claim-keys';
import { hasDeployTimeValue } from './deploy-time';
import { matchesWildcard } from './evaluation';
import { ConditionClause, PolicyStatement } from './policy-document';
import { NoTokenMatchesError } from '../private/no-token-matches';

/**
 * Conditions that no token GitHub sends can satisfy: a key STS never sets for the issuer, or
 * values that no `sub` (or other claim) can hold, decided by the subject builders' own parser.
 * A statement that requires such a condition never applies; a value that cannot match inside a
 * condition with others that can is only dead weight, and a sign of a mistake.
 */

/** What the audit knows beyond the policy: the provider's client IDs, the `sub` form of repositories. */
export interface DeadConditionContext {
  /** Whether IAM substitutes policy variables (a 2012-10-17 policy). */
  readonly variables: boolean;
  /** The audiences the OIDC provider of an issuer accepts (its client IDs), if known. */
  readonly clientIds?: (issuer: string) => string[] | undefined;
  /** Repositories whose `sub` form is known: with IDs the immutable form, without them the name form. */
  readonly repositories?: GitHubRepository[];
}

/** A condition value that can never match, why, and what to write instead where one value follows. */
export interface DeadValue {
  readonly clause: ConditionClause;
  /** The value; undefined when the key itself is never in the request. */
  readonly value?: string;
  readonly reason: string;
  readonly correction?: string;
  /**
   * Whether the policy alone makes it dead, whatever else changes. An audience the provider does
   * not list (its client IDs can change), a form a repository is said to send, a claim key STS
   * may set one day: these are not, so they never vouch that the statement keeps anyone out.
   */
  readonly intrinsic: boolean;
}

/** The dead conditions of a statement for the tokens of one issuer. */
export interface DeadConditions {
  /** Whether the statement can never apply to a token of the issuer. */
  readonly statementDead: boolean;
  /** Whether the policy alone makes the statement dead: then it keeps every repository out. */
  readonly keepsEveryoneOut: boolean;
  /** For a dead statement, the conditions that kill it; otherwise the dead values of live conditions. */
  readonly dead: DeadValue[];
}

type Death = { reason: string; correction?: string; intrinsic: boolean } | undefined;

const POSITIVE = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];

/** Whether a key is one every GitHub token of the issuer carries (`sub`, `aud`): there `IfExists` changes nothing. */
function alwaysPresent(key: string, issuer: string): boolean {
  const lower = key.toLowerCase();
  return lower === `${issuer}:sub` || lower === `${issuer}:aud`;
}

/**
 * Whether a clause holds only when the key is in the request: a positive String operator,
 * `ForAnyValue:` with any operator (no value of a missing key can match), `Null` false.
 */
export function requiresKey(clause: ConditionClause, issuer: string): boolean {
  if (clause.set === 'ForAllValues') return false;
  if (clause.ifExists && !alwaysPresent(clause.key, issuer)) return false;
  if (clause.base === 'Null') return clause.values.every(value => value.toLowerCase() === 'false');
  return clause.set === 'ForAnyValue' || POSITIVE.includes(clause.base);
}

export function deadConditions(statement: PolicyStatement, issuer: string, context: DeadConditionContext): DeadConditions {
  const killing: DeadValue[] = [];
  const deadValues: DeadValue[] = [];
  for (const clause of statement.conditions) {
    // Null true on a key every token carries: no token lacks it.
    if (clause.base === 'Null' && clause.set === undefined && alwaysPresent(clause.key, issuer)
      && clause.values.every(value => value.toLowerCase() === 'true')) {
      killing.push({ clause, reason: `every token from ${issuer} carries '${clause.key}', so Null true never holds`, intrinsic: true });
      continue;
    }
    if (!requiresKey(clause, issuer)) continue;
    const absent = absentKey(clause.key, issuer);
    if (absent) {
      killing.push({ clause, ...absent });
      continue;
    }
    // Values are compared as written by StringEquals and StringLike; IgnoreCase would need every spelling.
    if (clause.base !== 'StringEquals' && clause.base !== 'StringLike') continue;
    const claim = clause.key.slice(clause.key.lastIndexOf(':') + 1).toLowerCase();
    const dead = clause.values.map(value => ({ value, found: deadValue(claim, clause, value, issuer, context) }))
      .filter(({ value, found }) => found !== undefined && !hasDeployTimeValue(value))
      .map(({ value, found }) => ({ clause, value, ...found! }));
    if (dead.length > 0 && dead.length === clause.values.length) killing.push(...dead);
    else deadValues.push(...dead);
  }
  const contradiction = killing.length === 0 ? contradictingRepository(statement, issuer) : undefined;
  if (contradiction) killing.push(contradiction);
  return killing.length > 0
    ? { statementDead: true, keepsEveryoneOut: killing.some(item => item.intrinsic), dead: killing }
    : { statementDead: false, keepsEveryoneOut: false, dead: deadValues };
}

/** What a dead statement's finding says: every condition that kills it, and what to write instead. */
export function deadStatementMessage(issuer: string, dead: DeadValue[]): string {
  return `it never admits a token from ${issuer}: ${dead.map(item => `${what(item)} never matches: ${reason(item)}.${fix(item)}`).join(' ')}`;
}

/** What the finding of one dead value in a live condition says. */
export function deadValueMessage(item: DeadValue): string {
  return `${what(item)} never matches, though other values of the condition may: ${reason(item)}.${fix(item)}`;
}

/** The value (or key) to write instead, if one follows. */
export function correctionOf(item: DeadValue): string | undefined {
  return item.correction?.replace(/^StringLike /, '');
}

function what(item: DeadValue): string {
  return item.value === undefined ? `${item.clause.operator} on '${item.clause.key}'` : `'${item.value}' (${item.clause.operator} '${item.clause.key}')`;
}

/** The reason, ending a sentence once. */
function reason(item: DeadValue): string {
  return item.reason.replace(/\.(\)?)$/, '$1');
}

/** What to write instead, unless the reason already says it. */
function fix(item: DeadValue): string {
  if (item.correction === undefined || item.reason.includes(`'${item.correction}'`)) return '';
  if (item.correction.startsWith('StringLike ')) return ` Put '${item.value}' under StringLike.`;
  return item.value === undefined ? ` Write the key '${item.correction}'.` : ` Write '${item.correction}'.`;
}

/** Why a key is never in the request of a token from the issuer, if it is not. */
function absentKey(key: string, issuer: string): Death {
  const lower = key.toLowerCase();
  if (lower.startsWith('aws:')) {
    return NEVER_IN_WEB_IDENTITY.test(key)
      ? { reason: `the key '${key}' is never in a web identity request: no AWS principal makes it`, intrinsic: true } : undefined;
  }
  const colon = lower.lastIndexOf(':');
  if (colon < 0 || lower.startsWith('sts:')) return undefined;
  const prefix = lower.slice(0, colon);
  const claim = lower.slice(colon + 1);
  const known = TOKEN_CONDITION_KEYS.includes(claim);
  if (claim === 'iss') {
    return { reason: `the key '${key}' is never in the request: STS checks the issuer through the principal's OIDC provider, not a condition`, intrinsic: true };
  }
  if (prefix === issuer) {
    // STS may set more claims one day: dead today, but no guard.
    return known ? undefined : {
      reason: `STS sets no key '${key}': from a GitHub token it sets only ${TOKEN_CONDITION_KEYS.map(name => `'${name}'`).join(', ')} ` +
        'after the issuer\'s prefix',
      intrinsic: false,
    };
  }
  return {
    reason: `the key '${key}' is never in the request: the statement trusts tokens from ${issuer}, whose keys start with '${issuer}:'`,
    correction: known ? `${issuer}:${claim}` : undefined,
    intrinsic: true,
  };
}

/** Why a value of a clause on a claim can never match, if it cannot. */
function deadValue(claim: string, clause: ConditionClause, value: string, issuer: string, context: DeadConditionContext): Death {
  const pattern = clause.base === 'StringLike';
  if (context.variables && /\$\{/.test(value)) return undefined;
  const literal = !pattern && /[*?]/.exec(value)?.[0];
  switch (claim) {
    case 'sub': return deadSubject(value, pattern, context.repositories ?? []);
    case 'aud': return deadAudience(value, pattern, context.clientIds?.(issuer));
    case 'repository':
      if (pattern) return undefined;
      if (literal) return literalIn(value, literal, 'repository name', `StringLike ${value}`);
      if (value.includes('@')) {
        return { reason: `the repository claim is 'owner/name', never with IDs as in '${value}'`, correction: value.replace(/@\d*/g, ''), intrinsic: true };
      }
      if (!/^[^/:]+\/[^/:]+$/.test(value)) {
        const repository = /^(?:repo:)?([^/:]+\/[^/:]+)/.exec(value)?.[1];
        return { reason: `the repository claim is 'owner/name', not '${value}'`, correction: repository, intrinsic: true };
      }
      return refused(() => GitHubRepository.fromFullName(value), `'${value}' is no repository's full name`);
    case 'repository_id':
    case 'actor_id':
    case 'enterprise_id':
      return pattern || /^[1-9][0-9]*$/.test(value) ? undefined
        : { reason: `'${value}' is no ${claim.replace('_', ' ')}: GitHub's IDs are whole numbers`, intrinsic: true };
    case 'ref':
      if (pattern) return undefined;
      if (literal) return literalIn(value, literal, 'ref', `StringLike ${value}`);
      return value.startsWith('refs/') ? undefined : {
        reason: `'${value}' is no ref: the ref claim is a full ref such as 'refs/heads/main'`,
        correction: /^(?:heads|tags|pull)\//.test(value) ? `refs/${value}` : `refs/heads/${value}`,
        intrinsic: true,
      };
    default: return undefined;
  }
}

/** A wildcard under StringEquals, where the claim can never hold one. */
function literalIn(value: string, wildcard: string, claimName: string, correction: string): Death {
  return { reason: `StringEquals compares '${value}' literally, and no ${claimName} holds '${wildcard}'`, correction, intrinsic: true };
}

function refused(build: () => unknown, subject: string): Death {
  try {
    build();
  } catch (error) {
    if (error instanceof NoTokenMatchesError) return { reason: `${subject}: ${error.message}`, intrinsic: true };
  }
  return undefined;
}

function deadAudience(value: string, pattern: boolean, clientIds: string[] | undefined): Death {
  if (clientIds === undefined || clientIds.some(id => pattern ? matchesWildcard(value, id) : id === value)) return undefined;
  // The provider's client IDs can change without the policy: dead today, but no guard.
  return {
    intrinsic: false,
    reason: `the audience '${value}' is not a client ID of the OIDC provider (${clientIds.map(id => `'${id}'`).join(', ')}), and STS ` +
      'refuses a token whose audience is not one; aws-actions/configure-aws-credentials requests \'sts.amazonaws.com\' unless its ' +
      "'audience' input says otherwise",
    correction: clientIds.includes('sts.amazonaws.com') ? 'sts.amazonaws.com' : clientIds[0],
  };
}

/** Why a `sub` value can never match: its shape, as the subject builders read it, or a known form of the repository. */
function deadSubject(value: string, pattern: boolean, repositories: GitHubRepository[]): Death {
  const literal = !pattern && literalWildcard(value);
  if (literal) {
    const start = value.slice(0, value.search(/[*?]/));
    const pinned = /^repo:[^/:*?]+\/[^/:*?]+:/.test(start);
    return {
      reason: `StringEquals compares '${value}' literally, and no sub holds '${literal}'` +
        (pinned ? '' : ', and as a pattern it would have a wildcard before the owner and the repository are written out'),
      correction: pinned ? `StringLike ${value}` : undefined,
      intrinsic: true,
    };
  }
  const why = GitHubSubject._whyNoTokenMatches(value, pattern);
  if (why !== undefined) return { reason: why, correction: correctedSubject(value), intrinsic: true };
  return wrongForm(value, repositories);
}

/**
 * The first wildcard character of an exact value where GitHub never writes one: in the
 * repository's names and IDs and in refs (git forbids '*' and '?'). Other claims, such as an
 * environment or a workflow name, may hold one.
 */
function literalWildcard(value: string): string | undefined {
  const parts = value.split(':');
  for (let i = 1; i < parts.length; i++) {
    if (!['repo', 'ref', 'repository_id', 'repository_owner_id'].includes(parts[i - 1])) continue;
    const found = /[*?]/.exec(parts[i]);
    if (found) return found[0];
  }
  return undefined;
}

/** The subject a common mistake meant, where one follows from it. */
function correctedSubject(value: string): string | undefined {
  const match = /^(repo:[^/:]+\/[^/:]+)(?::(.*))?$/.exec(value);
  if (!match) return undefined;
  const [, repo, rest] = match;
  const candidates = rest === undefined || rest === '' ? [`${repo}:ref:refs/heads/main`]
    : rest.startsWith('refs/pull/') ? [`${repo}:pull_request`]
      : rest.startsWith('refs/') ? [`${repo}:ref:${rest}`]
        : /^(?:heads|tags)\//.test(rest) ? [`${repo}:ref:refs/${rest}`]
          : /^(?:branch|tag):/.test(rest) ? [`${repo}:ref:refs/${rest.startsWith('branch:') ? 'heads' : 'tags'}/${rest.replace(/^[a-z]+:/, '')}`]
            // A single word is a branch's name, unless it is a claim's name that lost its value.
            : /^[^:]+$/.test(rest) && !/^(?:ref|environment|job_workflow_ref|repository_id|repository_owner_id|repo)$/.test(rest)
              ? [`${repo}:ref:refs/heads/${rest}`] : [];
  return candidates.find(candidate => GitHubSubject._whyNoTokenMatches(candidate, /[*?]/.test(candidate)) === undefined);
}

/** A subject in the other form than the one a known repository sends. */
function wrongForm(value: string, repositories: GitHubRepository[]): Death {
  const match = /^repo:([^/:@]+)(?:@(\d+))?\/([^/:@]+)(?:@(\d+))?(:.*)?$/.exec(value);
  if (!match) return undefined;
  const [, owner, ownerId, name, repositoryId, rest] = match;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const known = repositories.find(repository => same(repository.owner, owner) && same(repository.name, name));
  if (known === undefined) return undefined;
  const sends = `repo:${known._claimValue}${rest ?? ''}`;
  const immutable = known.repositoryId !== undefined;
  const sameIds = known.ownerId === ownerId && known.repositoryId === repositoryId;
  if (immutable === (repositoryId !== undefined) && (!immutable || sameIds)) return undefined;
  // What form a repository sends is what the caller says: no guard.
  return {
    intrinsic: false,
    reason: immutable
      ? `the repository ${owner}/${name} sends its sub in the immutable form ('repo:${known._claimValue}'), ` +
        `${repositoryId === undefined ? 'not by name' : 'with other IDs'}`
      : `the repository ${owner}/${name} sends its sub by name ('repo:${known._claimValue}'), not in the immutable form`,
    correction: sends,
  };
}

/**
 * A statement whose `sub` values all name a repository other than its `repository` or
 * `repository_id` conditions allow: no token carries both.
 */
function contradictingRepository(statement: PolicyStatement, issuer: string): DeadValue | undefined {
  const exact = (claim: string) => statement.conditions.filter(clause => clause.key.toLowerCase() === `${issuer}:${claim}`
    && clause.base === 'StringEquals' && !clause.ifExists && clause.set !== 'ForAllValues' && !clause.values.some(hasDeployTimeValue));
  const subs = exact('sub').flatMap(clause => clause.values.map(value => /^repo:([^/:@]+)(?:@\d+)?\/([^/:@]+)(?:@(\d+))?:/.exec(value)));
  if (subs.length === 0 || subs.some(match => match === null)) return undefined;
  for (const clause of exact('repository')) {
    if (subs.every(match => !clause.values.includes(`${match![1]}/${match![2]}`))) {
      return { clause, reason: `'${clause.key}' requires ${clause.values.map(value => `'${value}'`).join(' or ')}, and the sub values name other repositories`, intrinsic: true };
    }
  }
  for (const clause of exact('repository_id')) {
    if (subs.every(match => match![3] !== undefined && !clause.values.includes(match![3]))) {
      return { clause, reason: `'${clause.key}' requires ${clause.values.map(value => `'${value}'`).join(' or ')}, and the sub values name other repository IDs`, intrinsic: true };
    }
  }
  return undefined;
}
