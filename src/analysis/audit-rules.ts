import { GitHubIssuer } from '../issuer';
import { GitHubSubject } from '../subject';
import { NEVER_IN_WEB_IDENTITY } from './claim-keys';
import { hasDeployTimeValue, replaceDeployTimeValues, unescapedDeployTimeValue } from './deploy-time';
import { ACTION, evaluate, evaluateClause, matchesWildcard, providerIssuer } from './evaluation';
import { GitHubToken } from './github-token';
import { correctionOf, deadConditions, deadStatementMessage, DeadValue, deadValueMessage, requiresKey } from './never-matches';
import { ConditionClause, PolicyDocument, PolicyStatement } from './policy-document';
import { TrustAuditOptions, TrustAuditRule, TrustFinding } from './trust-finding';
import { everyContextUnions, RUN_SAMPLES } from '../private/breadth';

/**
 * The audit rules. What makes a subject broad or refused is not written here: the
 * subject builders decide it (`GitHubSubject.fromString()`, `admitsAnyContext`, the
 * role's every-context union check), so the audit and the builders never disagree.
 */

/** The issuers GitHub's tokens come from: github.com (and its enterprise issuers), GHE.com, GitHub Enterprise Server. */
const GITHUB_ISSUER = /^(?:token\.actions\.githubusercontent\.com(?:\/[a-z0-9-]+)?|token\.actions\.[a-z0-9-]+\.ghe\.com|[a-z0-9.-]+\/_services\/token)$/;

export function isGitHubIssuer(issuer: string): boolean {
  return GITHUB_ISSUER.test(issuer.toLowerCase());
}

/** The issuer a condition key belongs to (lower case) and the claim it names, if the key is an issuer's. */
function keyParts(key: string): { issuer: string; claim: string } | undefined {
  const colon = key.lastIndexOf(':');
  if (colon < 0) return undefined;
  const issuer = key.slice(0, colon).toLowerCase();
  return isGitHubIssuer(issuer) ? { issuer, claim: key.slice(colon + 1).toLowerCase() } : undefined;
}

/**
 * The GitHub issuers (lower case) a statement trusts: those its principal names; for a principal
 * that is everyone (`*`, or `NotPrincipal` in an Allow) or a value the audit cannot read, those its
 * condition keys name; and for everyone with no such key, github.com's, whose tokens it admits too.
 */
export function trustedGitHubIssuers(statement: PolicyStatement): string[] {
  const unique = (issuers: Array<string | undefined>) => [...new Set(issuers.filter((issuer): issuer is string => issuer !== undefined))];
  const named = unique(statement.principal.federated.map(providerIssuer).filter(issuer => issuer !== undefined && isGitHubIssuer(issuer))
    .map(issuer => issuer!.toLowerCase()));
  const fromKeys = unique(statement.conditions.map(clause => keyParts(clause.key)?.issuer));
  // Every principal takes github.com's tokens too, whatever issuer its keys name.
  if (statement.notPrincipal) return unique([...fromKeys, GITHUB_COM]).filter(issuer => !named.includes(issuer));
  if (statement.principal.everyone) return unique([...fromKeys, GITHUB_COM]);
  const unknown = statement.principal.federated.filter(arn => providerIssuer(arn) === undefined);
  if (unknown.length === 0) return named;
  // A provider that only deployment names (an import, a parameter) may be any issuer's: audit it as the keys'
  // issuers' and github.com's.
  return unique([...named, ...fromKeys, ...(unknown.some(hasDeployTimeValue) ? [GITHUB_COM] : [])]);
}

const GITHUB_COM = GitHubIssuer.GITHUB_COM.hostAndPath;

/** Whose repositories an issuer's tokens come from, for messages. */
function anyRepositoryOf(issuer: string): string {
  if (issuer === GITHUB_COM) return 'any repository on GitHub';
  if (issuer.startsWith(`${GITHUB_COM}/`)) return `any repository of the enterprise '${issuer.slice(GITHUB_COM.length + 1)}'`;
  if (issuer.endsWith('/_services/token')) return `any repository on the GitHub Enterprise Server ${issuer.slice(0, -'/_services/token'.length)}`;
  return `any repository on ${issuer.replace(/^token\.actions\./, '')}`;
}

