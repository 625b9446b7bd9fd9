import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { randomBytes, sha256 } from '../../crypto/random.js';
import type { Stores, User, WebAuthnCredential } from '../../storage/types.js';

/** How long a ceremony may take, from the page to the answer. */
const CHALLENGE_TTL_MS = 5 * 60_000;

export type PasskeyResult =
  | { ok: true; credential: WebAuthnCredential; amr: string[] }
  | { ok: false; reason: string };

/** The RFC 8176 method a credential proves: a synced passkey is a software-held key, others hardware. */
export function keyMethod(credential: Pick<WebAuthnCredential, 'deviceType'>): 'hwk' | 'swk' {
  return credential.deviceType === 'multiDevice' ? 'swk' : 'hwk';
}

/** The WebAuthn user handle of a user: their id's bytes (never their name, which may change and is personal). */
function userHandle(user: Pick<User, 'id'>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(user.id, 'utf8'));
}

/**
 * WebAuthn registration and authentication (passkeys, security keys), with
 * the relying party ID and origin taken from the issuer. A challenge needs no
 * row: it is a random nonce, the time, and an HMAC of both keyed by this
 * browser's secret cookie and the ceremony's purpose (an interaction, an
 * enrolment), so it is worthless in another browser or for another purpose;
 * it is accepted once (the replay store) within five minutes.
 */
export class Passkeys {
  readonly rpID: string;
  readonly origin: string;

