import { isUtf8 } from 'node:buffer';
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Compact JWS signatures checked with node:crypto (RFC 7515, RFC 7518 §3,
 * RFC 8037). jose checks through WebCrypto, which cost about twice the CPU
 * of `crypto.verify` with a prepared `KeyObject` on every client assertion
 * and DPoP proof; these functions do what jose's `jwtVerify` did for them,
 * by the same rules: strict base64url and UTF-8, a JSON object header, no
 * `crit`, an allow-listed asymmetric `alg`, keys chosen from a set as
 * `createLocalJWKSet` chooses them, RSA keys of 2048 bits or more, and the
 * claim checks in {@link checkClaims}.
 */

/** Asymmetric algorithms only: never `none`, never HMAC. `Ed25519` is RFC 9864's fully specified name for EdDSA over Ed25519. */
export type JwsAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519';

interface AlgorithmRule {
  kty: 'RSA' | 'EC' | 'OKP';
  /** The JWK curve the key must have; node's name for it in `namedCurve`. */
  crv?: string;
  nodeCurve?: string;
  /** The digest, null for EdDSA (it hashes inside). */
  hash: string | null;
  pss?: boolean;
}

const RULES: Record<JwsAlgorithm, AlgorithmRule> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', crv: 'P-256', nodeCurve: 'prime256v1', hash: 'sha256' },
  ES384: { kty: 'EC', crv: 'P-384', nodeCurve: 'secp384r1', hash: 'sha384' },
  ES512: { kty: 'EC', crv: 'P-521', nodeCurve: 'secp521r1', hash: 'sha512' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: null },
  Ed25519: { kty: 'OKP', crv: 'Ed25519', hash: null },
};

/** Members of a JWK that only a private or symmetric key has (RFC 7517, RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The first member of `jwk` that only a private or symmetric key has, or undefined for a public key. */
export function privateMemberOf(jwk: object): string | undefined {
  return PRIVATE_MEMBERS.find((member) => member in jwk);
}

/** RFC 7518 §3.3 and §3.5: smaller RSA keys are refused. */
const MIN_RSA_BITS = 2048;
/** Keys remembered by {@link PublicKeys}: a client signs with one key for many requests, and a few hundred clients at once is plenty. */
const KEY_CACHE_SIZE = 512;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Why a JWS is refused. `malformed`: not a compact JWS with a JSON object
 * header and payload; `alg`: its algorithm is missing or not allowed;
 * `no-key`: no key of the set fits its `alg` and `kid`; `unusable-key`: the
 * keys that do cannot check it (an RSA key under 2048 bits, a point off its
 * curve); `signature`: no such key verifies it.
 */
export type JwsProblem = 'malformed' | 'alg' | 'no-key' | 'unusable-key' | 'signature';

export class JwsRejected extends Error {
  override readonly name = 'JwsRejected';

  /** For 'malformed': the part at fault, when one is. */
  constructor(readonly problem: JwsProblem, message: string, readonly part?: 'header' | 'payload') {
    super(message);
  }
}

