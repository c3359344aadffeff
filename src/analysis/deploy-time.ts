/**
 * Parts of a template's value that only deployment knows (a parameter, an import, an attribute
 * of another resource), written into the text the audit reads as private-use characters that
 * no token or name holds, with the IAM characters the template escapes in them (`$`, `*`, `?`,
 * escaped as `${$}`, `${*}`, `${?}` with `Fn::Join` over `Fn::Split`, as this library writes them).
 */

const MARK = /\uE000([dsq]*)\uE001/g;

/** How an escaped character is noted in a mark: letters, so that no mark holds a wildcard itself. */
const NOTE: { [character: string]: string } = { '$': 'd', '*': 's', '?': 'q' };

/** IAM's escape of each character that means something in a policy string. */
export const IAM_ESCAPES: { [character: string]: string } = { '$': '${$}', '*': '${*}', '?': '${?}' };

/** A value that only deployment knows, with the characters escaped in it. */
export function deployTimeValue(escaped = ''): string {
  return `\uE000${[...new Set([...escaped].map(character => NOTE[character]))].sort().join('')}\uE001`;
}

/** Whether the text is exactly one value that only deployment knows; its escaped characters if so. */
export function soleDeployTimeValue(text: string): string | undefined {
  const match = /^\uE000([dsq]*)\uE001$/.exec(text);
  return match ? Object.keys(NOTE).filter(character => match[1].includes(NOTE[character])).join('') : undefined;
}

export function hasDeployTimeValue(text: string): boolean {
  return new RegExp(MARK.source).test(text);
}

/** Whether a value that only deployment knows lacks the escape of one of the characters. */
export function unescapedDeployTimeValue(text: string, characters: string): boolean {
  return [...text.matchAll(MARK)].some(match => [...characters].some(character => !match[1].includes(NOTE[character])));
}

/** The text with each value that only deployment knows replaced (for messages, or to check the rest). */
export function replaceDeployTimeValues(text: string, replacement = '<deploy-time value>'): string {
  return text.replace(MARK, replacement);
}
