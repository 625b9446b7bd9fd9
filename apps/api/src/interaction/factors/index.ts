import type { KeySealer } from '../../crypto/key-sealer.js';
import type { Storage, Stores, User } from '../../storage/types.js';
import { Passkeys } from './passkeys.js';
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHash } from './recovery-codes.js';
import { newTotpSecret, normaliseTotpCode, totpQrSvg, totpStep, totpUri } from './totp.js';

/** A second factor as a form sends it: which one, and its answer. */
export interface FactorAnswer {
  method: string;
  code: string;
  credential: string;
}

export type FactorResult =
  | { ok: true; method: 'totp' | 'recovery' | 'passkey'; amr: string[] }
  | { ok: false; error: string };

/** TOTP, recovery codes and passkeys for one installation: enrolment and checking answers. */
export class SecondFactors {
  readonly passkeys: Passkeys;
  private readonly label: string;

  constructor(private readonly storage: Storage, private readonly sealer: KeySealer, issuer: string) {
    this.passkeys = new Passkeys(issuer);
    this.label = `Tollgate (${new URL(issuer).host})`;
  }

  /** Sealed under the installation's key, bound to the user (AES-GCM additional data), as signing keys are. */
  private seal(userId: string, secret: string): string {
    return JSON.stringify(this.sealer.seal(`totp:${userId}`, { secret }));
  }

  private open(userId: string, sealed: string): string {
    return this.sealer.open(`totp:${userId}`, JSON.parse(sealed) as Record<string, unknown>).secret as string;
  }

  /**
   * A new pending TOTP secret (replacing a pending one), and what the page
   * shows to set up an app with it; null when the user has a confirmed one.
   */
  async startTotp(user: User, now: number): Promise<{ secret: string; uri: string; qrSvg: string } | null> {
    const secret = newTotpSecret();
    if (!(await this.storage.factors.putPendingTotp(user.id, this.seal(user.id, secret), now))) return null;
    return this.pendingTotp(user);
  }

  /** The pending secret's set-up details again (the page is shown anew after a wrong code). */
  async pendingTotp(user: User): Promise<{ secret: string; uri: string; qrSvg: string } | null> {
    const factor = await this.storage.factors.getTotp(user.id);
    if (!factor || factor.confirmedAt !== null) return null;
    const secret = this.open(user.id, factor.secretSealed);
    const uri = totpUri(secret, this.label, user.username);
    return { secret, uri, qrSvg: await totpQrSvg(uri) };
  }

  /** Confirms the pending secret with a code from the app: only then is it a factor. */
  async confirmTotp(user: User, input: string, now: number): Promise<FactorResult> {
    const code = normaliseTotpCode(input);
    if (code === null) return { ok: false, error: 'Enter the 6-digit code your app shows.' };
    const factor = await this.storage.factors.getTotp(user.id);
    if (!factor || factor.confirmedAt !== null) return { ok: false, error: 'Start the set-up again.' };
    const step = totpStep(this.open(user.id, factor.secretSealed), code, now);
    if (step === null || !(await this.storage.factors.useTotpStep(user.id, step, now, true))) {
      return { ok: false, error: 'That code is not right. Check the time on your device, then enter the newest code.' };
    }
    return { ok: true, method: 'totp', amr: ['otp'] };
  }

  /** Ten new recovery codes, replacing the old ones: shown once, stored as hashes. */
  async newRecoveryCodes(stores: Pick<Stores, 'factors'>, user: User, now: number): Promise<string[]> {
    const codes = newRecoveryCodes();
    await stores.factors.replaceRecoveryCodes(user.id, codes.map((c) => recoveryCodeHash(normaliseRecoveryCode(c)!)), now);
    return codes;
  }

  /**
   * Checks a second factor: a TOTP code (once per time step), a recovery code
   * (once), or a passkey's answer to a challenge given to this browser for `purpose`.
   */
  async verify(user: User, answer: FactorAnswer, browserSecret: string, purpose: string, now: number): Promise<FactorResult> {
    switch (answer.method) {
      case 'totp': {
        const code = normaliseTotpCode(answer.code);
        if (code === null) return { ok: false, error: 'Enter the 6-digit code your authenticator app shows.' };
        const factor = await this.storage.factors.getTotp(user.id);
        if (!factor || factor.confirmedAt === null) return { ok: false, error: 'This account has no authenticator app set up.' };
        const step = totpStep(this.open(user.id, factor.secretSealed), code, now);
        if (step === null) return { ok: false, error: 'That code is not right.' };
        // Refused when this code (or a newer one) was used already: someone may have seen it.
        if (!(await this.storage.factors.useTotpStep(user.id, step, now, false))) return { ok: false, error: 'That code was used already. Wait for the next one.' };
        return { ok: true, method: 'totp', amr: ['otp'] };
      }
      case 'recovery': {
        const code = normaliseRecoveryCode(answer.code);
        if (code === null || !(await this.storage.factors.useRecoveryCode(user.id, recoveryCodeHash(code), now))) {
          return { ok: false, error: 'That recovery code is not right, or was used already.' };
        }
        return { ok: true, method: 'recovery', amr: ['otp'] };
      }
      case 'passkey': {
        const result = await this.passkeys.authenticate(this.storage, answer.credential, user.id, browserSecret, purpose, now);
        return result.ok ? { ok: true, method: 'passkey', amr: result.amr } : { ok: false, error: result.reason };
      }
      default:
        return { ok: false, error: 'Choose a way to confirm it is you.' };
    }
  }
}