/** Whether a statement allows `sts:AssumeRoleWithWebIdentity` to a GitHub issuer. */
export function trustsGitHub(statement: PolicyStatement): boolean {
  const listed = statement.actions.some(action => matchesWildcard(action.toLowerCase(), ACTION.toLowerCase()));
  return statement.effect === 'Allow' && (statement.notAction ? !listed : listed) && trustedGitHubIssuers(statement).length > 0;
}

const POSITIVE = ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'];

/** Whether a clause holds only when the key is in the request with one of the values. */
function requiresValue(clause: ConditionClause): boolean {
  return POSITIVE.includes(clause.base) && !clause.ifExists && clause.set !== 'ForAllValues';
}

/**
 * The clauses that require a claim of an issuer to have one of their values. For `aud`, a pattern
 * that matches every value (`*`) requires nothing.
 */
function required(statement: PolicyStatement, issuer: string, claim: string): ConditionClause[] {
  return statement.conditions.filter(clause => requiresValue(clause) && clause.key.toLowerCase() === `${issuer}:${claim}`)
    .filter(clause => claim !== 'aud' || clause.base !== 'StringLike' || !clause.values.some(value => /^\*+$/.test(value)));
}

/**
 * Tokens of repositories a policy does not name, to see through IAM's evaluation what it admits:
 * of an owner nobody names, of another repository of each owner it names, and tokens that match
 * each of its patterns on `sub` and `repository` (their wildcards filled in).
 */
const UNNAMED = 'zz-unnamed';
const PROBED_CONTEXTS = ['ref:refs/heads/main', 'ref:refs/tags/v1.0.0', 'environment:production', 'pull_request'];

