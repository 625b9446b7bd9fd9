import os from 'node:os';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { Actor } from '../admin/actor.js';
import { openStorage } from '../storage/sql/index.js';
import type { Storage } from '../storage/types.js';

/** Bad input from the person at the terminal: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliContext {
  config: Config;
  storage: Storage;
  actor: Actor;
  out: (text: string) => void;
  /** How the person ran the CLI (`tollgate` or `npm run cli --`), for messages that name another command. */
  invocation: string;
}

/** Loads configuration and opens a migrated database for one command. */
export async function openContext(env: NodeJS.ProcessEnv, out: (text: string) => void, options: { migrate: boolean; invocation: string }): Promise<CliContext> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.join('; '));
    throw error;
  }
  const storage = await openStorage(config.database);
  try {
    if (options.migrate) await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return { config, storage, actor: { type: 'cli', id: safeUsername(), sourceAddress: null }, out, invocation: options.invocation };
}

function safeUsername(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}

/** Splits `a,b c` lists as the flags take them: commas or spaces. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(/[\s,]+/).filter((part) => part.length > 0);
}

/** Parses a whole number of seconds or a duration such as 15m. */
export function parseSeconds(flag: string, value: string | undefined, parse: (v: string) => number | undefined): number | null {
  if (value === undefined) return null;
  const seconds = parse(value);
  if (seconds === undefined) throw new UsageError(`--${flag} must be a positive duration such as 3600, 15m or 1h (got "${value}")`);
  return seconds;
}

/** Formats rows as aligned columns for people. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
