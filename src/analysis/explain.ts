import { trustedGitHubIssuers } from './audit-rules';
import { ClauseResult, Evaluation, matchesWildcard, StatementResult } from './evaluation';
import { GitHubToken } from './github-token';
import { deadConditions, deadStatementMessage } from './never-matches';
import { ConditionClause } from './policy-document';
import { apiName } from '../private/api-names';
import { editDistance } from '../private/edit-distance';

/**
 * Why a token was denied, in the terms of the mistakes users make: which statement and
 * condition decided, the nearest subject the role trusts, and what differs.
 */

/** One reason a token was denied, with a stable ID and what to do. */
export interface DenialCause {
  readonly cause: string;
  readonly message: string;
}

export interface Explanation {
  readonly reasons: string[];
  readonly causes: DenialCause[];
  readonly nearestSubject?: string;
}

export function explainEvaluation(evaluation: Evaluation, token: GitHubToken, variables: boolean): Explanation {
  if (evaluation.allowed) {
    const allow = evaluation.statements.find(result => result.applies && result.statement.effect === 'Allow')!;
    return { reasons: [`${describe(allow)} allows it: ${allow.clauses.map(describeClause).join('; ') || 'it has no conditions'}.`], causes: [] };
  }
  if (evaluation.explicitDeny) {
    const deny = evaluation.statements.find(result => result.applies && result.statement.effect === 'Deny')!;
    return {
      reasons: [`${describe(deny)} denies it: ${deny.clauses.map(describeClause).join('; ') || 'it has no conditions'}.`],
      causes: [{ cause: 'explicit-deny', message: `${describe(deny)} is a Deny that applies to this token, and a Deny wins over every Allow.` }],
    };
  }
  const allows = evaluation.statements.filter(result => result.statement.effect === 'Allow');
  const forIssuer = allows.filter(result => result.principalMatches && result.actionMatches);
  if (forIssuer.length === 0) return wrongIssuerOrAction(allows, token);

  const reasons = forIssuer.map(result =>
    `${describe(result)} does not apply: ${result.clauses.filter(clause => !clause.satisfied).map(describeClause).join('; ')}.`);
  // A statement that no token can satisfy is the cause to fix first, whatever this token holds.
  const dead = forIssuer.map(result => ({ result, dead: deadConditions(result.statement, token.issuerHostAndPath.toLowerCase(), { variables }) }))
    .filter(({ dead: found }) => found.statementDead)
    .map(({ result, dead: found }): DenialCause => ({ cause: 'never-matches', message: `${describe(result)}: ${deadStatementMessage(token.issuerHostAndPath.toLowerCase(), found.dead)}` }));
  const explained = explainDenial(forIssuer, token, reasons);
  return { ...explained, causes: unique([...dead, ...explained.causes]) };
}

/** What separates the token from the statements that trust its issuer. */
function explainDenial(forIssuer: StatementResult[], token: GitHubToken, reasons: string[]): Explanation {
  const subKey = `${token.issuerHostAndPath}:sub`.toLowerCase();
  const isSub = (clause: ClauseResult) => clause.clause.key.toLowerCase() === subKey;
  const subjectHolds = forIssuer.filter(result => result.clauses.filter(isSub).every(clause => clause.satisfied));
  if (subjectHolds.length > 0) {
    const causes = subjectHolds.flatMap(result => result.clauses.filter(clause => !clause.satisfied)).map(clause => otherCondition(clause, token));
    return { reasons, causes: unique(causes) };
  }
  const trusted = forIssuer.flatMap(result => result.clauses.filter(isSub).map(clause => clause.clause))
    .filter(clause => !clause.base.includes('Not'))
    .flatMap(clause => clause.values.map(value => ({ value, clause })));
  const differences = subjectDifferences(token, trusted);
  // A wrong audience is worth saying too, when it would deny the token once its sub is right.
  const audKey = `${token.issuerHostAndPath}:aud`.toLowerCase();
  const audience = forIssuer.flatMap(result => result.clauses).find(clause => clause.clause.key.toLowerCase() === audKey && !clause.satisfied);
  return { reasons, ...differences, causes: [...differences.causes, ...(audience ? [otherCondition(audience, token)] : [])] };
}

function describe(result: StatementResult): string {
  return `Statement ${result.statement.index}${result.statement.sid ? ` (${result.statement.sid})` : ''}`;
}

