import { apiName } from './api-names';
import { Token } from './aws-cdk-lib';
import { fragmentsOf, hasDeployTimeValue, hiddenCharacter, literalText, shown } from './iam-strings';
import { NoTokenMatchesError } from './no-token-matches';

/**
 * Checks on the names that go into a GitHub Actions token's claims.
 *
 * Each function returns normally for a valid value or a token (not known until
 * deployment), and otherwise throws an Error that names the value, the rule and
 * the fix. `*` and `?` are IAM wildcards: only ref and environment names may
 * carry them, never an owner, a repository or an ID.
 */

// A user or organization; a managed user of an Enterprise Managed Users enterprise
// carries the enterprise's short code after an underscore (`octocat_acme`).
const OWNER = /^([A-Za-z0-9](?:-?[A-Za-z0-9])*)(?:_[A-Za-z0-9]{1,20})?$/;
const REPOSITORY = /^[A-Za-z0-9._-]+$/;
const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

const WILDCARD = /[*?]/;
// What git refuses in a ref name, one character at a time (and ':' separates a subject's claims).
const REF_FORBIDDEN = /[\u0000-\u0020\u007f~^:[\\]/;
// Most names pass every rule below at a glance: no '.' or '@', no empty '/'-separated part, no leading '-'.
const PLAIN_REF_NAME = /^[A-Za-z0-9_*?+=,](?:[A-Za-z0-9_*?+=,-]|\/(?=[A-Za-z0-9_*?+=,-]))*$/;

/**
 * Whether the literal parts of a value (tokens left out) hold an IAM wildcard.
 */
export function hasWildcard(value: string): boolean {
  return WILDCARD.test(literalText(value));
}

export function validateOwner(owner: string): void {
  rejectWildcard('owner', owner);
  if (hasDeployTimeValue(owner)) return validateLiteralParts('GitHub owner', owner, /[^A-Za-z0-9_-]/);
  const match = OWNER.exec(owner);
  if (!match || match[1].length > 39) {
    // Old accounts may have hyphens where new ones may not: refused, but a token may carry such a name.
    const legacy = /^[A-Za-z0-9-]{1,39}(?:_[A-Za-z0-9]{1,20})?$/.test(owner);
    throw new (legacy ? Error : NoTokenMatchesError)(
      `Invalid GitHub owner '${owner}': owners are 1-39 letters, digits or single hyphens, ` +
      "not starting or ending with a hyphen (a managed user adds '_' and the enterprise's short code, as in 'octocat_acme'). " +
      'Use the user or organization name as in github.com/<owner>.',
    );
  }
}

export function validateRepositoryName(name: string): void {
  rejectWildcard('repository', name);
  if (hasDeployTimeValue(name)) return validateLiteralParts('GitHub repository name', name, /[^A-Za-z0-9._-]/);
  if (name.includes('/')) {
    throw new NoTokenMatchesError(
      `Invalid GitHub repository name '${name}': give the owner and the name separately, ` +
      `as in GitHubRepository.of('octo-org', 'octo-app'), or use GitHubRepository.${apiName('fromFullName()')} with 'octo-org/octo-app'.`,
    );
  }
  if (name.endsWith('.git')) {
    throw new NoTokenMatchesError(`Invalid GitHub repository name '${name}': drop the '.git' suffix of the clone URL.`);
  }
  if (name.length > 100 || !REPOSITORY.test(name) || name === '.' || name === '..') {
    throw new NoTokenMatchesError(
      `Invalid GitHub repository name '${name}': repository names are 1-100 letters, digits, '.', '_' or '-', ` +
      "and not '.' or '..'.",
    );
  }
}

/**
 * A login as in the `actor` claim: a user (1-39 letters, digits or hyphens, a managed user with
 * `_` and the enterprise's short code) or an app's bot (`dependabot[bot]`), known at synth time.
 */
export function validateActor(login: string): void {
  if (Token.isUnresolved(login)) {
    throw new Error(
      `The actor '${login}' must be known at synth time: logins are compared without regard to case, which IAM cannot ` +
      'do for a value escaped at deployment. Give the login as a literal string, or pin the account by its ID with ' +
      `GitHubClaimCondition.${apiName('actorId()')}.`,
    );
  }
  rejectWildcard('actor', login);
  if (!/^[A-Za-z0-9-]{1,39}(?:_[A-Za-z0-9]{1,20})?(?:\[bot\])?$/.test(login)) {
    throw new NoTokenMatchesError(
      `Invalid GitHub actor '${login}': an actor is a login, 1-39 letters, digits or hyphens (a managed user adds '_' and the ` +
      "enterprise's short code), or an app's bot account such as 'dependabot[bot]'.",
    );
  }
}

export function validateNumericId(what: string, id: string): void {
  rejectWildcard(what, id);
  if (Token.isUnresolved(id)) return validateLiteralParts(`GitHub ${what}`, id, /[^0-9]/);
  if (!NUMERIC_ID.test(id)) {
    throw new NoTokenMatchesError(
      `Invalid GitHub ${what} '${id}': IDs are positive whole numbers, such as the 'id' field that ` +
      'the GitHub REST API returns for the user, organization or repository.',
    );
  }
}

/**
 * git's ref-name rules (`git check-ref-format`) for a branch or tag name,
 * with `*` and `?` allowed as IAM wildcards.
 */
export function validateRefName(kind: 'branch' | 'tag', name: string): void {
  const prefix = kind === 'branch' ? 'refs/heads/' : 'refs/tags/';
  if (hasDeployTimeValue(name)) {
    validateLiteralParts(`${kind} name`, name, REF_FORBIDDEN);
    const first = fragmentsOf(name)[0];
    if (typeof first === 'string' && first.startsWith('refs/')) {
      throw new Error(`Invalid ${kind} name '${name}': give the ${kind} name without the 'refs/...' prefix; the '${prefix}' part is added for you.`);
    }
    return;
  }
  if (name.startsWith('refs/')) {
    throw new Error(
      `Invalid ${kind} name '${name}': give the ${kind} name without the 'refs/...' prefix ` +
      `('${name.startsWith(prefix) ? name.slice(prefix.length) : name.replace(/^refs\/[^/]*\//, '')}'); ` +
      `the '${prefix}' part is added for you.`,
    );
  }
  const problem = refNameProblem(name);
  if (problem) {
    // git check-ref-format takes a full ref starting with '-', or named '@', any length, and characters one cannot
    // see: GitHub may hold such a ref. Refused, but not called impossible.
    const possible = problem === "it starts with '-'" || problem === "it is '@'" || problem === 'it is longer than 255 characters'
      || hiddenCharacter(name) === problem;
    throw new (possible ? Error : NoTokenMatchesError)(
      `Invalid ${kind} name '${shown(name)}': ${problem}. Names follow git's ref-name rules; ` +
      "'*' and '?' are allowed as wildcards.",
    );
  }
}

function refNameProblem(name: string): string | undefined {
  if (name.length <= 255 && PLAIN_REF_NAME.test(name)) return undefined;
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (CONTROL_CHARACTER.test(name) || name.includes(' ')) return 'it contains a space or a control character';
  const hidden = hiddenCharacter(name);
  if (hidden) return hidden;
  const forbidden = ['~', '^', ':', '[', '\\'].find(c => name.includes(c));
  if (forbidden) return `it contains '${forbidden}'`;
  if (name.includes('..')) return "it contains '..'";
  if (name.includes('@{')) return "it contains '@{'";
  if (name === '@') return "it is '@'";
  if (name.startsWith('-')) return "it starts with '-'";
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return "it has an empty '/'-separated part";
  if (name.endsWith('.')) return "it ends with '.'";
  const badPart = name.split('/').find(part => part.startsWith('.') || part.endsWith('.lock'));
  if (badPart !== undefined) return `its part '${badPart}' starts with '.' or ends with '.lock'`;
  return undefined;
}

export function validateEnvironmentName(name: string): void {
  if (hasDeployTimeValue(name)) return validateLiteralParts('environment name', name, CONTROL_CHARACTER);
  if (name.length === 0 || name.length > 255) {
    throw new NoTokenMatchesError(`Invalid environment name '${name}': environment names are 1-255 characters.`);
  }
  const hidden = hiddenCharacter(name);
  if (hidden) {
    throw new Error(`Invalid environment name '${shown(name)}': ${hidden}. Rename the environment with visible Latin-1 characters.`);
  }
  if (CONTROL_CHARACTER.test(name) || name.trim() !== name) {
    throw new Error(
      `Invalid environment name '${name}': it has a control character or leading or trailing space; ` +
      'use the name exactly as in the repository settings under Environments.',
    );
  }
}

/**
 * A reusable workflow's reference, as in the `job_workflow_ref` claim:
 * `owner/repository/.github/workflows/file.yml@refs/heads/branch` (or `@refs/tags/tag`, or `@<commit SHA>`).
 */
export function validateJobWorkflowRef(ref: string): void {
  if (Token.isUnresolved(ref)) {
    rejectWildcardNextToToken('job_workflow_ref', ref);
    return validateLiteralParts('job_workflow_ref', ref, REF_FORBIDDEN);
  }
  const hidden = hiddenCharacter(ref);
  if (hidden) {
    throw new Error(`Invalid job_workflow_ref '${shown(ref)}': ${hidden}.`);
  }
  const match = /^([^/]*)\/([^/]*)\/(\.github\/workflows\/[^/@]+\.ya?ml)@(.+)$/.exec(ref);
  if (!match) {
    throw new NoTokenMatchesError(
      `Invalid job_workflow_ref '${ref}': use 'owner/repository/.github/workflows/file.yml@refs/heads/branch' ` +
      "(or '@refs/tags/tag', or '@<commit SHA>'); the file must be directly in .github/workflows, where GitHub runs workflows from.",
    );
  }
  const [, owner, repository, path, gitRef] = match;
  validateOwner(owner);
  validateRepositoryName(repository);
  if (WILDCARD.test(path) || CONTROL_CHARACTER.test(path) || path.includes(':') || path.includes('..')) {
    throw new Error(
      `Invalid job_workflow_ref '${ref}': the workflow path '${path}' must name one file exactly ` +
      "(no wildcards, ':' or '..').",
    );
  }
  if (gitRef.startsWith('refs/heads/')) {
    validateRefName('branch', gitRef.slice('refs/heads/'.length));
  } else if (gitRef.startsWith('refs/tags/')) {
    validateRefName('tag', gitRef.slice('refs/tags/'.length));
  } else if (gitRef.startsWith('refs/pull/')) {
    validatePullRequestRef(gitRef);
  } else if (!/^[0-9a-f]{40}$/.test(gitRef)) {
    throw new NoTokenMatchesError(
      `Invalid job_workflow_ref '${ref}': after '@' give 'refs/heads/<branch>', 'refs/tags/<tag>', ` +
      "'refs/pull/<number>/merge' or a full 40-character commit SHA.",
    );
  }
}

function rejectWildcard(what: string, value: string): void {
  if (hasWildcard(value)) {
    throw new Error(
      `Invalid GitHub ${what} '${value}': wildcards ('*', '?') may not touch the owner, the repository or an ID, ` +
      'because a pattern there admits other accounts and repositories (octo-app* also matches octo-app-evil). ' +
      `Name the ${what} exactly; put wildcards only in branch, tag or environment names.`,
    );
  }
}

/**
 * The ref of a run triggered by a pull request, as in the `ref` claim: `refs/pull/<number>/merge`.
 */
export function validatePullRequestRef(ref: string): void {
  if (!/^refs\/pull\/[1-9*?][0-9*?]{0,9}\/merge$/.test(ref)) {
    throw new NoTokenMatchesError(
      `Invalid ref '${ref}': give 'refs/heads/<branch>', 'refs/tags/<tag>' or, for a run triggered by a pull request, ` +
      "'refs/pull/<number>/merge' (the number may be '*').",
    );
  }
}

/**
 * Where a value is partly known only at deployment, its shape cannot be checked, so
 * neither can the place of a wildcard in it.
 */
export function rejectWildcardNextToToken(what: string, value: string): void {
  if (hasWildcard(value)) {
    throw new Error(
      `Invalid ${what} '${value}': it mixes a wildcard with a value known only at deployment, so where the wildcard ` +
      'falls cannot be checked. Give the whole value at synth time, or leave the wildcard out.',
    );
  }
}

/**
 * The literal parts of a value that is partly known only at deployment: none of their
 * characters may be one the value can never hold (for a ':' could start a dynamic
 * reference or another claim), or one a policy would not show as it matches.
 */
function validateLiteralParts(what: string, value: string, forbidden: RegExp): void {
  const text = literalText(value);
  const bad = forbidden.exec(text)?.[0];
  const hidden = hiddenCharacter(text);
  if (bad !== undefined || hidden) {
    throw new Error(
      `Invalid ${what} '${shown(value)}': ` + (hidden ?? `its known part holds '${shown(bad!)}', which no ${what} can hold`) +
      '. Give the value whole as a parameter, or only characters it may hold around one.',
    );
  }
}
