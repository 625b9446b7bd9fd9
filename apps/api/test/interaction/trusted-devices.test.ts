import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TRUSTED_DEVICE_TTL_SECONDS, TrustedDevices } from '../../src/interaction/trusted-devices.js';

const ADA = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const GRACE = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const NOW = 1_800_000_000_000;

/** The cookie `devices` sets for `userId`, as `name=value`. */
function issued(devices: TrustedDevices, userId: string, now = NOW): string {
  let cookie = '';
  devices.issue({ getHeader: () => undefined, setHeader: (_: string, value: string[]) => { cookie = value[0]!; } } as unknown as ServerResponse, userId, now);
  return cookie.split(';')[0]!;
}

const carrying = (cookie: string) => ({ headers: { cookie } }) as IncomingMessage;

describe('trusted devices', () => {
  const devices = new TrustedDevices('installation secret of at least thirty-two characters', { secure: false });

  it('recognises its own cookie for the user it was issued to, with a device id of its own', () => {
    const cookie = issued(devices, ADA);
    const id = devices.read(carrying(cookie), ADA, NOW + 1000);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(devices.read(carrying(issued(devices, ADA)), ADA, NOW)).not.toBe(id);
  });

  it('trusts the cookie for no other user, after its lifetime, or when any part was changed', () => {
    const cookie = issued(devices, ADA);
    expect(devices.read(carrying(cookie), GRACE, NOW)).toBeNull();
    expect(devices.read(carrying(cookie), ADA, NOW + TRUSTED_DEVICE_TTL_SECONDS * 1000)).toBeNull();
    expect(devices.read(carrying(cookie), ADA, NOW + TRUSTED_DEVICE_TTL_SECONDS * 1000 - 1)).not.toBeNull();
    const [head, mac] = [cookie.slice(0, cookie.lastIndexOf('.')), cookie.slice(cookie.lastIndexOf('.') + 1)];
    const flipped = `${head}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(devices.read(carrying(flipped), ADA, NOW)).toBeNull();
    expect(devices.read(carrying(cookie.replace(ADA, GRACE)), GRACE, NOW)).toBeNull();
    expect(devices.read(carrying(cookie.replace(`.${(NOW).toString(36)}.`, `.${(NOW + 1).toString(36)}.`)), ADA, NOW)).toBeNull();
  });

  it('trusts a cookie issued by an earlier version: the key derivation and the signed text are fixed (known answer, checked with node:crypto alone)', () => {
    const cookie = `tg_device=tg_d_${ADA}.mywpiww0.pxVkqz6GIJhKSy-nH2RY7Q.vqLWYBfaG0GjO0LpKm_1shznbYdt8WWuo7vZ0rndEdE`;
    expect(devices.read(carrying(cookie), ADA, NOW)).toBe('pxVkqz6GIJhKSy-nH2RY7Q');
  });

  it('trusts no cookie signed with another installation secret', () => {
    const other = new TrustedDevices('another installation secret, also thirty-two characters', { secure: false });
    expect(other.read(carrying(issued(devices, ADA)), ADA, NOW)).toBeNull();
  });

  it('names the cookie __Host- on https', () => {
    const secure = new TrustedDevices('installation secret of at least thirty-two characters', { secure: true });
    expect(issued(secure, ADA)).toMatch(/^__Host-tg_device=tg_d_/);
    expect(secure.read(carrying(issued(devices, ADA)), ADA, NOW)).toBeNull();
  });
});
