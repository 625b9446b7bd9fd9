import { audit } from '../admin/actor.js';
import { openKeySealer } from '../crypto/key-sealer.js';
import { SigningKeys } from '../oauth/tokens/signing-keys.js';
import { table, type CliContext } from './context.js';

export const keysRotateOptions = { json: { type: 'boolean' } } as const;

/**
 * `keys rotate`: new ID token signing keys for every algorithm; the old ones
 * retire but stay in the JWKS until the ID tokens they signed have expired.
 */
export async function keysRotateCommand(ctx: CliContext, values: { json?: boolean }) {
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
}

export const keysListOptions = { json: { type: 'boolean' } } as const;

export async function keysListCommand(ctx: CliContext, values: { json?: boolean }) {
  const published = await ctx.storage.keys.listPublished(Date.now() - ctx.config.lifetimes.idToken * 1000);
  const rows = published.map((k) => ({
    kid: k.id, alg: k.algorithm, created_at: new Date(k.createdAt).toISOString(),
    status: k.retiredAt === null ? 'active' : `retired ${new Date(k.retiredAt).toISOString()}`,
  }));
  if (values.json) ctx.out(JSON.stringify(rows, null, 2));
  else ctx.out(table(['KID', 'ALG', 'CREATED', 'STATUS'], rows.map((r) => [r.kid, r.alg, r.created_at, r.status])));
}
