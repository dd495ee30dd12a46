import { IResolvable, Token } from 'cdktf';

/**
 * The part every cdktf token marker shares (`TfToken[` in `${TfToken[...]}`, and in the list
 * and map markers), read off a real token rather than written here, so it follows the
 * framework (cdktf or a fork) that is installed.
 */
const MARK = ((): string => {
  const t = Token.asString({ creationStack: [], resolve: () => '' } as IResolvable);
  return t.slice(2, t.indexOf('[') + 1);
})();

/**
 * `Token.isUnresolved(value)`, with the answer for the common case (a plain string, or a
 * plain object whose keys hold no token marker) found without cdktf's regular expressions:
 * a string or key without the marker cannot be a token. Anything else is asked of cdktf.
 * Checks that walk every value of a large stack (shape checks) call this per value.
 */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(MARK) && Token.isUnresolved(value);
  if (value === null || typeof value !== 'object') return Token.isUnresolved(value);
  if (Array.isArray(value) && value.length === 1) return Token.isUnresolved(value);
  if (typeof (value as { resolve?: unknown }).resolve === 'function') return true;
  if (Array.isArray(value)) return false; // indices hold no marker
  for (const key of Object.keys(value)) if (key.includes(MARK)) return Token.isUnresolved(value);
  return false;
}
