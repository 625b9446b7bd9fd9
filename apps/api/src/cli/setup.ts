import { bootstrap } from '../setup/bootstrap.js';
import { openKeySealer } from '../crypto/key-sealer.js';
import { defineCommand, jsonOption } from './command.js';
import { UsageError } from './context.js';

const setup = defineCommand({
  name: 'setup',
  summary: 'Prepare a database: migrations, built-in scopes, the console client and a first administrator.',
  description: [
    'Applies pending migrations, creates the built-in scopes, the console\'s client and the signing keys, '
      + 'and, when the database has no users yet, a first administrator. Safe to repeat: a second run changes nothing. '
      + 'The server does the same at start; setup is for preparing a database before the first start, or applying migrations without starting a server.',
    'Without --admin-username and --admin-password the first administrator is "admin" with a generated one-time password, printed this once.',
  ],
  options: {
    'admin-username': { type: 'string', value: 'NAME', field: 'username', description: 'The first administrator\'s user name (with --admin-password).' },
    'admin-password': { type: 'string', value: 'PASSWORD', field: 'password', description: 'The first administrator\'s password, 8 characters or more (with --admin-username).' },
    json: jsonOption,
  },
  examples: ['setup', 'setup --admin-username root --admin-password "correct horse battery" --json'],
  migrates: true,
  async run(ctx, values) {
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
      ctx.out(`Users already exist: no first administrator created (use "${ctx.invocation} users create --admin" to add one)`);
    }
  },
});

export const setupCommands = [setup];
