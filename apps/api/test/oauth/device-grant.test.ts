import { describe, expect, it } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { deviceCodeGrant } from '../../src/oauth/grants/device-code.js';
import type { IdTokens } from '../../src/oauth/tokens/id-token.js';
import type { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { Client, DeviceAuthorization, Storage } from '../../src/storage/types.js';
import { clockFrozenAt, grantRefusal, recordingIssuer } from '../support/grant.js';

/**
 * The device code grant's refusals on their own (RFC 8628 §3.5), against a
 * storage holding one device authorization whose state the test sets, also
 * between the poll and the read after it: what each refusal tells the log, and
 * that nothing is minted. device-flow.test.ts runs the flow end to end.
 */

const NOW = 1_700_000_000_000;
const INVALID = 'The device code is invalid or already used.';
const client = { id: 'tv', grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], tokenEndpointAuthMethod: 'none' } as unknown as Client;

function setUp(fields: Partial<DeviceAuthorization>, options: { pollGone?: boolean; afterPoll?: Partial<DeviceAuthorization> | null; consumed?: boolean } = {}) {
  const value = randomSecret(PREFIX.deviceCode);
  const authorization: DeviceAuthorization = {
    id: 'device-1', deviceCodeHash: sha256(value), userCodeHash: 'x', clientId: 'tv', scopes: ['read'], resources: [], status: 'approved',
    userId: 'ada', authTime: NOW - 1000, browserHash: 'browser', intervalSeconds: 5, lastPolledAt: null, sourceAddress: '203.0.113.9',
    createdAt: NOW - 60_000, expiresAt: NOW + 60_000, decidedAt: NOW - 1000, wrongUserCodesAtStart: 0, ...fields,
  };
  const lookedUp: string[] = [];
  const storage = {
    deviceAuthorizations: {
      findByDeviceCodeHash: async (hash: string) => { lookedUp.push(hash); return hash === authorization.deviceCodeHash ? authorization : null; },
      wrongUserCodes: async () => 0,
      poll: async () => (options.pollGone ? null : { tooFast: false, intervalSeconds: 5 }),
      get: async () => (options.afterPoll === null ? null : { ...authorization, ...options.afterPoll }),
      consume: async () => !options.consumed,
    },
    users: { get: async (id: string) => ({ id, disabledAt: null }) },
    transaction: async <T>(work: (stores: unknown) => Promise<T>) => work(storage),
  } as unknown as Storage;
  const recording = recordingIssuer();
  const stored: unknown[] = [];
  // With `consumed`, the issuer mints (in memory) so the grant reaches its redemption.
  const issuer = options.consumed === undefined ? recording.issuer : {
    newFamily: () => 'family', mintUserTokens: async () => ({ scopes: ['read'], body: { access_token: 'a' }, tokens: [] }),
    store: async (_tx: unknown, minted: unknown) => { stored.push(minted); }, issued: () => { stored.push('counted'); },
  } as unknown as TokenIssuer;
  const { minted } = recording;
  const grant = deviceCodeGrant({ storage, issuer, idTokens: {} as IdTokens, userCodeGuesses: 10 });
  const refuse = (params: Record<string, string> = {}) => grantRefusal(grant, client, { device_code: value, ...params }, { choose: async () => null });
  return { refuse, minted, lookedUp, stored };
}

describe('the device code grant', () => {
  clockFrozenAt(NOW);

  it('refuses a device code it never issued, asking the database only for values shaped like one', async () => {
    const { refuse, lookedUp } = setUp({});
    const unknown = await refuse({ device_code: randomSecret(PREFIX.deviceCode) });
    expect([unknown.message, unknown.detail]).toEqual([INVALID, 'unknown device code']);
    const stranger = await refuse({ device_code: randomSecret(PREFIX.authorizationCode) });
    expect([stranger.message, stranger.detail]).toEqual([INVALID, 'unknown device code']);
    expect(lookedUp).toHaveLength(1);
  });

  it('refuses another client\'s device code, naming that client in the log only', async () => {
    const error = await setUp({ clientId: 'other-tv' }).refuse();
    expect([error.message, error.detail]).toEqual([INVALID, 'device code of client other-tv']);
  });

  it('refuses a redeemed device code before polling it', async () => {
    const error = await setUp({ status: 'consumed' }).refuse();
    expect([error.message, error.detail]).toEqual([INVALID, 'device code already redeemed']);
  });

  it('refuses a device code purged while it was polled, or right after', async () => {
    const gone = await setUp({}, { pollGone: true }).refuse();
    expect([gone.message, gone.detail]).toEqual([INVALID, 'device code gone']);
    const { refuse, minted } = setUp({}, { afterPoll: null });
    const purged = await refuse();
    expect([purged.message, purged.detail]).toEqual([INVALID, 'device code already redeemed']);
    expect(minted).toEqual([]);
  });

  it('refuses a device code another poll redeemed between the poll and the read after it, minting nothing', async () => {
    const { refuse, minted } = setUp({}, { afterPoll: { status: 'consumed' } });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID, 'device code already redeemed']);
    expect(minted).toEqual([]);
  });

  it('stores nothing when another poll redeemed the code first, and says so in the log', async () => {
    const { refuse, stored } = setUp({}, { consumed: true });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID, 'device code redeemed by a concurrent poll']);
    expect(stored).toEqual([]);
  });
});
