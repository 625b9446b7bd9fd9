import { hashPassword, verifyPassword } from '../../crypto/password.js';
import { randomSecret } from '../../crypto/random.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Storage, User } from '../../storage/types.js';

/**
 * The longest password anyone can set (the password rule's limit). A longer one is
 * never right, even when it starts with the user's: refused, after a check of as long
 * a password as could be right, so it costs the same and answers as a wrong one.
 */
export const MAX_PASSWORD_LENGTH = 1024;

/** The /64 of an IPv6 address, or the address itself: one host usually holds a whole /64. */
export type AddressBucket = (address: string) => string;

/** The throttles a password sign-in spends: per account from unknown browsers, per trusted browser, per address. */
export interface SignInLimiters {
  perAccount: RateLimiter;
  perDevice: RateLimiter;
  perAddress: RateLimiter;
}

export type SignInFailure = 'unknown user' | 'wrong password' | 'user disabled';

/** What a user name and password come to. `user` is set on a failure when the name was known (for the audit entry). */
export type SignInResult =
  | { kind: 'signed_in'; user: User }
  | { kind: 'limited'; retryAfterSeconds: number }
  | { kind: 'failed'; reason: SignInFailure; user: User | null };

/** Who one sign-in attempt counts against. */
export interface SignInSubject {
  /**
   * The account named (a user name as typed, compared case-insensitively);
   * null when the check names none beforehand (a passkey alone): the address pays alone.
   */
  username: string | null;
  /** The trusted-browser id the caller found for this account, or null: a browser the user signed in with before has its own budget. */
  device: string | null;
  /** Source address, for the per-address throttle. */
  address: string;
}

/** A throttled check: refused by a limit before it ran, or run. */
export type Throttled<R> = { limited: true; retryAfterSeconds: number } | { limited: false; result: R };

export interface SignInAttempt {
  /** Trimmed by the caller; compared case-insensitively. */
  username: string;
  /** As typed: one longer than any password can be fails as a wrong one. */
  password: string;
  /** Source address, for the per-address throttle. */
  address: string;
  /** The trusted-browser id the caller found for this user, or null (a token request never has one). */
  deviceOf?: (user: User) => string | null;
}

/**
 * One password check for every place a person types a password: the login
 * page and the password grant (RFC 6749 §4.3), so both spend the same
 * throttles and refuse the same users. An unknown user name is checked
 * against a decoy hash, so that answer takes as long as a wrong password.
 *
 * The seam for other ways to check a password (issue 22: an embedding host's
 * `authenticate(username, password)`) is `verify`: everything around it, the
 * throttles, the disabled check and the audit, stays here.
 */
export class PasswordSignIn {
  private readonly decoy: Promise<string>;

  constructor(
    private readonly storage: Pick<Storage, 'users'>,
    private readonly limiters: SignInLimiters,
    private readonly addressBucket: AddressBucket,
    private readonly verify: (password: string, hash: string) => Promise<boolean> = verifyPassword,
    /** A host application's own check (createTollgate's \`authenticate\`): the user, or null. Replaces the lookup and the hash. */
    private readonly host?: (username: string, password: string) => Promise<User | null>,
  ) {
    this.decoy = hashPassword(randomSecret('decoy-'));
  }

  /**
   * The same throttles around a host application's user check, for the
   * password grant of an embedding app that keeps its own users (issue 22).
   */
  withHostAuthenticator(host: (username: string, password: string) => Promise<User | null>): PasswordSignIn {
    return new PasswordSignIn(this.storage, this.limiters, this.addressBucket, this.verify, host);
  }

  /**
   * Runs one check a person could guess at (a password, an authenticator or
   * recovery code, a passkey) against the sign-in limits: counted before the
   * check, so attempts sent together cannot all slip under the limit, and
   * refunded when `succeeded(result)`. The only way the limiters are spent:
   * every sign-in path, this class's `attempt` included, goes through it.
   */
  async throttled<R>(subject: SignInSubject, check: () => Promise<R>, succeeded: (result: R) => boolean): Promise<Throttled<R>> {
    const { perAccount, perDevice, perAddress } = this.limiters;
    const user: [RateLimiter, string] | null = subject.device !== null ? [perDevice, subject.device]
      : subject.username !== null ? [perAccount, subject.username.toLowerCase()] : null;
    const addressKey = this.addressBucket(subject.address);
    const byUser = user ? user[0].consume(user[1]) : null;
    const byAddress = perAddress.consume(addressKey);
    if ((byUser && !byUser.allowed) || !byAddress.allowed) {
      if (user && byUser?.allowed) user[0].refund(user[1]);
      if (byAddress.allowed) perAddress.refund(addressKey);
      const limited = (byUser && !byUser.allowed ? byUser : byAddress) as { retryAfterSeconds: number };
      return { limited: true, retryAfterSeconds: limited.retryAfterSeconds };
    }
    const result = await check();
    if (succeeded(result)) {
      if (user) user[0].refund(user[1]);
      perAddress.refund(addressKey);
    }
    return { limited: false, result };
  }

  async attempt(attempt: SignInAttempt): Promise<SignInResult> {
    const { username, password, address } = attempt;
    const user = username === '' || this.host ? null : await this.storage.users.getByUsername(username);
    // A browser the user signed in with before is throttled on its own, so a stranger's failures cannot lock it out.
    const device = user && attempt.deviceOf ? attempt.deviceOf(user) : null;
    const throttled = await this.throttled({ username, device, address }, () => this.check(user, username, password), (result) => result.kind === 'signed_in');
    return throttled.limited ? { kind: 'limited', retryAfterSeconds: throttled.retryAfterSeconds } : throttled.result;
  }

  private async check(user: User | null, username: string, typed: string): Promise<SignInResult> {
    const possible = typed.length <= MAX_PASSWORD_LENGTH;
    const password = typed.slice(0, MAX_PASSWORD_LENGTH);
    if (this.host) {
      const hosted = username === '' || !possible ? null : await this.host(username, password);
      return hosted ? { kind: 'signed_in', user: hosted } : { kind: 'failed', reason: 'wrong password', user: null };
    }
    const valid = await this.verify(password, user !== null ? user.passwordHash : await this.decoy) && possible;
    const failure = !user ? 'unknown user' : !valid ? 'wrong password' : user.disabledAt !== null ? 'user disabled' : null;
    if (failure !== null || !user) return { kind: 'failed', reason: failure ?? 'unknown user', user };
    return { kind: 'signed_in', user };
  }

  close(): Promise<void> {
    return Promise.all([this.limiters.perAccount.close(), this.limiters.perDevice.close(), this.limiters.perAddress.close()]).then(() => undefined);
  }
}
