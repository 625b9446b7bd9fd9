import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createTestUser } from './browser.js';
import type { Backend } from './databases.js';
import { oauthTestApp } from './oauth-app.js';
import { freePort } from './process.js';

/** A client's (or a DPoP holder's) key pair, made with jose. */
export interface Signer {
  privateKey: CryptoKey;
  /** Public, with kid and alg. */
  jwk: JWK;
  jkt: string;
}

export async function signer(alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA' = 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(publicKey);
  return { privateKey, jwk: { ...exported, kid: randomUUID(), alg }, jkt: await calculateJwkThumbprint(exported) };
}

/** A client assertion (RFC 7523) for `clientId`, addressed to `aud`. */
export function assertion(clientId: string, key: Signer, aud: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud, jti: randomUUID(), iat: now, exp: now + 60 })
    .setProtectedHeader({ alg: key.jwk.alg!, kid: key.jwk.kid }).sign(key.privateKey);
}

/** A DPoP proof (RFC 9449 §4.2) for a POST to `htu`, with the server's `nonce` when given. */
export function proof(key: Signer, htu: string, nonce?: string): Promise<string> {
  const { kid: _kid, alg: _alg, ...jwk } = key.jwk;
  return new SignJWT({ jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), ...(nonce !== undefined && { nonce }) })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.jwk.alg!, jwk }).sign(key.privateKey);
}

/** An app on a real port (openid-client needs URLs), with a user ada, scopes read and write, and `env`. */
export async function runningApp(backend: Backend, env: Record<string, string>) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const t = await oauthTestApp(backend, { ISSUER: issuer, AUTHORIZE_RATE_LIMIT: 'off', REGISTRATION_RATE_LIMIT: 'off', ...env });
  const server = http.createServer(t.app.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await createTestUser(t.storage, { username: 'ada' });
  return {
    t, issuer,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
