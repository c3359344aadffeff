import type { IResolvable, IResolveContext } from 'aws-cdk-lib';
import { apiName } from './api-names';
import { CfnParameter, Stack, Token, Tokenization } from './aws-cdk-lib';

/**
 * How a value becomes an IAM string that matches exactly what it says.
 *
 * IAM reads `${...}` as a policy variable in every string of a policy, and `*`
 * and `?` as wildcards under `StringLike` and in a `Resource`. A value known only
 * at deployment (a parameter, an import, an SSM value) could hold any of them,
 * so it is escaped where CloudFormation resolves it: `$` becomes `${$}`, `*`
 * becomes `${*}` and `?` becomes `${?}` (IAM's own escapes), with
 * `Fn::Join` over `Fn::Split`. Whatever such a value holds then matches only itself.
 */

/**
 * IAM policy documents hold tab, line feed, carriage return and U+0020 to U+00FF only.
 * Within that range, C1 controls, the no-break space and the soft hyphen are invisible
 * or look like something else, so a policy holding them reads differently in review.
 * (C0 controls are matched by neither: the name checks refuse them with their own message.)
 */
const NOT_PLAIN_IN_A_POLICY = /[^\u0000-\u007e\u00a1-\u00ac\u00ae-\u00ff]/u;

/**
 * Why a text cannot stand in a policy as it reads, if it cannot: a character IAM refuses
 * in a policy document, or one that is invisible or changes the direction of the text.
 */
export function hiddenCharacter(text: string): string | undefined {
  const match = NOT_PLAIN_IN_A_POLICY.exec(text);
  if (!match) return undefined;
  return `it contains ${codePoint(match[0])}, which is invisible, changes the direction of the text, or is not allowed in ` +
    'an IAM policy (policies hold printable Latin-1 characters only), so the trust policy would not read as it matches';
}

/**
 * A text as an error message shows it: characters that would not show, or would
 * reorder the message, written as their code points.
 */
export function shown(text: string): string {
  return text.replace(new RegExp(NOT_PLAIN_IN_A_POLICY.source, 'gu'), character => `<${codePoint(character)}>`);
}

function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** CloudFormation's dynamic references, which it fills in after every intrinsic function has run. */
const DYNAMIC_REFERENCE = '{{resolve';

/** Intrinsic functions whose value is a list, not a string. */
const LIST_FUNCTIONS = ['Fn::GetAZs', 'Fn::Split', 'Fn::Cidr'];

/**
 * Refuses a dynamic reference written in the known text of a value: CloudFormation would
 * fill it in at deployment, unescaped, whatever the library made of the text around it.
 */
export function assertNoDynamicReference(what: string, value: string): void {
  if (literalText(value).includes(DYNAMIC_REFERENCE)) {
    throw new Error(
      `Invalid ${what} '${value}': it holds a CloudFormation dynamic reference ('{{resolve...}}'), which CloudFormation ` +
      "fills in at deployment without escaping, so a '*' or '${...}' in it would act as a wildcard or policy variable. " +
      `Use a parameter instead, such as ssm.StringParameter.${apiName('valueForStringParameter()')} for an SSM value.`,
    );
  }
}

/** IAM's escapes, `$` first so that the later ones are not escaped again. */
const ESCAPES: ReadonlyArray<readonly [string, string]> = [['$', '${$}'], ['*', '${*}'], ['?', '${?}']];

/**
 * What a deploy-time value goes through: IAM's escapes, then `{{` broken up, because
 * CloudFormation resolves a dynamic reference (`{{resolve:...}}`) even where intrinsic
 * functions produced it — after the escaping — so a parameter holding one could bring in
 * an unescaped value. No GitHub claim holds `{{resolve:`; a value with `{{` matches `{${`
 * in its place instead, failing closed.
 */
const DEPLOY_TIME_ESCAPES: ReadonlyArray<readonly [string, string]> = [...ESCAPES, ['{{', '{${$}{']];

/**
 * The pieces of a string: literal text, and the tokens that stand for values known only later.
 */
export function fragmentsOf(value: string): Array<string | IResolvable> {
  if (!mayHoldToken(value) || !Token.isUnresolved(value)) return [value];
  // Each token is wrapped, so that joining hands it over as an object rather than as its text.
  const pieces = Tokenization.reverseString(value)
    .mapTokens({ mapToken: token => ({ token }) })
    .join({ join: (left: unknown, right: unknown) => [...asList(left), ...asList(right)] });
  return asList(pieces)
    .filter(piece => piece !== '' && piece !== undefined)
    .map(piece => typeof piece === 'string' ? piece : (piece as { token: IResolvable }).token);
}

