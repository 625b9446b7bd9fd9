import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A key pair the test client signs its assertions with; only the public half goes to the console. */
export interface ClientKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A new ES256 key pair with a key id, its public half as the console takes it. */
export async function newClientKey(): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: `e2e-${randomUUID()}`, alg: 'ES256', use: 'sig' } };
}

/** The private half as a JWK (with `d`), which the console must refuse. */
export async function privateJwk(key: ClientKey): Promise<JWK> {
  return { ...(await exportJWK(key.privateKey)), kid: key.publicJwk.kid };
}

/** A client assertion (RFC 7523) for `clientId`, addressed to `issuer`, signed with `alg` by `key`. */
export function clientAssertion(issuer: string, clientId: string, key: ClientKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60 })
    .setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid as string })
    .sign(key.privateKey);
}

/** A client-credentials token request authenticated with `assertion`: the status and JSON body. */
export async function tokenWithAssertion(issuer: string, assertion: string, scope?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${issuer}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      ...(scope && { scope }),
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