/** A compact JWS, decoded but not yet verified: nothing in it is to be trusted before {@link verifyJws}. */
export interface DecodedJws {
  header: Record<string, unknown>;
  /** The claims: a JSON object. */
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function decodePart(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown;
  try {
    const bytes = Buffer.from(part, 'base64url');
    // Strict UTF-8, as jose: toString() would turn a bad sequence into U+FFFD and let it through.
    if (!isUtf8(bytes)) throw new TypeError('not UTF-8');
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new JwsRejected('malformed', `its ${what} is not base64url-encoded JSON`, what);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsRejected('malformed', `its ${what} is not a JSON object`, what);
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS (RFC 7515 §7.1). Throws `JwsRejected` ('malformed'). */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsRejected('malformed', 'it is not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  // A length of 1 modulo 4 is no base64url at all: Buffer.from would drop the last character, letting one token take two forms.
  if ([header, payload, signature].some((part) => !BASE64URL.test(part) || part.length % 4 === 1)) throw new JwsRejected('malformed', 'it is not base64url-encoded');
  const decoded = { header: decodePart(header, 'header'), payload: decodePart(payload, 'payload') };
  // We understand no critical extension (RFC 7515 §4.1.11), so any `crit` is refused.
  if ('crit' in decoded.header) throw new JwsRejected('malformed', 'its header has a crit member', 'header');
  return { ...decoded, signingInput: Buffer.from(`${header}.${payload}`, 'ascii'), signature: Buffer.from(signature, 'base64url') };
}

/** The header's `alg`, if it is one of `allowed`; throws `JwsRejected` ('alg') otherwise. */
export function allowedAlgorithm(jws: DecodedJws, allowed: readonly string[]): JwsAlgorithm {
  const { alg } = jws.header;
  if (typeof alg !== 'string' || !Object.hasOwn(RULES, alg) || !allowed.includes(alg)) throw new JwsRejected('alg', `alg ${String(alg)} is not allowed`);
  return alg as JwsAlgorithm;
}

/** Whether `key` is a public key `alg` may verify with: its type, its curve, and for RSA its size. */
export function keyFitsAlgorithm(key: KeyObject, alg: JwsAlgorithm): boolean {
  const rule = RULES[alg];
  if (key.type !== 'public') return false;
  const details = key.asymmetricKeyDetails ?? {};
  switch (rule.kty) {
    case 'RSA': return key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS;
    case 'EC': return key.asymmetricKeyType === 'ec' && details.namedCurve === rule.nodeCurve;
    case 'OKP': return key.asymmetricKeyType === 'ed25519';
  }
}

/** Whether the signature of `jws` verifies with `key` under `alg` (which the caller checked the key fits). */
export function signatureVerifies(jws: DecodedJws, alg: JwsAlgorithm, key: KeyObject): boolean {
  const rule = RULES[alg];
  try {
    if (rule.kty === 'EC') return verify(rule.hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    if (rule.pss) return verify(rule.hash, jws.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature);
    return verify(rule.hash, jws.signingInput, key, jws.signature);
  } catch {
    // OpenSSL refuses some malformed signatures (a wrong length) by throwing rather than answering false.
    return false;
  }
}

/**
 * The members of a key set that may check a JWS with this `alg` and `kid`,
 * chosen as jose's `createLocalJWKSet` chooses: the `alg`'s key type and
 * curve, the `kid` when the header names one, the key's own `alg`, `use`
 * and `key_ops` when it has them.
 */
export function candidateKeys<K extends object>(keys: readonly K[], alg: JwsAlgorithm, kid: unknown): K[] {
  const rule = RULES[alg];
  return keys.filter((key) => {
    const jwk = key as Record<string, unknown>;
    const ops = jwk.key_ops;
    return (jwk.ext === undefined || typeof jwk.ext === 'boolean')
      && (ops === undefined || (Array.isArray(ops) && ops.every((op, i) => typeof op === 'string' && ops.indexOf(op) === i) && ops.includes('verify')))
      && jwk.kty === rule.kty
      && (kid === undefined || (typeof kid === 'string' && kid === jwk.kid))
      && (jwk.alg === undefined || jwk.alg === alg)
      && (jwk.use === undefined || jwk.use === 'sig')
      && (rule.crv === undefined || jwk.crv === rule.crv);
  });
}

/**
 * Public keys imported from JWKs, remembered under their exact JSON: the
 * import (which checks an EC point is on its curve) costs about as much as a
 * signature's check. A JWK that does not import is remembered as null. The
 * oldest entry goes when full.
 */
export class PublicKeys {
  private readonly imported = new Map<string, KeyObject | null>();

  /** The key of `jwk`, or null when it is no public key node can import. */
  of(jwk: object): KeyObject | null {
    const id = JSON.stringify(jwk);
    const known = this.imported.get(id);
    if (known !== undefined) return known;
    let key: KeyObject | null = null;
    if (privateMemberOf(jwk) === undefined) {
      try {
        key = createPublicKey({ key: jwk as never, format: 'jwk' });
      } catch {
        // Not a key node can import: remembered as null.
      }
    }
    if (this.imported.size >= KEY_CACHE_SIZE) this.imported.delete(this.imported.keys().next().value!);
    this.imported.set(id, key);
    return key;
  }
}

/**
 * Verifies `jws` (its `alg` already allowed) with the first of `keys` that
 * fits its `alg` and `kid` and checks its signature. Throws `JwsRejected`:
 * 'no-key', 'unusable-key' or 'signature'. Where jose refused a header that
 * several keys fit (no `kid`, two keys of one type), each is tried: a client's
 * set holds at most 10 keys (registration's bound), so a request costs at most
 * 10 checks.
 */
export function verifyJws(jws: DecodedJws, alg: JwsAlgorithm, keys: readonly object[], imported: PublicKeys): void {
  const candidates = candidateKeys(keys, alg, jws.header.kid);
  if (candidates.length === 0) throw new JwsRejected('no-key', 'no registered key fits its alg and kid');
  let usable = false;
  for (const jwk of candidates) {
    const key = imported.of(jwk);
    if (key === null || !keyFitsAlgorithm(key, alg)) continue;
    usable = true;
    if (signatureVerifies(jws, alg, key)) return;
  }
  if (!usable) throw new JwsRejected('unusable-key', 'the keys that fit its alg and kid cannot check it');
  throw new JwsRejected('signature', 'its signature does not verify');
}

/** A claim the checks of {@link checkClaims} refused, and why: `missing`, `invalid` (wrong type or value), `expired`. */
export class ClaimRejected extends Error {
  override readonly name = 'ClaimRejected';

  constructor(readonly claim: string, readonly reason: 'missing' | 'invalid' | 'expired') {
    super(`${claim} claim ${reason}`);
  }
}

export interface ClaimRules {
  /** Claims that must be present, checked in this order after `iss` and `sub`. */
  required?: readonly string[];
  /** The exact `iss` and `sub`, when they must be present and equal these. */
  issuer?: string;
  subject?: string;
  /** The header's `typ`, compared as media types (`dpop+jwt` and `application/dpop+jwt` are one). */
  typ?: string;
  /** Now, in epoch seconds. */
  now: number;
  clockToleranceSeconds?: number;
}

const mediaType = (value: string) => (value.includes('/') ? value : `application/${value}`).toLowerCase();

/**
 * The checks jose's `jwtVerify` made of a verified JWT's header and claims,
 * in its order: `typ`; the required claims present (`iss`, `sub`, then
 * `required`); `iss` and `sub` equal; `iat`, `nbf` and `exp` numbers when
 * present; `nbf` not ahead and `exp` not past, within the tolerance. Throws
 * `ClaimRejected` (claim `typ` for the header).
 */
export function checkClaims(jws: DecodedJws, rules: ClaimRules): void {
  const { header, payload: claims } = jws;
  if (rules.typ !== undefined && (typeof header.typ !== 'string' || mediaType(header.typ) !== mediaType(rules.typ))) throw new ClaimRejected('typ', 'invalid');
  const present = [...(rules.issuer === undefined ? [] : ['iss']), ...(rules.subject === undefined ? [] : ['sub']), ...(rules.required ?? [])];
  for (const claim of present) if (!Object.hasOwn(claims, claim)) throw new ClaimRejected(claim, 'missing');
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) throw new ClaimRejected('iss', 'invalid');
  if (rules.subject !== undefined && claims.sub !== rules.subject) throw new ClaimRejected('sub', 'invalid');
  const tolerance = rules.clockToleranceSeconds ?? 0;
  for (const claim of ['iat', 'nbf', 'exp']) {
    // Number.isFinite is false for anything but a finite number (it does not convert, unlike isFinite).
    if (claims[claim] !== undefined && !Number.isFinite(claims[claim])) throw new ClaimRejected(claim, 'invalid');
  }
  if (claims.nbf !== undefined && (claims.nbf as number) > rules.now + tolerance) throw new ClaimRejected('nbf', 'invalid');
  if (claims.exp !== undefined && (claims.exp as number) <= rules.now - tolerance) throw new ClaimRejected('exp', 'expired');
}
