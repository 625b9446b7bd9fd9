/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Splits a space-delimited scope parameter; empty parts (double spaces) are dropped, duplicates removed. */
export function parseScope(value: string): string[] {
  return [...new Set(value.split(' ').filter((part) => part.length > 0))];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}