  constructor(issuer: string, private readonly rpName = 'Tollgate') {
    const url = new URL(issuer);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  challenge(browserSecret: string, purpose: string, now: number): string {
    const head = Buffer.alloc(22);
    randomBytes(16).copy(head, 0);
    head.writeUIntBE(now, 16, 6);
    return Buffer.concat([head, this.mac(browserSecret, purpose, head)]).toString('base64url');
  }

  /** The library takes a string challenge as text to encode; ours goes as its bytes, so the browser echoes it as we made it. */
  private challengeBytes(browserSecret: string, purpose: string, now: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(Buffer.from(this.challenge(browserSecret, purpose, now), 'base64url'));
  }

  private mac(browserSecret: string, purpose: string, head: Buffer): Buffer {
    return createHmac('sha256', browserSecret).update(`webauthn:${purpose}:`).update(head).digest().subarray(0, 16);
  }

  /** Whether this browser was given this challenge for this purpose in the last five minutes. */
  private challengeValid(challenge: string, browserSecret: string, purpose: string, now: number): boolean {
    const bytes = Buffer.from(challenge, 'base64url');
    if (bytes.length !== 38 || bytes.toString('base64url') !== challenge) return false;
    const head = bytes.subarray(0, 22);
    const issuedAt = head.readUIntBE(16, 6);
    if (issuedAt > now + 60_000 || now - issuedAt > CHALLENGE_TTL_MS) return false;
    return timingSafeEqual(bytes.subarray(22), this.mac(browserSecret, purpose, head));
  }

  /** Spends the challenge of a response that verified: a second use of it is a replay. */
  private async spend(stores: Pick<Stores, 'replays'>, challenge: string, now: number): Promise<boolean> {
    return stores.replays.use(`webauthn:${sha256(challenge)}`, now + CHALLENGE_TTL_MS + 60_000, now);
  }

  async registrationOptions(
    user: User, existing: WebAuthnCredential[], browserSecret: string, purpose: string, now: number,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: this.rpName, rpID: this.rpID, userName: user.username, userDisplayName: user.displayName ?? user.username,
      userID: userHandle(user), challenge: this.challengeBytes(browserSecret, purpose, now), attestationType: 'none', timeout: CHALLENGE_TTL_MS,
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
      // A discoverable credential (a passkey) can also sign in without a user name.
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
  }

  /** Checks a registration response and stores the credential under `name`. */
  async register(
    stores: Pick<Stores, 'replays' | 'factors'>, user: User, response: string, name: string, browserSecret: string, purpose: string, now: number,
  ): Promise<PasskeyResult> {
    const parsed = parseResponse<RegistrationResponseJSON>(response);
    if (!parsed) return { ok: false, reason: 'The security key\u2019s answer could not be read.' };
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response: parsed, expectedChallenge: (c) => this.challengeValid(c, browserSecret, purpose, now),
        expectedOrigin: this.origin, expectedRPID: this.rpID, requireUserVerification: false,
      });
      if (!result.verified) return { ok: false, reason: 'The security key\u2019s answer was not valid.' };
      info = result.registrationInfo;
    } catch (error) {
      return { ok: false, reason: `The security key\u2019s answer was not valid: ${(error as Error).message}` };
    }
    if (!(await this.spend(stores, challengeOf(parsed), now))) return { ok: false, reason: 'This answer was used already. Try again.' };
    const credential: WebAuthnCredential = {
      id: info.credential.id, userId: user.id, name, publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter, transports: info.credential.transports ?? [], deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp, createdAt: now, lastUsedAt: null,
    };
    await stores.factors.addCredential(credential);
    return { ok: true, credential, amr: [keyMethod(credential)] };
  }

  /**
   * Options to sign in with a key: the user's credentials, or none (the
   * browser offers discoverable passkeys) for a sign-in without a user name.
   */
  async authenticationOptions(
    credentials: WebAuthnCredential[] | null, browserSecret: string, purpose: string, now: number,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.rpID, challenge: this.challengeBytes(browserSecret, purpose, now), timeout: CHALLENGE_TTL_MS,
      userVerification: credentials === null ? 'required' : 'preferred',
      ...(credentials && { allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })) }),
    });
  }

  /**
   * Checks an authentication response: the challenge, origin and RP ID, the
   * signature with the stored key, and that the signature counter moved on
   * (recorded in one conditional write). `userId`: whose key it must be; null
   * for a sign-in without a user name, which requires user verification.
   */
  async authenticate(
    stores: Pick<Stores, 'replays' | 'factors'>, response: string, userId: string | null, browserSecret: string, purpose: string, now: number,
  ): Promise<PasskeyResult> {
    const parsed = parseResponse<AuthenticationResponseJSON>(response);
    if (!parsed || typeof parsed.id !== 'string') return { ok: false, reason: 'The security key\u2019s answer could not be read.' };
    const credential = parsed.id.length <= 1024 ? await stores.factors.getCredential(parsed.id) : null;
    if (!credential || (userId !== null && credential.userId !== userId)) return { ok: false, reason: 'This security key is not registered for this account.' };
    if (userId === null && typeof parsed.response?.userHandle === 'string'
      && parsed.response.userHandle !== Buffer.from(userHandle({ id: credential.userId })).toString('base64url')) {
      return { ok: false, reason: 'This security key is not registered for this account.' };
    }
    let info;
    try {
      const result = await verifyAuthenticationResponse({
        response: parsed, expectedChallenge: (c) => this.challengeValid(c, browserSecret, purpose, now),
        expectedOrigin: this.origin, expectedRPID: this.rpID, requireUserVerification: userId === null,
        credential: { id: credential.id, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: credential.counter, transports: credential.transports as AuthenticatorTransportFuture[] },
      });
      if (!result.verified) return { ok: false, reason: 'The security key\u2019s answer was not valid.' };
      info = result.authenticationInfo;
    } catch (error) {
      return { ok: false, reason: `The security key\u2019s answer was not valid: ${(error as Error).message}` };
    }
    if (!(await this.spend(stores, challengeOf(parsed), now))) return { ok: false, reason: 'This answer was used already. Try again.' };
    if (!(await stores.factors.useCredential(credential.id, info.newCounter, now))) {
      return { ok: false, reason: 'The security key\u2019s signature counter went backwards: it may have been copied.' };
    }
    const method = keyMethod({ deviceType: info.credentialDeviceType });
    return { ok: true, credential: { ...credential, counter: info.newCounter, lastUsedAt: now }, amr: userId === null ? [method, 'user', 'mfa'] : [method] };
  }
}

function parseResponse<T>(text: string): T | null {
  if (text === '' || text.length > 16_384) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as T : null;
  } catch {
    return null;
  }
}

/** The challenge a verified response answered (its client data says, and the library checked it). */
function challengeOf(response: { response: { clientDataJSON: string } }): string {
  return (JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge: string }).challenge;
}