function probeSubjects(document: PolicyDocument): string[] {
  const clauses = document.statements.flatMap(statement => statement.conditions);
  const values = clauses.flatMap(clause => clause.values);
  const owners = values.map(value => /^(?:repo:)?([A-Za-z0-9_.-]+)(?:@\d+)?\//.exec(value)?.[1]).filter((owner): owner is string => owner !== undefined);
  const subjects = [`${UNNAMED}-owner`, ...owners].flatMap(owner => PROBED_CONTEXTS.map(context => `repo:${owner}/${UNNAMED}-repository:${context}`));
  for (const clause of clauses.filter(candidate => candidate.base === 'StringLike' || candidate.base === 'StringNotLike')) {
    const claim = clause.key.slice(clause.key.lastIndexOf(':') + 1).toLowerCase();
    for (const value of clause.values.filter(candidate => /[*?]/.test(candidate) && !hasDeployTimeValue(candidate))) {
      for (const filler of [UNNAMED, `${UNNAMED}/${UNNAMED}`]) {
        const witness = value.replace(/\$\{[$*?]\}/g, 'x').replace(/\*/g, filler).replace(/\?/g, 'z');
        if (claim === 'sub' && witness.startsWith('repo:')) subjects.push(witness);
        if (claim === 'repository' && /^[^/:]+\/[^/:]+$/.test(witness)) subjects.push(`repo:${witness}:ref:refs/heads/main`);
      }
    }
  }
  return [...new Set(subjects)].slice(0, 200);
}

/**
 * The repositories (`owner/name`, lower case) a policy names: in `sub` or `repository` values,
 * written out in full before any wildcard.
 */
function namedRepositories(document: PolicyDocument): Set<string> {
  return new Set(repositoriesNamed(document).map(name => name.toLowerCase()));
}

/** The repositories (`owner/name`, as written) a policy names. */
function repositoriesNamed(document: PolicyDocument): string[] {
  const values = document.statements.flatMap(statement => statement.conditions).flatMap(clause => clause.values);
  return [...new Set(values.map(value => value.split(/[*?]/)[0])
    .map(prefix => /^(?:repo:)?([^/:@*?]+)(?:@\d+)?\/([^/:@*?]+)(?:@\d+)?(?::|$)/.exec(prefix))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(match => `${match[1]}/${match[2]}`))];
}

/** The repository a `sub` names (`owner/name`, lower case), if it names one. */
function repositoryOf(subject: string): string | undefined {
  const match = /^repo:([^/:@]+)(?:@\d+)?\/([^/:@]+)/.exec(subject);
  return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}

/**
 * The Allow statements that admit a token of a repository the policy does not name, as IAM evaluates
 * the whole policy (Deny statements included), with the token's `sub`; undefined if the policy holds
 * an operator the evaluator does not read.
 */
function admittingUnnamed(document: PolicyDocument, issuer: string): Map<number, string> | undefined {
  const admitting = new Map<number, string>();
  const named = namedRepositories(document);
  for (const subject of probeSubjects(document)) {
    const repository = repositoryOf(subject);
    if (repository !== undefined && named.has(repository)) continue;
    const token = GitHubToken.of({ subject, issuerUrl: `https://${issuer}` });
    let evaluation;
    try {
      evaluation = evaluate(document, { issuer: token.issuerHostAndPath, keys: token._contextKeys() });
    } catch {
      return undefined;
    }
    if (!evaluation.allowed) continue;
    for (const result of evaluation.statements) {
      if (result.applies && result.statement.effect === 'Allow' && !admitting.has(result.statement.index)) admitting.set(result.statement.index, token.subject);
    }
  }
  return admitting;
}

/**
 * Runs every rule on a policy's statements that trust a GitHub issuer. The client IDs of the
 * options apply when the policy trusts one GitHub issuer; those a template gives by issuer win.
 */
export function auditDocument(
  document: PolicyDocument, options: TrustAuditOptions = {}, clientIdsByIssuer: { [issuer: string]: string[] } = {},
): TrustFinding[] {
  const findings: TrustFinding[] = [];
  const report = (rule: TrustAuditRule, statement: PolicyStatement, message: string, correction?: string) =>
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      message: `Statement ${statement.index}${statement.sid ? ` (${statement.sid})` : ''}: ${replaceDeployTimeValues(message)}`,
      statement: statement.index,
      ...(correction !== undefined ? { correction } : {}),
    });
  const statements = document.statements.filter(trustsGitHub);
  const issuers = new Set(statements.flatMap(trustedGitHubIssuers));
  const clientIds = (issuer: string) => clientIdsByIssuer[issuer] ?? (issuers.size === 1 ? options.providerClientIds : undefined);
  const context = { variables: document.variables, clientIds, repositories: options.repositories };
  const knownIds = idFormRepositories(statements);
  const named = repositoriesNamed(document);
  const probes = new Map<string, Map<number, string> | undefined>();
  const audited: Array<{ statement: PolicyStatement; issuer: string; subjects: GitHubSubject[] }> = [];
  for (const statement of statements) {
    for (const issuer of trustedGitHubIssuers(statement)) {
      if (!probes.has(issuer)) probes.set(issuer, admittingUnnamed(document, issuer));
      const admitted = probes.get(issuer);
      const before = findings.length;
      const dead = deadConditions(statement, issuer, context);
      reportDead(dead.statementDead, dead.dead, issuer,
        (message, correction) => report(TrustAuditRule.NEVER_MATCHES, statement, message, correction));
      // A statement that the policy alone makes dead keeps everyone out, and its audience matters only once it is fixed;
      // but only where its principal names every issuer whose tokens it takes: for the others the dead key is absent.
      const deadForAll = dead.keepsEveryoneOut && namesEveryIssuer(statement);
      const keepsOut = deadForAll || keepsOthersOut(statement, issuer, document);
      const subjects = auditStatement(statement, issuer, document.variables, knownIds, named, keepsOut,
        (rule, message) => deadForAll && rule === TrustAuditRule.AUD_MISSING ? undefined : report(rule, statement, message));
      if (!deadForAll) audited.push({ statement, issuer, subjects });
      const sub = admitted?.get(statement.index);
      if (sub !== undefined && !findings.slice(before).some(finding => finding.severity === TrustAuditRule.SUB_MISSING.severity)) {
        report(TrustAuditRule.ADMITS_UNNAMED_REPOSITORY, statement,
          `IAM admits the token of a repository it does not name, '${sub}' (aud 'sts.amazonaws.com'): no condition of the ` +
          'statement pins the owner and the repository for every token it admits (a pattern in a claim such as repository, ' +
          'or IfExists, ForAllValues: and negated operators, which hold when a claim is missing). ' +
          `Require '${issuer}:sub' with StringEquals or StringLike, owner and repository written out.`);
      }
    }
  }
  reportUnions(audited, report);
  const order = TrustAuditRule.all().map(rule => rule.id);
  return findings.sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule) || a.statement - b.statement);
}

