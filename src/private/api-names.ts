/**
 * A name of the library's API as users of every binding read it in a message: the
 * TypeScript name (Java's too, and Go's with a capital), and Python's snake_case where it differs.
 *
 * For example, apiName('fromAccount()') === 'fromAccount() (from_account() in Python)'
 */
export function apiName(name: string): string {
  const python = name.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`);
  return python === name ? name : `${name} (${python} in Python)`;
}
