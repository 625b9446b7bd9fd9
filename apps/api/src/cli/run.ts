import { parseArgs, type ParseArgsConfig } from 'node:util';
import { NotFoundError, StateConflictError, ValidationError } from '../admin/errors.js';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../storage/text.js';
import { ConflictError, StorageUnavailableError } from '../storage/types.js';
import {
  clientsCreateCommand, clientsCreateOptions, clientsListCommand, clientsListOptions, clientsRevokeCommand, clientsRevokeOptions, clientsUpdateCommand,
  clientsUpdateOptions,
} from './clients.js';
import { openContext, UsageError, type CliContext } from './context.js';
import { keysListCommand, keysListOptions, keysRotateCommand, keysRotateOptions } from './keys.js';
import {
  registrationTokensCreateCommand, registrationTokensCreateOptions, registrationTokensListCommand, registrationTokensListOptions,
  registrationTokensRevokeCommand, registrationTokensRevokeOptions,
} from './registration-tokens.js';
import {
  resourcesCreateCommand, resourcesCreateOptions, resourcesDeleteCommand, resourcesDeleteOptions, resourcesListCommand, resourcesListOptions,
  resourcesUpdateCommand, resourcesUpdateOptions,
} from './resources.js';
import { tokensAdminCommand, tokensAdminOptions } from './tokens.js';
import { scopesCreateCommand, scopesCreateOptions, scopesListCommand, scopesListOptions } from './scopes.js';
import { setupCommand, setupOptions } from './setup.js';
import { usersCreateCommand, usersCreateOptions } from './users.js';

interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: boolean;
  /** Applies migrations itself and reports them, rather than having them applied silently first. */
  migrates?: boolean;
  run(ctx: CliContext, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- each command narrows its own parsed flags */
const commands: Record<string, Command> = {
  setup: {
    usage: 'setup [--admin-username U --admin-password P] [--json]',
    options: setupOptions, positionals: false, migrates: true,
    run: (ctx, values) => setupCommand(ctx, values as any),
  },
  'users create': {
    usage: 'users create --username U --password P [--admin] [--email E] [--name "Display Name"] [--json]',
    options: usersCreateOptions, positionals: false,
    run: (ctx, values) => usersCreateCommand(ctx, values as any),
  },
  'clients create': {
    usage: 'clients create --name N [--grant-types client_credentials,authorization_code,refresh_token] [--scopes "read write"] '
      + '[--redirect-uris URL,...] [--post-logout-redirect-uris URL,...] [--id-token-alg ES256|RS256] [--public] [--auth-method client_secret_basic|client_secret_post|none] '
      + '[--site-url URL] [--logo-url URL] [--application-type web|native] [--access-token-ttl 1h] [--refresh-token-ttl 30d] [--resource-server] '
      + '[--allowed-resources "URI URI"] [--resource URI] [--json]',
    options: clientsCreateOptions, positionals: false,
    run: (ctx, values) => clientsCreateCommand(ctx, values as any),
  },
  'clients update': {
    usage: 'clients update CLIENT_ID [--name N] [--grant-types a,b] [--scopes "read write"] [--redirect-uris URL,...] [--access-token-ttl 1h|default] '
      + '[--refresh-token-ttl 30d|default] [--allowed-resources "URI URI"|any] [--resource URI|none] [--json]',
    options: clientsUpdateOptions, positionals: true,
    run: (ctx, values, positionals) => clientsUpdateCommand(ctx, positionals, values as any),
  },
  'clients list': {
    usage: 'clients list [--status active|revoked] [--search TEXT] [--json]',
    options: clientsListOptions, positionals: false,
    run: (ctx, values) => clientsListCommand(ctx, values as any),
  },
  'clients revoke': {
    usage: 'clients revoke CLIENT_ID [--force] [--json]',
    options: clientsRevokeOptions, positionals: true,
    run: (ctx, values, positionals) => clientsRevokeCommand(ctx, positionals, values as any),
  },
  'resources create': {
    usage: 'resources create --identifier URI --name N [--scopes "read write"] [--token-format opaque|jwt] [--access-token-ttl 15m] '
      + '[--signing-alg ES256|RS256] [--default] [--json]',
    options: resourcesCreateOptions, positionals: false,
    run: (ctx, values) => resourcesCreateCommand(ctx, values as any),
  },
  'resources list': {
    usage: 'resources list [--search TEXT] [--json]',
    options: resourcesListOptions, positionals: false,
    run: (ctx, values) => resourcesListCommand(ctx, values as any),
  },
  'resources update': {
    usage: 'resources update IDENTIFIER [--identifier URI] [--name N] [--scopes "read write"] [--token-format opaque|jwt] [--access-token-ttl 15m|default] '
      + '[--signing-alg ES256|RS256] [--default|--not-default] [--json]',
    options: resourcesUpdateOptions, positionals: true,
    run: (ctx, values, positionals) => resourcesUpdateCommand(ctx, positionals, values as any),
  },
  'resources delete': {
    usage: 'resources delete IDENTIFIER [--json]',
    options: resourcesDeleteOptions, positionals: true,
    run: (ctx, values, positionals) => resourcesDeleteCommand(ctx, positionals, values as any),
  },
  'scopes create': {
    usage: 'scopes create NAME --description D [--json]',
    options: scopesCreateOptions, positionals: true,
    run: (ctx, values, positionals) => scopesCreateCommand(ctx, positionals, values as any),
  },
  'tokens admin': {
    usage: 'tokens admin --username ADMIN [--ttl 1h] [--json]',
    options: tokensAdminOptions, positionals: false,
    run: (ctx, values) => tokensAdminCommand(ctx, values as any),
  },
  'keys rotate': {
    usage: 'keys rotate [--json]',
    options: keysRotateOptions, positionals: false,
    run: (ctx, values) => keysRotateCommand(ctx, values as any),
  },
  'keys list': {
    usage: 'keys list [--json]',
    options: keysListOptions, positionals: false,
    run: (ctx, values) => keysListCommand(ctx, values as any),
  },
  'scopes list': {
    usage: 'scopes list [--json]',
    options: scopesListOptions, positionals: false,
    run: (ctx, values) => scopesListCommand(ctx, values as any),
  },
  'registration-tokens create': {
    usage: 'registration-tokens create [--expires-in 1d] [--max-uses N] [--grant-types authorization_code,refresh_token] [--scopes "openid read"] '
      + '[--description TEXT] [--json]',
    options: registrationTokensCreateOptions, positionals: false,
    run: (ctx, values) => registrationTokensCreateCommand(ctx, values as any),
  },
  'registration-tokens list': {
    usage: 'registration-tokens list [--json]',
    options: registrationTokensListOptions, positionals: false,
    run: (ctx, values) => registrationTokensListCommand(ctx, values as any),
  },
  'registration-tokens revoke': {
    usage: 'registration-tokens revoke ID [--json]',
    options: registrationTokensRevokeOptions, positionals: true,
    run: (ctx, values, positionals) => registrationTokensRevokeCommand(ctx, positionals, values as any),
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

function help(): string {
  return ['Usage: tollgate <command> [options]', '', 'Commands:', ...Object.values(commands).map((c) => `  ${c.usage}`), '',
    'Configuration comes from the environment (DATABASE_URL, ISSUER, ...), as for the server.'].join('\n');
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** Runs one CLI invocation and returns its exit code: 0 done, 2 bad input, 1 anything else. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(help());
    return argv.length === 0 ? 2 : 0;
  }
  const name = [argv[0], argv[1]].join(' ');
  const [key, rest] = commands[name] ? [name, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const command = commands[key];
  if (!command) {
    io.err(`tollgate: unknown command "${argv.slice(0, 2).join(' ')}"; run tollgate --help for the list`);
    return 2;
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: command.positionals, strict: true });
  } catch (error) {
    io.err(`tollgate ${key}: ${oneLine((error as Error).message)} (see tollgate ${key} --help)`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`usage: tollgate ${command.usage}`);
    return 0;
  }
  const unstorable = unstorableArgument(parsed);
  if (unstorable !== null) {
    io.err(`tollgate ${key}: ${unstorable} ${UNSTORABLE_MESSAGE}`);
    return 2;
  }

  let ctx: CliContext | undefined;
  try {
    ctx = await openContext(io.env, io.out, { migrate: !command.migrates });
    await command.run(ctx, parsed.values, parsed.positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError || error instanceof ConflictError
      || error instanceof NotFoundError || error instanceof StateConflictError) {
      io.err(`tollgate ${key}: ${describeInputError(error)}`);
      return 2;
    }
    if (error instanceof StorageUnavailableError) {
      io.err(`tollgate: ${error.message}`);
      return 1;
    }
    io.err(`tollgate ${key}: failed: ${oneLine((error as Error).message ?? String(error))}`);
    return 1;
  } finally {
    await ctx?.storage.close();
  }
}

/** The flag (or `arguments`) holding text no store keeps as given; null when there is none. */
function unstorableArgument(parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] }): string | null {
  const flag = Object.entries(parsed.values).find(([, value]) => typeof value === 'string' && hasUnstorableCharacters(value));
  if (flag) return `--${flag[0]}`;
  return parsed.positionals.some(hasUnstorableCharacters) ? 'arguments' : null;
}

/** Flag names as typed: `redirectUris.0` becomes `--redirect-uris`. */
function describeInputError(error: Error): string {
  if (!(error instanceof ValidationError)) return error.message;
  return Object.entries(error.fields).map(([field, message]) => {
    const flag = field.split('.')[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return `--${flagAliases[flag] ?? flag} ${message}`;
  }).join('; ');
}

const flagAliases: Record<string, string> = {
  'token-endpoint-auth-method': 'auth-method', 'display-name': 'name', 'id-token-signing-alg': 'id-token-alg', 'is-default': 'default',
};

function oneLine(text: string): string {
  return text.split('\n')[0]!;
}
