import type { DeviceAuthorization, DeviceAuthorizationStore } from '../../storage/types.js';

/**
 * RFC 8628 §5.1, SECURITY 46: brute force of a user code bounded per code,
 * whatever the addresses it comes from. Every wrong user code entered at the
 * verification page, from anyone, is counted once server-wide; a user code
 * that no browser has entered yet and that has stood `limit` of them since
 * its authorization was made is retired (it expires now: the page refuses it
 * and the device hears `expired_token`). So no code is ever tested by more
 * than `limit` guesses (give or take those sent at the same moment): with 20^8
 * codes, the chance that any one code is guessed stays below limit / 20^8, as
 * many addresses as the attacker has. The price of a spray is paid in codes
 * restarted, not codes stolen.
 *
 * True when the authorization is (now) retired for it.
 */
export async function retireIfOutguessed(store: DeviceAuthorizationStore, authorization: DeviceAuthorization, limit: number, now: number): Promise<boolean> {
  if (authorization.status !== 'pending' || authorization.browserHash !== null || authorization.expiresAt <= now) return false;
  if ((await store.wrongUserCodes()) - authorization.wrongUserCodesAtStart < limit) return false;
  await store.retire(authorization.id, now);
  return true;
}