type Report = (rule: TrustAuditRule, message: string) => void;

/**
 * Whether a statement's principal names each provider whose tokens it takes, written out: not
 * everyone (`*`, `NotPrincipal`) and no provider that only deployment names.
 */
function namesEveryIssuer(statement: PolicyStatement): boolean {
  return !statement.notPrincipal && !statement.principal.everyone && statement.principal.federated.length > 0
    && statement.principal.federated.every(arn => !hasDeployTimeValue(arn) && providerIssuer(arn) !== undefined);
}

/**
 * A dead statement once, with every condition that kills it; otherwise each dead value of a
 * condition that other values keep alive.
 */
function reportDead(statementDead: boolean, dead: DeadValue[], issuer: string, report: (message: string, correction?: string) => void): void {
  if (statementDead) {
    report(deadStatementMessage(issuer, dead), dead.length === 1 ? correctionOf(dead[0]) : undefined);
    return;
  }
  for (const item of dead) report(deadValueMessage(item), correctionOf(item));
}

/**
 * The structural rules for one statement and one issuer it trusts; `keepsOut` says whether the
 * statement (or a Deny of the policy) provably lets only the repositories it names in.
 */
function auditStatement(
  statement: PolicyStatement, issuer: string, variables: boolean, knownIds: Set<string>, named: string[], keepsOut: boolean, report: Report,
): GitHubSubject[] {
  const subKey = `${issuer}:sub`;
  const subClauses = required(statement, issuer, 'sub');
  const whom = statement.notPrincipal ? `every principal but those of NotPrincipal, tokens from ${issuer} included,`
    : statement.principal.everyone ? `every principal ('*'), tokens from ${issuer} included,`
      : statement.principal.federated.some(arn => hasDeployTimeValue(arn) && providerIssuer(arn) === undefined)
        ? `the OIDC provider that deployment names (tokens from ${issuer}, if it is that issuer's)` : `tokens from ${issuer}`;
  if (subClauses.length === 0 && !keepsOut) {
    report(TrustAuditRule.SUB_MISSING,
      `it trusts ${whom} with no condition that requires '${subKey}' (or pins the repository by its repository or ` +
      `repository_id claim), so a workflow in ${anyRepositoryOf(issuer)} can assume the role. ` +
      `Add StringEquals {"${subKey}": "repo:<owner>/<repository>:ref:refs/heads/<branch>"} (or the subjects you mean).`);
  }
  if (required(statement, issuer, 'aud').length === 0) {
    report(TrustAuditRule.AUD_MISSING,
      `it trusts ${whom} with no condition that requires '${issuer}:aud', so tokens issued for other audiences ` +
      `are accepted too. Add StringEquals {"${issuer}:aud": "sts.amazonaws.com"}.`);
  }
  for (const clause of statement.conditions) {
    const parts = keyParts(clause.key);
    // A clause that requires its key is never-matches' to judge; the rest, if foreign, hold when the key is absent.
    const requires = requiresKey(clause, issuer);
    if (clause.set === 'ForAllValues' && parts && (parts.claim === 'sub' || parts.claim === 'aud')) {
      report(TrustAuditRule.FOR_ALL_VALUES,
        `'${clause.operator}' on '${clause.key}' holds when the token has no such claim, and the claim is single-valued. ` +
        `Use '${clause.operator.replace(/^ForAllValues:/i, '')}'.`);
    }
    if (requires) continue;
    if (parts && parts.claim === 'iss') {
      report(TrustAuditRule.FOREIGN_CONDITION_KEY,
        `the key '${clause.key}' is never in the request: STS checks the issuer through the principal's OIDC provider. Remove the condition.`);
    } else if (parts && parts.issuer !== issuer) {
      report(TrustAuditRule.FOREIGN_CONDITION_KEY,
        `the key '${clause.key}' belongs to the issuer ${parts.issuer}, but the statement trusts ${issuer}, whose tokens never ` +
        `carry it, so '${clause.operator}' on it ${evaluateClause(clause, new Map(), variables).satisfied ? 'always holds' : 'never holds'}. ` +
        `Write '${issuer}:${parts.claim}'.`);
    }
  }
  const subjects: GitHubSubject[] = [];
  const pinsRepositoryId = required(statement, issuer, 'repository_id').length > 0;
  // A required `ref` or `environment` claim (not a bare '*') narrows the runs whatever `sub` admits, as it does for the builders.
  const narrowed = ['ref', 'environment'].some(claim => required(statement, issuer, claim).some(clause => RUN_SAMPLES[claim]
    .some(sample => !evaluateClause(clause, new Map([[clause.key.toLowerCase(), [sample]]]), variables).satisfied)));
  // Where a ref condition narrows a subject of every context, it may still admit pull requests' refs.
  const refClauses = required(statement, issuer, 'ref');
  const pullRequests = refClauses.length > 0
    && refClauses.every(clause => evaluateClause(clause, new Map([[clause.key.toLowerCase(), ['refs/pull/1/merge']]]), variables).satisfied);
  for (const clause of subClauses) {
    for (const value of clause.values) {
      const subject = auditSubject(clause, value, variables, pinsRepositoryId ? new Set() : knownIds, named, { narrowed, pullRequests }, report);
      if (subject) subjects.push(subject);
    }
  }
  return narrowed || statement.effect !== 'Allow' ? [] : subjects;
}

