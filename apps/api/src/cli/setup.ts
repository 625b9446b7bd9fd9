import { ValidationError } from '../admin/errors.js';
import { bootstrap } from '../setup/bootstrap.js';
import { openKeySealer } from '../crypto/key-sealer.js';
import { UsageError, type CliContext } from './context.js';

export const setupOptions = {
  'admin-username': { type: 'string' },
  'admin-password': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `setup`: migrations, built-in scopes, the console client and a first administrator. Safe to repeat. */
export async function setupCommand(ctx: CliContext, values: { 'admin-username'?: string; 'admin-password'?: string; json?: boolean }) {
  const username = values['admin-username'];
  const password = values['admin-password'];
  if ((username === undefined) !== (password === undefined)) {
    throw new UsageError('--admin-username and --admin-password go together');
  }
  const result = await bootstrap(ctx.storage, {
    issuer: ctx.config.issuer,
    admin: username !== undefined && password !== undefined ? { username, password } : undefined,
    actor: ctx.actor,
    keySealer: openKeySealer(ctx.config.keyEncryption),
  }).catch((error: unknown) => {
    // Name the flags the person typed.
    if (error instanceof ValidationError) throw new UsageError(Object.entries(error.fields).map(([f, m]) => `--admin-${f} ${m}`).join('; '));
    throw error;
  });
  if (values.json) {
    ctx.out(JSON.stringify({
      migrations: result.migrations,
      created_scopes: result.createdScopes,
      console_client: result.consoleClient,
      created_keys: result.createdKeys,
      first_admin: result.firstAdmin && { username: result.firstAdmin.username, password: result.firstAdmin.generated ? result.firstAdmin.password : undefined },
    }, null, 2));
    return;
  }
  ctx.out(`Migrations applied: ${result.migrations.length ? result.migrations.join(', ') : 'none (up to date)'}`);
  ctx.out(`Console client: ${result.consoleClient}`);
  if (result.createdKeys.length > 0) ctx.out(`Signing keys created: ${result.createdKeys.join(', ')}`);
  if (result.firstAdmin) {
    ctx.out(`First administrator: ${result.firstAdmin.username}`);
    if (result.firstAdmin.generated) ctx.out(`Password (shown this once, to be changed at first sign-in): ${result.firstAdmin.password}`);
  } else if (username !== undefined) {
    ctx.out(`Users already exist: no first administrator created (use "users create --admin" to add one)`);
  }
}
