/**
 * Authentication context classes this server tells apart and asks for
 * (OIDC Core §2 `acr`, §3.1.2.1 `acr_values`), weakest first. The multi-factor
 * URI is OpenID PAPE's, which other providers (Auth0) use as well; `phr` is
 * "phishing-resistant" from the OpenID EAP ACR values: a passkey or security key.
 */
export const ACR = {
  password: 'urn:tollgate:acr:password',
  mfa: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  phishingResistant: 'phr',
} as const;

export const ACR_VALUES_SUPPORTED: string[] = [ACR.phishingResistant, ACR.mfa, ACR.password];

/** A Map, not an object literal: `acr_values` is the client's text, and `toString` is in every object. */
const RANK = new Map<string, number>([[ACR.password, 0], [ACR.mfa, 1], [ACR.phishingResistant, 2]]);

/** RFC 8176 methods a WebAuthn credential proves: a key held in hardware, or one synced between devices. */
export const KEY_METHODS = ['hwk', 'swk'] as const;

/** The class a session's methods reach. */
export function acrOf(amr: readonly string[]): string {
  if (!amr.includes('mfa')) return ACR.password;
  return amr.some((method) => (KEY_METHODS as readonly string[]).includes(method)) ? ACR.phishingResistant : ACR.mfa;
}

/**
 * What a request's `acr_values` asks for: the weakest class it names that we
 * know (any of them would do, OIDC Core §3.1.2.1), or null when it names none we know.
 */
export function requestedAcr(acrValues: readonly string[] | undefined): string | null {
  const known = (acrValues ?? []).filter((value) => RANK.has(value));
  if (known.length === 0) return null;
  return known.reduce((weakest, value) => (RANK.get(value)! < RANK.get(weakest)! ? value : weakest));
}

/** Whether a session with these methods reaches `acr`. */
export function reaches(amr: readonly string[], acr: string): boolean {
  return RANK.get(acrOf(amr))! >= (RANK.get(acr) ?? 0);
}

/** Adds the methods of a second factor to a session's: with the password (or a passkey) before it, that is `mfa`. */
export function withSecondFactor(amr: readonly string[], methods: readonly string[]): string[] {
  return [...new Set([...amr, ...methods, 'mfa'])];
}