/**
 * Subjects that together admit every branch, tag, environment and pull request of a repository,
 * across the Allow statements that trust an issuer (the library writes exact subjects and patterns
 * in separate statements), as the builders count them: conditions on other claims aside, except a
 * `ref` or `environment` that narrows the runs (such statements give no subjects here). Reported
 * at the first statement.
 */
function reportUnions(found: Array<{ statement: PolicyStatement; issuer: string; subjects: GitHubSubject[] }>,
  report: (rule: TrustAuditRule, statement: PolicyStatement, message: string) => void): void {
  const groups = new Map<string, Array<{ statement: PolicyStatement; subjects: GitHubSubject[] }>>();
  for (const { statement, issuer, subjects } of found) {
    groups.set(issuer, [...groups.get(issuer) ?? [], { statement, subjects }]);
  }
  for (const group of groups.values()) {
    const subjects = group.flatMap(entry => entry.subjects);
    for (const union of everyContextUnions(subjects)) {
      const first = group.find(entry => entry.subjects.some(subject => union.includes(subject)))!.statement;
      report(TrustAuditRule.ANY_CONTEXT, first,
        `the subjects ${union.map(subject => `'${subject.value}'`).join(', ')} together admit every branch, tag, environment and ` +
        'pull request of the repository. Name the branches, tags or environments that deploy.');
    }
  }
}