/** Every token's text holds '{Token[' (aws-cdk-lib's markers): a cheap test first, as most values are plain. */
function mayHoldToken(value: string): boolean {
  return value.includes('{Token[');
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * The literal text of a value, its tokens left out.
 */
export function literalText(value: string): string {
  if (!mayHoldToken(value)) return value;
  return fragmentsOf(value).filter(isText).join('');
}

/**
 * Whether a string has values known only at deployment.
 */
export function hasDeployTimeValue(value: string): boolean {
  if (!mayHoldToken(value)) return false;
  return fragmentsOf(value).some(piece => !isText(piece));
}

/**
 * Every character of a literal text matched as itself, also under `StringLike` or in a `Resource`.
 */
export function escapeText(text: string): string {
  return replaceEach(text, ESCAPES);
}

function replaceEach(text: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let result = text;
  for (const replacement of replacements) {
    if (result.includes(replacement[0])) result = result.split(replacement[0]).join(replacement[1]);
  }
  return result;
}

/**
 * A value for a `StringLike` condition: every value known only at deployment is escaped
 * whole, so it matches only itself, and so is the literal text, except that its `*` and
 * `?` stay wildcards where `wildcards` is true.
 */
export function likePattern(value: string, wildcards: boolean): string {
  if (!mayHoldToken(value) && !/[$*?]/.test(value)) return value;
  return fragmentsOf(value)
    .map(piece => !isText(piece) ? literalAtDeployment(piece) : wildcards ? replaceEach(piece, [ESCAPES[0]]) : escapeText(piece))
    .join('');
}

/**
 * The same value with each deploy-time part escaped, except the parts `keep` accepts.
 */
export function escapeDeployTimeParts(value: string, keep: (token: IResolvable) => boolean): string {
  return fragmentsOf(value)
    .map(piece => isText(piece) ? piece : keep(piece) ? Token.asString(piece) : literalAtDeployment(piece))
    .join('');
}

/**
 * A value known only at deployment, with a character replaced by a text wherever it occurs.
 */
export function replaceAtDeployment(value: string, character: string, replacement: string): string {
  if (!mayHoldToken(value)) return replaceEach(value, [[character, replacement]]);
  return fragmentsOf(value)
    .map(piece => isText(piece) ? replaceEach(piece, [[character, replacement]]) : Token.asString(new Replaced(piece, [[character, replacement]])))
    .join('');
}

function literalAtDeployment(token: IResolvable): string {
  return Token.asString(new Replaced(token, DEPLOY_TIME_ESCAPES));
}

function isText(piece: string | IResolvable): piece is string {
  return typeof piece === 'string';
}

/**
 * A token whose value has characters replaced: in TypeScript when it resolves to a
 * string at synth time, otherwise by CloudFormation at deployment.
 */
class Replaced implements IResolvable {
  public readonly creationStack: string[] = [];

  public constructor(
    private readonly inner: IResolvable,
    private readonly replacements: ReadonlyArray<readonly [string, string]>,
  ) {}

  public resolve(context: IResolveContext): unknown {
    const value = context.resolve(this.inner);
    const resolved = typeof value === 'number' ? String(value) : value;
    assertEscapable(resolved, context);
    if (typeof resolved === 'string') {
      return replaceEach(resolved, this.replacements);
    }
    return this.replacements.reduce<unknown>(
      (expression, [character, replacement]) => ({ 'Fn::Join': [replacement, { 'Fn::Split': [character, expression] }] }),
      resolved,
    );
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * The most characters the deploy-time parts of a value can take once escaped, given
 * the longest each can be: every character could become a four-character escape.
 */
export function longestEscaped(value: string, longest: number): number {
  if (!mayHoldToken(value)) return 0;
  const count = fragmentsOf(value).filter(piece => !isText(piece)).length;
  return count === 0 ? 0 : count * longest * '${$}'.length;
}

/**
 * Refuses what escaping cannot make literal: a dynamic reference (CloudFormation fills it
 * in after `Fn::Split` and `Fn::Join` have run), a list or object where a string goes,
 * and, for a value already known, characters that a policy would not show as they match.
 */
function assertEscapable(resolved: unknown, context: IResolveContext): void {
  const text = JSON.stringify(resolved) ?? '';
  if (text.includes(DYNAMIC_REFERENCE)) {
    throw new Error(
      `Cannot match ${text} literally: CloudFormation fills in a dynamic reference ('{{resolve...}}') after the ` +
      'library has escaped the value, so a \'*\' or \'${...}\' in it would act as a wildcard or policy variable. ' +
      `Use a parameter instead, such as ssm.StringParameter.${apiName('valueForStringParameter()')} for an SSM value.`,
    );
  }
  const key = typeof resolved === 'object' && resolved !== null && !Array.isArray(resolved) && Object.keys(resolved).length === 1
    ? Object.keys(resolved)[0] : undefined;
  const isIntrinsic = key !== undefined && /^(Ref|Fn::[A-Za-z]+)$/.test(key) && !LIST_FUNCTIONS.includes(key)
    && !isListParameter(context, (resolved as { Ref?: unknown }).Ref);
  if (typeof resolved !== 'string' && !isIntrinsic) {
    throw new Error(`Cannot use ${text} as a name or ARN: it resolves to a list or an object, not a string.`);
  }
  const hidden = typeof resolved === 'string' ? hiddenCharacter(resolved) : undefined;
  if (hidden) {
    throw new Error(`Cannot use '${shown(resolved as string)}' in a trust policy or grant: ${hidden}.`);
  }
}

/**
 * Whether a `Ref` names a parameter whose value is a list (`CommaDelimitedList`, `List<...>`).
 */
function isListParameter(context: IResolveContext, ref: unknown): boolean {
  if (typeof ref !== 'string') return false;
  const stack = Stack.of(context.scope);
  return stack.node.findAll().some(construct => construct instanceof CfnParameter
    && stack.resolve(construct.logicalId) === ref && /List/.test(construct.type));
}

/**
 * Whether a text matches a pattern as IAM's `StringLike` matches it: `*` any run of
 * characters (`/` and `:` too), `?` any one character, everything else itself.
 */
export function matchesLike(pattern: string, text: string): boolean {
  const source = [...pattern].map(character => character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[\\^$.|+()[\]{}]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, 'su').test(text);
}
