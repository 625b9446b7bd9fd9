import { runCli } from '../../src/cli/run.js';
import { TEST_KEY_ENCRYPTION_KEY } from './keys.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against one database, as `tollgate ...args` would. */
export function cli(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  return cliWithEnv({ DATABASE_URL: databaseUrl }, ...args);
}

/** The same, with more of the environment: `npm_lifecycle_event: 'cli'` is how `npm run cli` runs it. */
export async function cliWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, {
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    env: { KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, ...env },
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
