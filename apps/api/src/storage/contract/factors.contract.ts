import { describe, expect, it } from 'vitest';
import { ConflictError, type Storage, type WebAuthnCredential } from '../types.js';
import { aUser, unique } from './fixtures.js';

function aCredential(userId: string, overrides: Partial<WebAuthnCredential> = {}): Omit<WebAuthnCredential, 'lastUsedAt'> {
  return {
    id: unique('cred'), userId, name: 'Laptop', publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal'],
    deviceType: 'singleDevice', backedUp: false, createdAt: 1000, ...overrides,
  };
}

export function describeSecondFactorStore(storage: () => Storage) {
  describe('SecondFactorStore', () => {
    const newUser = async () => storage().users.create(aUser(), 1000);

    it('keeps a pending TOTP secret until a code confirms it, and refuses a pending secret over a confirmed one', async () => {
      const user = await newUser();
      expect(await storage().factors.putPendingTotp(user.id, 'sealed-1', 1000)).toBe(true);
      expect(await storage().factors.putPendingTotp(user.id, 'sealed-2', 1100)).toBe(true);
      expect((await storage().factors.getTotp(user.id))).toMatchObject({ secretSealed: 'sealed-2', confirmedAt: null, lastStep: null });
      expect((await storage().factors.summary(user.id)).totp).toBe(false);
      // A sign-in code is not accepted for a secret nobody confirmed.
      expect(await storage().factors.useTotpStep(user.id, 50, 1200, false)).toBe(false);
      expect(await storage().factors.useTotpStep(user.id, 50, 1200, true)).toBe(true);
      expect((await storage().factors.getTotp(user.id))).toMatchObject({ confirmedAt: 1200, lastStep: 50 });
      expect((await storage().factors.summary(user.id)).totp).toBe(true);
      expect(await storage().factors.putPendingTotp(user.id, 'sealed-3', 1300)).toBe(false);
      expect((await storage().factors.getTotp(user.id))!.secretSealed).toBe('sealed-2');
    });

    it('accepts a TOTP time step once, and no step older than the newest used', async () => {
      const user = await newUser();
      await storage().factors.putPendingTotp(user.id, 'sealed', 1000);
      await storage().factors.useTotpStep(user.id, 100, 1000, true);
      expect(await storage().factors.useTotpStep(user.id, 100, 1001, false)).toBe(false);
      expect(await storage().factors.useTotpStep(user.id, 99, 1001, false)).toBe(false);
      expect(await storage().factors.useTotpStep(user.id, 101, 1002, false)).toBe(true);
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => storage().factors.useTotpStep(user.id, 102, 1003, false)));
      expect(concurrent.filter(Boolean)).toHaveLength(1);
      expect(await storage().factors.deleteTotp(user.id)).toBe(true);
      expect(await storage().factors.deleteTotp(user.id)).toBe(false);
      expect(await storage().factors.getTotp(user.id)).toBeNull();
    });

    it('spends each recovery code once, only for its user, and replaces them all at once', async () => {
      const user = await newUser();
      const other = await newUser();
      await storage().factors.replaceRecoveryCodes(user.id, ['h1', 'h2', 'h3'], 1000);
      expect((await storage().factors.summary(user.id)).recoveryCodes).toBe(3);
      expect(await storage().factors.useRecoveryCode(other.id, 'h1', 1100)).toBe(false);
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => storage().factors.useRecoveryCode(user.id, 'h1', 1100)));
      expect(concurrent.filter(Boolean)).toHaveLength(1);
      expect(await storage().factors.useRecoveryCode(user.id, 'h1', 1200)).toBe(false);
      expect((await storage().factors.summary(user.id)).recoveryCodes).toBe(2);
      await storage().factors.replaceRecoveryCodes(user.id, ['h4'], 1300);
      expect(await storage().factors.useRecoveryCode(user.id, 'h2', 1400)).toBe(false);
      expect(await storage().factors.useRecoveryCode(user.id, 'h4', 1400)).toBe(true);
    });

    it('stores credentials, refuses a duplicate id, and moves the counter only forward', async () => {
      const user = await newUser();
      const credential = aCredential(user.id, { counter: 5, transports: ['usb', 'nfc'], deviceType: 'multiDevice', backedUp: true });
      await storage().factors.addCredential(credential);
      await expect(storage().factors.addCredential({ ...credential, userId: (await newUser()).id })).rejects.toBeInstanceOf(ConflictError);
      expect(await storage().factors.getCredential(credential.id)).toEqual({ ...credential, lastUsedAt: null });
      expect(await storage().factors.useCredential(credential.id, 5, 2000)).toBe(false);
      expect(await storage().factors.useCredential(credential.id, 4, 2000)).toBe(false);
      expect(await storage().factors.useCredential(credential.id, 0, 2000)).toBe(false);
      expect(await storage().factors.useCredential(credential.id, 6, 2000)).toBe(true);
      expect(await storage().factors.getCredential(credential.id)).toMatchObject({ counter: 6, lastUsedAt: 2000 });
      // An authenticator that keeps no counter says 0 every time: accepted while the stored one is 0 too.
      const zero = aCredential(user.id, { createdAt: 1001 });
      await storage().factors.addCredential(zero);
      expect(await storage().factors.useCredential(zero.id, 0, 2000)).toBe(true);
      expect(await storage().factors.useCredential(zero.id, 0, 2001)).toBe(true);
      expect((await storage().factors.listCredentials(user.id)).map((c) => c.id)).toEqual([credential.id, zero.id]);
      expect(await storage().factors.deleteCredential((await newUser()).id, zero.id)).toBe(false);
      expect(await storage().factors.deleteCredential(user.id, zero.id)).toBe(true);
      expect((await storage().factors.summary(user.id)).passkeys).toBe(1);
    });

    it('removes every factor of a user at once and says what there was; deleting the user removes them too', async () => {
      const user = await newUser();
      await storage().factors.putPendingTotp(user.id, 'sealed', 1000);
      await storage().factors.useTotpStep(user.id, 1, 1000, true);
      await storage().factors.replaceRecoveryCodes(user.id, ['r1', 'r2'], 1000);
      await storage().factors.addCredential(aCredential(user.id));
      expect(await storage().factors.deleteAll(user.id)).toEqual({ totp: true, passkeys: 1, recoveryCodes: 2 });
      expect(await storage().factors.summary(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodes: 0 });
      const other = await newUser();
      const credential = aCredential(other.id);
      await storage().factors.addCredential(credential);
      await storage().factors.replaceRecoveryCodes(other.id, ['r3'], 1000);
      expect(await storage().users.delete(other.id)).not.toBeNull();
      expect(await storage().factors.getCredential(credential.id)).toBeNull();
    });
  });
}
