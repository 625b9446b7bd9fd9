import { audit } from '../admin/actor.js';
import { openKeySealer } from '../crypto/key-sealer.js';
import { SigningKeys } from '../oauth/tokens/signing-keys.js';
import { defineCommand, jsonOption } from './command.js';
import { table } from './context.js';

/** New ID token signing keys for every algorithm; the old ones retire but stay in the JWKS until the ID tokens they signed have expired. */
const keysRotate = defineCommand({
  name: 'keys rotate',
  summary: 'Create new ID token signing keys; the old ones stay published until their tokens expire.',
  description: [
    'Creates a new ES256 and a new RS256 signing key. The old keys stop signing and erase their private halves, '
      + 'but stay in the JWKS for ID_TOKEN_TTL so the ID tokens they signed can still be verified. '
      + 'Running servers switch to the new keys within a minute.',
  ],
  options: { json: jsonOption },
  async run(ctx, values) {
    const now = Date.now();
    const keys = new SigningKeys(ctx.storage, ctx.config.lifetimes.idToken, openKeySealer(ctx.config.keyEncryption));
    const { created, retired } = await keys.rotate(now);
    await audit(ctx.storage, ctx.actor, 'key.rotate', null, now, { created: created.map((k) => k.id), retired });
    const until = new Date(now + ctx.config.lifetimes.idToken * 1000).toISOString();
    if (values.json) {
      ctx.out(JSON.stringify({ created: created.map((k) => ({ kid: k.id, alg: k.algorithm })), retired, retired_published_until: until }, null, 2));
      return;
    }
    for (const key of created) ctx.out(`New ${key.algorithm} signing key ${key.id}`);
    if (retired.length > 0) ctx.out(`Retired ${retired.length} key(s); they stay in the JWKS until ${until}.`);
    ctx.out('Running servers start signing with the new keys within a minute.');
  },
});

const keysList = defineCommand({
  name: 'keys list',
  summary: 'List the published signing keys: kid, algorithm, created, active or retired.',
  options: { json: jsonOption },
  async run(ctx, values) {
    const published = await ctx.storage.keys.listPublished(Date.now() - ctx.config.lifetimes.idToken * 1000);
    const rows = published.map((k) => ({
      kid: k.id, alg: k.algorithm, created_at: new Date(k.createdAt).toISOString(),
      status: k.retiredAt === null ? 'active' : `retired ${new Date(k.retiredAt).toISOString()}`,
    }));
    if (values.json) ctx.out(JSON.stringify(rows, null, 2));
    else ctx.out(table(['KID', 'ALG', 'CREATED', 'STATUS'], rows.map((r) => [r.kid, r.alg, r.created_at, r.status])));
  },
});

export const keysCommands = [keysRotate, keysList];