function describeClause(result: ClauseResult): string {
  const values = result.clause.values.length === 1 ? `'${result.clause.values[0]}'` : `[${result.clause.values.map(v => `'${v}'`).join(', ')}]`;
  const has = result.requestValues === undefined ? 'the token has no such key'
    : `the token has '${result.requestValues.join("', '")}'`;
  return `${result.clause.operator} ${result.clause.key} ${values} is ${result.satisfied ? 'true' : 'false'} (${has})`;
}

function wrongIssuerOrAction(allows: StatementResult[], token: GitHubToken): Explanation {
  if (allows.some(result => result.principalMatches)) {
    return {
      reasons: ['No Allow statement lists the action sts:AssumeRoleWithWebIdentity.'],
      causes: [{ cause: 'wrong-action', message: "Add 'sts:AssumeRoleWithWebIdentity' to the Action of the statement that trusts the provider." }],
    };
  }
  const trusted = [...new Set(allows.flatMap(result => trustedGitHubIssuers(result.statement)))];
  const reasons = [`No Allow statement trusts the OIDC provider of ${token.issuerHostAndPath}.`];
  return {
    reasons,
    causes: [{
      cause: 'wrong-issuer',
      message: `The token comes from ${token.issuerUrl}, but the role trusts ${trusted.length > 0 ? trusted.map(issuer => `https://${issuer}`).join(', ') : 'no GitHub issuer'}. ` +
        'An enterprise with a unique issuer URL sends tokens from https://token.actions.githubusercontent.com/<enterprise slug>; ' +
        'trust the provider of the issuer the token names (its iss claim).',
    }],
  };
}

function otherCondition(result: ClauseResult, token: GitHubToken): DenialCause {
  const claim = result.clause.key.slice(result.clause.key.lastIndexOf(':') + 1).toLowerCase();
  if (claim === 'aud') {
    return {
      cause: 'wrong-audience',
      message: `The token's audience is ${token.audiences.map(aud => `'${aud}'`).join(', ') || 'missing'}, but the role requires ` +
        `${result.clause.values.map(value => `'${value}'`).join(' or ')}. aws-actions/configure-aws-credentials requests ` +
        "'sts.amazonaws.com' unless its 'audience' input says otherwise: make the two agree.",
    };
  }
  return {
    cause: 'other-condition',
    message: `The condition ${describeClause(result)} does not hold.`,
  };
}

interface Trusted {
  readonly value: string;
  readonly clause: ConditionClause;
}