/** Checks one `sub` value a statement requires; returns it as a subject when the builders accept it. */
function auditSubject(
  clause: ConditionClause, value: string, variables: boolean, knownIds: Set<string>, named: string[],
  runs: { narrowed: boolean; pullRequests: boolean }, report: Report,
): GitHubSubject | undefined {
  const pattern = clause.base === 'StringLike';
  if (variables && /\$\{(?![*?$]\})/.test(value)) {
    report(TrustAuditRule.SUB_POLICY_VARIABLE,
      `the value '${value}' of '${clause.key}' holds a policy variable, which IAM fills in from the request at every call, so ` +
      "a token can supply what it is compared with. Write the subject out, or escape '$' as '${$}'.");
    return undefined;
  }
  if (unescapedDeployTimeValue(value, pattern ? '$*?' : '$')) {
    report(TrustAuditRule.SUB_UNESCAPED_DEPLOY_TIME_VALUE,
      `the value '${value}' of '${clause.key}' holds a value that only deployment knows, and it goes into the policy ` +
      `unescaped, so a ${pattern ? "'*', '?' or " : ''}'\${...}' in it acts as a ${pattern ? 'wildcard or ' : ''}policy variable ` +
      "(a parameter holding '*' admits every repository). Escape it as this library does (Fn::Join of '${$}', '${*}' and " +
      "'${?}' over Fn::Split of '$', '*' and '?'), or build the role with GitHubActionsRole.");
  }
  const text = variables ? value.replace(/\$\{([*?$])\}/g, '$1') : value;
  const wildcards = pattern ? firstWildcard(value, variables) : -1;
  if (wildcards >= 0 && !pinsOwnerAndRepository(text.slice(0, wildcards))) {
    const owner = /^repo:([^/:*?]+)\//.exec(text)?.[1];
    const repository = owner === undefined ? undefined : named.find(name => name.split('/')[1].toLowerCase() === owner.toLowerCase());
    report(TrustAuditRule.SUB_WILDCARD_BEFORE_PIN,
      `the pattern '${value}' has a wildcard before the owner and the repository are pinned (IAM's '*' also matches '/' and ':'), ` +
      "so repositories nobody named can match it. Write 'repo:<owner>/<repository>:' in full before any wildcard." +
      (repository ? ` ('${owner}' stands where the owner goes, and is the name of the repository '${repository}' that the policy names: ` +
        `the tokens of that repository never match this pattern. Write 'repo:${repository}:*' or a narrower subject.)` : ''));
    return undefined;
  }
  if (!pattern && /[*?]/.test(text)) return undefined;
  if (clause.base === 'StringEqualsIgnoreCase') return undefined;
  const deployTime = hasDeployTimeValue(text);
  let subject: GitHubSubject;
  try {
    subject = GitHubSubject.fromString(replaceDeployTimeValues(text, 'deploy-time-value'));
  } catch (error) {
    // What only deployment knows cannot be checked here; a value no token matches is a never-matches finding.
    if (!deployTime && GitHubSubject._whyNoTokenMatches(text, false) === undefined) report(TrustAuditRule.REFUSED_SUBJECT, `the library's subject builders refuse '${value}': ${(error as Error).message}`);
    return undefined;
  }
  if (subject.admitsAnyContext && !runs.narrowed) {
    report(TrustAuditRule.ANY_CONTEXT,
      `'${value}' admits every branch, tag, environment and pull request of the repository, including runs of code nobody ` +
      "has reviewed. Name the branches, tags or environments that deploy, such as ':ref:refs/heads/main' or ':environment:production'.");
  }
  if (subject._runContext?.kind === 'pullRequest' || (subject.admitsAnyContext && runs.narrowed && runs.pullRequests)) {
    report(TrustAuditRule.PULL_REQUEST,
      `'${value}' admits runs triggered by pull requests: anyone who may push a branch to the repository can run code nobody has ` +
      'reviewed with this role (pull requests from forks get no token). Give such runs a role that can only read.');
  }
  const repo = subject.claims.find(claim => claim.key === 'repo');
  if (repo && !repo.text.includes('@') && knownIds.has(repo.text.toLowerCase())) {
    report(TrustAuditRule.NAME_FORM_WITH_IDS,
      `'${value}' names the repository by name, and the policy knows its immutable IDs: a name can be taken by another repository ` +
      "after a rename or transfer. Use the form 'repo:<owner>@<owner ID>/<repository>@<repository ID>:...', or pin the repository ID.");
  }
  return subject;
}

/** Where the first wildcard of a `StringLike` value stands in its unescaped text (`${*}` is no wildcard), or -1. */
function firstWildcard(value: string, variables: boolean): number {
  let unescaped = 0;
  for (let i = 0; i < value.length; i++, unescaped++) {
    if (variables && /^\$\{[*?$]\}/.test(value.slice(i, i + 4))) i += 3;
    else if (value[i] === '*' || value[i] === '?') return unescaped;
  }
  return -1;
}

