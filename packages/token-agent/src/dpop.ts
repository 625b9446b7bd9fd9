import { createHash, randomUUID, webcrypto } from 'node:crypto';

/** An ECDSA P-256 key pair (Web Crypto) the agent signs DPoP proofs with; the private key may be non-extractable. */
export interface DpopKeyPair {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Makes DPoP proofs (RFC 9449 §4) with one ES256 key for the agent's life,
 * and remembers the last nonce each origin handed out (§8, §9).
 */
export class DpopSigner {
  readonly #keys: Promise<{ pair: DpopKeyPair; jwk: webcrypto.JsonWebKey }>;
  readonly #nonces = new Map<string, string>();

  constructor(pair?: DpopKeyPair) {
    this.#keys = (async () => {
      const keys = pair ?? await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as DpopKeyPair;
      const { kty, crv, x, y } = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
      if (kty !== 'EC' || crv !== 'P-256') throw new TypeError('TokenAgent: dpop needs an ECDSA P-256 key pair (ES256)');
      return { pair: keys, jwk: { kty, crv, x, y } };
    })();
    // Surfaces when the first proof is made, not as an unhandled rejection now.
    this.#keys.catch(() => undefined);
  }

  /** The key's RFC 7638 thumbprint (`jkt`), what the server binds tokens to. */
  async thumbprint(): Promise<string> {
    const { jwk } = await this.#keys;
    return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  }

  /** A proof for one request: `htu` without query and fragment, `ath` when an access token goes with it. */
  async proof(method: string, url: string, accessToken?: string): Promise<string> {
    const { pair, jwk } = await this.#keys;
    const target = new URL(url);
    const nonce = this.#nonces.get(target.origin);
    const claims = {
      jti: randomUUID(),
      htm: method.toUpperCase(),
      htu: `${target.origin}${target.pathname}`,
      iat: Math.floor(Date.now() / 1000),
      ...(nonce !== undefined && { nonce }),
      ...(accessToken !== undefined && { ath: createHash('sha256').update(accessToken, 'ascii').digest('base64url') }),
    };
    const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode(claims)}`;
    const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, Buffer.from(input));
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  }

  /** Keeps the `DPoP-Nonce` a response carries; true when it is a new one (worth a retry after `use_dpop_nonce`). */
  remember(url: string, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce === null) return false;
    const origin = new URL(url).origin;
    const fresh = this.#nonces.get(origin) !== nonce;
    this.#nonces.set(origin, nonce);
    return fresh;
  }
}

/** Whether a resource's 401 asks for a DPoP nonce (RFC 9449 §9). */
export function asksForNonce(response: Response): boolean {
  return response.status === 401 && /^DPoP\b.*error="use_dpop_nonce"/i.test(response.headers.get('www-authenticate') ?? '');
}
