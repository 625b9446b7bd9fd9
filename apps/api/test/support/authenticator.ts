import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

interface StoredKey { privateKey: KeyObject; counter: number; userHandle: string; rpId: string }

/** What a test may change in one ceremony to see the server refuse it. */
export interface Tamper {
  origin?: string;
  rpId?: string;
  challenge?: string;
  /** The signature counter this answer carries (default: one more than the last). */
  counter?: number;
  userVerified?: boolean;
}

/**
 * A WebAuthn authenticator in software (ES256, "none" attestation), for tests:
 * it answers the options our pages give the browser as a browser would, with
 * whatever a test wants to get wrong.
 */
export class SoftwareAuthenticator {
  readonly keys = new Map<string, StoredKey>();

  constructor(readonly origin: string) {}

  private clientData(type: string, challenge: string, tamper: Tamper): string {
    return JSON.stringify({ type, challenge: tamper.challenge ?? challenge, origin: tamper.origin ?? this.origin, crossOrigin: false });
  }

  private flags(attested: boolean, tamper: Tamper): number {
    return 0x01 | (tamper.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
  }

  /** navigator.credentials.create(), answered as `toJSON()` gives it. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, tamper: Tamper = {}) {
    const rpId = tamper.rpId ?? options.rp.id!;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const credentialId = randomBytes(16);
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([
      [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
    ]));
    const counter = Buffer.alloc(4);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(true, tamper)]), counter, Buffer.alloc(16), idLength, credentialId, Buffer.from(cose)]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    const id = b64url(credentialId);
    this.keys.set(id, { privateKey, counter: 0, userHandle: options.user.id, rpId });
    return {
      id, rawId: id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(Buffer.from(this.clientData('webauthn.create', options.challenge, tamper))),
        attestationObject: b64url(attestationObject), transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get() with the given credential (default: the first this authenticator made). */
  get(options: { challenge: string; rpId?: string }, credentialId?: string, tamper: Tamper = {}) {
    const id = credentialId ?? [...this.keys.keys()][0]!;
    const key = this.keys.get(id)!;
    const counterValue = tamper.counter ?? key.counter + 1;
    if (tamper.counter === undefined) key.counter = counterValue;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(counterValue);
    const authData = Buffer.concat([sha256(tamper.rpId ?? options.rpId ?? key.rpId), Buffer.from([this.flags(false, tamper)]), counter]);
    const clientDataJSON = Buffer.from(this.clientData('webauthn.get', options.challenge, tamper));
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), key.privateKey);
    return {
      id, rawId: id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: key.userHandle },
    };
  }
}

/** The WebAuthn options a page put on its button (`data-options`), decoded. */
export function webauthnOptions(html: string, mode: 'create' | 'get'): Record<string, unknown> & { challenge: string } {
  const match = new RegExp(`data-webauthn="${mode}"[^>]*data-options="([^"]+)"`).exec(html);
  if (!match) throw new Error(`no ${mode} options in page:\n${html}`);
  const json = match[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return JSON.parse(json) as Record<string, unknown> & { challenge: string };
}
