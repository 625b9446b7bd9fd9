import type { Client } from '../../../lib/contract';

/** A JSON Web Key as registered: public members only. */
export type Jwk = Record<string, unknown>;

/** The algorithms a client may sign its assertions with (the API's list). */
export const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** Members only a private or symmetric key has (RFC 7517, RFC 7518 §6); the API refuses them too. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;
const MAX_BYTES = 16 * 1024;

/** Where a private_key_jwt client's public keys come from: a URL the server fetches, or a key set pasted here. */
export type KeySource = 'uri' | 'inline';

/**
 * The key set pasted as text, or why it cannot be registered, as a sentence:
 * JSON, `{"keys": [...]}`, one to ten keys each with a `kty`, public keys only.
 */
export function parseKeySet(text: string): { jwks: { keys: Jwk[] } } | { problem: string } {
  if (text.trim() === '') return { problem: 'Paste the client\'s public keys as a JSON Web Key Set: {"keys": [ … ]}.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'This is not valid JSON. Paste the key set as it is, such as {"keys": [{"kty": "EC", …}]}.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Array.isArray((value as { keys?: unknown }).keys)) {
    return { problem: 'Paste a JSON Web Key Set: an object with a "keys" list, such as {"keys": [{"kty": "EC", …}]}.' };
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length === 0) return { problem: 'The key set holds no key: add at least one public key.' };
  if (keys.length > MAX_KEYS) return { problem: `The key set holds ${keys.length} keys: at most ${MAX_KEYS} are allowed.` };
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key) || typeof (key as Jwk).kty !== 'string') {
      return { problem: `Key ${index + 1} is not a JSON Web Key: each key needs a "kty" (EC, RSA or OKP).` };
    }
    const secret = PRIVATE_MEMBERS.find((member) => member in key);
    if (secret !== undefined) {
      return { problem: `Key ${index + 1} is a private key (it has the member "${secret}"). Paste the public keys only: the private key stays with the client.` };
    }
  }
  if (new TextEncoder().encode(JSON.stringify(value)).length > MAX_BYTES) return { problem: `The key set is larger than ${MAX_BYTES / 1024} KB.` };
  return { jwks: { keys: keys as Jwk[] } };
}

/** Why a key set URL cannot be registered, or null: an absolute https URL without a fragment. */
export function keySetUrlProblem(text: string): string | null {
  const value = text.trim();
  if (value === '') return 'Enter the https URL where the client publishes its public keys.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a whole URL with its scheme, such as https://app.example.com/jwks.json.';
  }
  if (url.protocol !== 'https:') return 'The key set URL must use https.';
  if (value.includes('#')) return 'The key set URL must not have a fragment.';
  return null;
}

/** The members of a key its RFC 7638 thumbprint is computed over, by key type; null for a type it does not define. */
function thumbprintMembers(key: Jwk): string[] | null {
  switch (key.kty) {
    case 'EC':
      return ['crv', 'kty', 'x', 'y'];
    case 'RSA':
      return ['e', 'kty', 'n'];
    case 'OKP':
      return ['crv', 'kty', 'x'];
    default:
      return null;
  }
}

const base64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The key's SHA-256 JWK thumbprint (RFC 7638), base64url; null when its type or members do not allow one. */
export async function thumbprint(key: Jwk): Promise<string | null> {
  const members = thumbprintMembers(key);
  if (!members || members.some((member) => typeof key[member] !== 'string')) return null;
  const canonical = `{${members.map((member) => `${JSON.stringify(member)}:${JSON.stringify(key[member])}`).join(',')}}`;
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
}

/** How a key is shown in a list: its id, type (with curve or size), algorithm. */
export function describeKey(key: Jwk): { kid: string; type: string; alg: string } {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const kty = text(key.kty) ?? '?';
  const n = text(key.n);
  const size = kty === 'RSA' && n ? `${Math.round((n.length * 6) / 1024) * 1024} bits` : null;
  const detail = text(key.crv) ?? size;
  return { kid: text(key.kid) ?? '—', type: detail ? `${kty} ${detail}` : kty, alg: text(key.alg) ?? 'Any' };
}

/** A client's keys as the form edits them. */
export function keySetForm(client: Pick<Client, 'jwks' | 'jwksUri'>): { keySource: KeySource; jwksUri: string; jwksText: string } {
  return {
    keySource: client.jwks ? 'inline' : 'uri',
    jwksUri: client.jwksUri ?? '',
    jwksText: client.jwks ? JSON.stringify(client.jwks, null, 2) : '',
  };
}

/**
 * The request fields for the keys as entered, or the problems by field
 * (`jwks` or `jwksUri`): the one source chosen, the other null.
 */
export function keySetRequest(values: { keySource: KeySource; jwksUri: string; jwksText: string }):
  { fields: { jwks: { keys: Jwk[] } | null; jwksUri: string | null } } | { errors: Record<string, string> } {
  if (values.keySource === 'uri') {
    const problem = keySetUrlProblem(values.jwksUri);
    return problem ? { errors: { jwksUri: problem } } : { fields: { jwks: null, jwksUri: values.jwksUri.trim() } };
  }
  const parsed = parseKeySet(values.jwksText);
  return 'problem' in parsed ? { errors: { jwks: parsed.problem } } : { fields: { jwks: parsed.jwks, jwksUri: null } };
}
