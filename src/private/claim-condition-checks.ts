import { apiName } from './api-names';
import { Token } from './aws-cdk-lib';
import { hasDeployTimeValue } from './iam-strings';
import { NoTokenMatchesError } from './no-token-matches';
import { GitHubClaimCondition } from '../claim-condition';
import type { GitHubSubject } from '../subject';

/**
 * The conditions a subject takes: the ones it had and the new ones, each once, refused where
 * no token could meet them or where they add nothing to the subject.
 */
export function combineConditions(subject: GitHubSubject, before: GitHubClaimCondition[], added: GitHubClaimCondition[]): GitHubClaimCondition[] {
  const conditions = [...before];
  for (const condition of added) {
    if (!(condition instanceof GitHubClaimCondition)) {
      throw new Error(`Subject '${subject.value}' was given a condition that is not a GitHubClaimCondition: build it with GitHubClaimCondition, such as GitHubClaimCondition.${apiName('repositoryId()')}.`);
    }
    if (conditions.some(c => sameCondition(c, condition))) continue;
    for (const other of conditions.filter(c => c.claim === condition.claim)) assertCompatible(subject, other, condition);
    assertConditionFits(subject, condition);
    conditions.push(condition);
  }
  return conditions;
}

function sameCondition(a: GitHubClaimCondition, b: GitHubClaimCondition): boolean {
  return a.claim === b.claim && a.value === b.value && a.negated === b.negated;
}

/**
 * Two conditions on one claim: negated ones combine (the claim must differ from each); a negated one
 * next to a required exact value holds unless it names that value; two required values are refused.
 */
function assertCompatible(subject: GitHubSubject, a: GitHubClaimCondition, b: GitHubClaimCondition): void {
  if (a.negated && b.negated) return;
  const exact = (c: GitHubClaimCondition) => !c.isPattern && !hasDeployTimeValue(c.value);
  const same = (x: string, y: string) => a._ignoresCase ? x.toLowerCase() === y.toLowerCase() : x === y;
  const message = `Subject '${subject.value}' has two conditions on '${a.claim}' ('${a}' and '${b}'): `;
  if (a.negated !== b.negated) {
    const [required, refused] = a.negated ? [b, a] : [a, b];
    if (exact(required) && exact(refused) && same(required.value, refused.value)) {
      throw new NoTokenMatchesError(`${message}no token could meet both. Give one of them.`);
    }
    return;
  }
  const dead = exact(a) && exact(b);
  throw new (dead ? NoTokenMatchesError : Error)(
    message + (dead ? 'a token carries one value, so none could meet both. To' : 'give one; to') +
    ' admit either of two values, trust the subject twice, once with each condition.',
  );
}

/**
 * Refuses a condition that the subject already decides, one that no token of the subject can meet
 * or that every token of it meets: on a claim the subject names (a `job_workflow_ref`, a `ref`), a
 * `ref` of a branch, tag, queue or pull request subject, an `environment` of a subject with a
 * context, a `repository_id` other than the subject's.
 */
function assertConditionFits(subject: GitHubSubject, condition: GitHubClaimCondition): void {
  if (subject.claims.length === 0) return;
  const context = subject._runContext;
  const inSubject = subject.claims.find(claim => claim.key === condition.claim);
  if (inSubject !== undefined && condition.claim !== 'ref' && condition.claim !== 'repository_id') {
    throw new Error(
      `Subject '${subject.value}' already names its ${condition.claim} ('${inSubject.text}'), so the condition '${condition}' ` +
      'adds nothing or keeps every token out. Name it once, in the subject or in a condition.',
    );
  }
  if (condition.claim === 'ref' && (inSubject !== undefined || context?.kind === 'branch' || context?.kind === 'tag' || context?.kind === 'mergeQueue' || context?.kind === 'pullRequest')) {
    throw new Error(
      `Subject '${subject.value}' already names its ref (${inSubject?.text ?? describe(context!.kind)}), so the condition '${condition}' ` +
      'adds nothing or keeps every token out. A ref condition adds to an environment\'s subject, such as ' +
      "repository.environment('production') with GitHubClaimCondition.ref('refs/heads/main').",
    );
  }
  if (condition.claim === 'environment' && context !== undefined && context.kind !== 'any') {
    const message = `Subject '${subject.value}' has a context, so the condition '${condition}' ` +
      (context.kind === 'environment'
        ? "repeats its environment. Name the environment once, in the subject: repository.environment('production')."
        : "keeps every token out: a job that uses an environment gets the subject 'environment:<name>' instead of its branch, tag or pull request. " +
          "Trust the environment's subject: repository.environment('production').");
    throw new (context.kind === 'environment' ? Error : NoTokenMatchesError)(message);
  }
  if (condition.claim === 'repository_id') {
    const ids = subject.claims.map(claim => claim._traits.repositoryId).filter((id): id is string => id !== undefined);
    const known = ids.find(id => !Token.isUnresolved(id));
    if (known !== undefined && !Token.isUnresolved(condition.value) && known !== condition.value) {
      throw new NoTokenMatchesError(
        `Subject '${subject.value}' names the repository ID ${known}, and the condition '${condition}' another, ` +
        'so no token could ever match. Give the repository\'s ID once.',
      );
    }
  }
}

function describe(kind: string): string {
  return kind === 'pullRequest' ? "a pull request's ref is 'refs/pull/<number>/merge'" : `its ${kind === 'mergeQueue' ? 'merge queue' : kind}`;
}