/** What separates the token's `sub` from the nearest subject the role trusts. */
function subjectDifferences(token: GitHubToken, trusted: Trusted[]): Omit<Explanation, 'reasons'> {
  const sub = token.subject;
  if (trusted.length === 0) {
    return { causes: [{ cause: 'no-subject', message: 'The role requires no sub value it could match: its conditions on sub are all negated.' }] };
  }
  const matches = (candidate: Trusted, text: string, ignoreCase = false) => {
    const value = candidate.value;
    if (candidate.clause.base === 'StringLike') return matchesWildcard(ignoreCase ? value.toLowerCase() : value, ignoreCase ? text.toLowerCase() : text);
    return ignoreCase || candidate.clause.base === 'StringEqualsIgnoreCase' ? value.toLowerCase() === text.toLowerCase() : value === text;
  };
  const causes: DenialCause[] = [];
  const nearest = trusted.map(candidate => ({ candidate, distance: editDistance(stripWildcards(candidate.value), sub) }))
    .sort((a, b) => a.distance - b.distance)[0].candidate;
  let shown = nearest;

  const caseOnly = trusted.find(candidate => matches(candidate, sub, true));
  if (caseOnly) {
    shown = caseOnly;
    causes.push({
      cause: 'letter-case',
      message: `The token's sub '${sub}' differs from the trusted '${caseOnly.value}' in letter case only. StringEquals and StringLike ` +
        "compare case-sensitively, and GitHub writes the owner's and repository's names in their canonical case: copy them from the repository's URL.",
    });
  }
  const nameForm = (text: string) => text.replace(/^repo:([^/@:]+)@\d+\/([^/@:]+)@\d+/, 'repo:$1/$2');
  const formOnly = trusted.find(candidate => !matches(candidate, sub) && matches({ ...candidate, value: nameForm(candidate.value) }, nameForm(sub)));
  if (formOnly) {
    shown = formOnly;
    const tokenHasIds = nameForm(sub) !== sub;
    causes.push(tokenHasIds ? {
      cause: 'immutable-form',
      message: `The token names the repository in the immutable form ('${sub.split(':').slice(0, 2).join(':')}'), and the role trusts the ` +
        `name form ('${formOnly.value}'). Repositories created, renamed or transferred since 15 July 2026 send the immutable form: ` +
        `trust that form (GitHubRepository.of() writes it when given the ${apiName('ownerId')} and ${apiName('repositoryId')} options).`,
    } : {
      cause: 'name-form',
      message: `The token names the repository by name ('${sub.split(':').slice(0, 2).join(':')}'), and the role trusts the immutable form ` +
        `('${formOnly.value}'). The repository still sends the name form: trust it, or switch the repository to immutable subjects.`,
    });
  }
  const context = (text: string) => /^(repo:[^:]+):(environment|ref|pull_request)/.exec(text);
  const tokenContext = context(sub);
  for (const candidate of trusted) {
    const trustedContext = context(nameForm(candidate.value));
    if (!tokenContext || !trustedContext || nameForm(tokenContext[1]).toLowerCase() !== trustedContext[1].toLowerCase()) continue;
    if (tokenContext[2] === 'environment' && trustedContext[2] === 'ref') {
      shown = candidate;
      causes.push({
        cause: 'environment-job',
        message: `The job uses an environment, so its token's sub ends in '${sub.slice(tokenContext[1].length + 1)}' instead of the branch ` +
          `or tag ref the role trusts ('${candidate.value}'). Trust the environment's subject, or remove 'environment:' from the job.`,
      });
      break;
    }
    if (tokenContext[2] === 'ref' && trustedContext[2] === 'environment') {
      shown = candidate;
      causes.push({
        cause: 'branch-job',
        message: `The role trusts the environment subject '${candidate.value}', but the job names no environment, so its token's sub ` +
          `ends in '${sub.slice(tokenContext[1].length + 1)}'. Add 'environment: <name>' to the job, or trust the branch.`,
      });
      break;
    }
  }
  if (/:pull_request(?::|$)/.test(sub) && !trusted.some(candidate => candidate.value.includes(':pull_request'))) {
    causes.push({
      cause: 'pull-request',
      message: "The run was triggered by a pull request, so its sub has the context 'pull_request', which the role does not trust. " +
        'Runs for pull requests from forks get no token at all, whatever the role trusts. Give pull requests their own read-only role.',
    });
  }
  const workflowRef = token.claim('job_workflow_ref');
  if (trusted.some(candidate => candidate.value.includes(':job_workflow_ref:')) && !sub.includes(':job_workflow_ref:')) {
    causes.push({
      cause: 'reusable-workflow',
      message: "The role trusts subjects with 'job_workflow_ref', but the token's sub has none: the repository's OIDC subject template " +
        "does not list job_workflow_ref. Customize it (include_claim_keys, through GitHub's REST API) or trust the default subject.",
    });
  } else if (workflowRef && token.claim('repository') && !workflowRef.startsWith(`${token.claim('repository')}/`)) {
    causes.push({
      cause: 'reusable-workflow',
      message: `The job runs the reusable workflow '${workflowRef}', and its token's sub names the calling repository ` +
        `('${sub.split(':').slice(0, 2).join(':')}'), not the workflow's. Trust the caller's subject, or pin the reusable workflow ` +
        'with a job_workflow_ref claim in a customized subject template.',
    });
  }
  if (causes.length === 0) {
    causes.push({
      cause: 'different-subject',
      message: `The token's sub '${sub}' matches none of the trusted subjects; the nearest is '${nearest.value}'` +
        `${nearest.clause.base === 'StringLike' ? ' (a pattern)' : ''}, which differs from it at '${firstDifference(stripWildcards(nearest.value), sub)}'.`,
    });
  }
  return { causes, nearestSubject: shown.value };
}

function stripWildcards(value: string): string {
  return value.replace(/[*?]/g, '');
}

/** The part of the trusted value from the first character that differs from the token's. */
function firstDifference(trusted: string, sub: string): string {
  let i = 0;
  while (i < trusted.length && trusted[i] === sub[i]) i++;
  const start = trusted.lastIndexOf(':', i - 1) + 1;
  return trusted.slice(start) || trusted;
}

function unique(causes: DenialCause[]): DenialCause[] {
  return causes.filter((cause, index) => causes.findIndex(other => other.message === cause.message) === index);
}