/** Whether the claims written out in full in a pattern's prefix name both the owner and the repository. */
function pinsOwnerAndRepository(prefix: string): boolean {
  const parts = prefix.split(':');
  parts.pop();
  let owner = false;
  let repository = false;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    if (key === 'pull_request') continue;
    const value = parts[++i];
    if (value === undefined) break;
    if ((key === 'repo' || key === 'repository') && /^[^/]+\/[^/]+$/.test(value)) owner = repository = true;
    if (key === 'repository_owner_id' && value !== '') owner = true;
    // A repository's ID is unique across GitHub: no other repository's token carries it.
    if (key === 'repository_id' && /^\d+$/.test(value)) owner = repository = true;
  }
  return owner && repository;
}

/** Whether a value pins one repository: written out in full before any wildcard (`sub`, `repository`) or exact (`repository_id`). */
function pinsRepositoryValue(claim: string, value: string, pattern: boolean): boolean {
  const wildcard = pattern ? value.search(/[*?]/) : -1;
  const literal = wildcard < 0 ? value : value.slice(0, wildcard);
  if (claim === 'sub') return pinsOwnerAndRepository(wildcard < 0 ? `${literal}:` : literal);
  if (claim === 'repository') return wildcard < 0 && /^[^/]+\/[^/]+$/.test(literal);
  return claim === 'repository_id' && wildcard < 0 && /^\d+$/.test(literal);
}

/**
 * Whether a clause keeps every token but those of the repositories it names out: a positive
 * operator on `sub`, `repository` or `repository_id` (claims every GitHub token carries, so
 * `IfExists` and `ForAllValues:` still compare them) whose every value pins one repository.
 */
function pinsRepository(clause: ConditionClause, issuer: string, literalPrincipal = true): boolean {
  // IfExists and ForAllValues: hold when the key is absent, as it is for tokens of an issuer the principal does not name.
  if (!literalPrincipal && (clause.ifExists || clause.set === 'ForAllValues')) return false;
  const claim = clause.key.toLowerCase().startsWith(`${issuer}:`) ? clause.key.slice(issuer.length + 1).toLowerCase() : undefined;
  if (claim === undefined || !POSITIVE.includes(clause.base) || clause.values.length === 0) return false;
  return clause.values.every(value => hasDeployTimeValue(value) || pinsRepositoryValue(claim, value, clause.base === 'StringLike'));
}


/**
 * Whether a statement lets only the repositories it names in: a clause pins the repository, a
 * required condition can never hold for a GitHub token, or a Deny statement of the policy with one
 * negated condition on `sub`, `repository` or `repository_id` keeps every other repository out.
 */
function keepsOthersOut(statement: PolicyStatement, issuer: string, document: PolicyDocument): boolean {
  if (statement.conditions.some(clause => pinsRepository(clause, issuer, namesEveryIssuer(statement)))) return true;
  if (statement.conditions.some(clause => NEVER_IN_WEB_IDENTITY.test(clause.key) && POSITIVE.includes(clause.base) && !clause.ifExists)) return true;
  return document.statements.some(deny => deny.effect === 'Deny' && !deny.notPrincipal && !deny.notAction
    && (deny.principal.everyone || deny.principal.federated.some(arn => providerIssuer(arn)?.toLowerCase() === issuer))
    && deny.actions.some(action => matchesWildcard(action.toLowerCase(), ACTION.toLowerCase()))
    && deny.conditions.length === 1 && deny.conditions[0].base.startsWith('StringNot') && deny.conditions[0].set === undefined
    && pinsRepository({ ...deny.conditions[0], base: deny.conditions[0].base.replace('Not', '') }, issuer));
}

/** The `repo:<owner>/<name>` claims (lower case) whose immutable-ID form some statement uses, or whose IDs a claim key pins. */
function idFormRepositories(statements: PolicyStatement[]): Set<string> {
  const names = new Set<string>();
  for (const statement of statements) {
    for (const clause of statement.conditions) {
      if (keyParts(clause.key)?.claim !== 'sub') continue;
      for (const value of clause.values) {
        const match = /^repo:([^/@:]+)@\d+\/([^/@:]+)@\d+:/.exec(value);
        if (match) names.add(`repo:${match[1]}/${match[2]}`.toLowerCase());
      }
    }
  }
  return names;
}
