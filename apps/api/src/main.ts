import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { StorageUnavailableError } from './storage/types.js';
import { ValidationError } from './admin/errors.js';

// Reads config, starts the server, prints what a person needs, and stops cleanly on SIGTERM/SIGINT.
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) console.error(`tollgate: ${problem}`);
  process.exit(2);
}

const logger = createLogger(config.logLevel);

let running;
try {
  running = await startServer(config, logger);
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`tollgate: ${problem}`);
    process.exit(2);
  }
  if (error instanceof StorageUnavailableError || error instanceof ValidationError) {
    console.error(`tollgate: ${error.message}`);
    process.exit(error instanceof ValidationError ? 2 : 1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`tollgate: port ${config.port} on ${config.host} is already in use; set PORT to another port`);
    process.exit(1);
  }
  throw error;
}

const { setup } = running;

const lines = [
  '',
  `  Tollgate is running at ${config.issuer}`,
  `  Admin console:  ${config.issuer}/console/`,
  `  Database:       ${config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : 'PostgreSQL'}`,
];
if (setup.firstAdmin) {
  lines.push(
    '',
    '  First administrator (shown this once):',
    `    user name: ${setup.firstAdmin.username}`,
    `    password:  ${setup.firstAdmin.password}`,
  );
  if (setup.firstAdmin.generated) lines.push('  You will be asked to choose a new password when you first sign in.');
}
if (setup.noActiveAdmin) {
  lines.push('', '  No active administrator exists. Create one with:', '    npm run cli -- users create --username NAME --password PASSWORD --admin');
}
console.log(`${lines.join('\n')}\n`);
logger.info({ address: running.address, issuer: config.issuer, database: config.database.kind, migrations: setup.migrations }, 'listening');
// At once, not with the next 16 KiB of lines: whoever waits for this line waits to send requests.
logger.flush();

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    // Flush the log, but never wait on it for long: a reader that stopped reading stdout must not keep us alive.
    const exit = (code: number) => {
      setTimeout(() => process.exit(code), 2000).unref();
      logger.flush(() => process.exit(code));
    };
    running.close().then(
      () => {
        logger.info('shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  });
}
