import { parseArgs } from 'node:util';
import { NotFoundError, StateConflictError, ValidationError } from '../admin/errors.js';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../storage/text.js';
import { ConflictError, StorageUnavailableError } from '../storage/types.js';
import { clientsCommands } from './clients.js';
import type { CommandSpec } from './command.js';
import { openContext, UsageError, type CliContext } from './context.js';
import { commandHelp, commandList } from './help.js';
import { keysCommands } from './keys.js';
import { registrationTokensCommands } from './registration-tokens.js';
import { resourcesCommands } from './resources.js';
import { scopesCommands } from './scopes.js';
import { sessionsCommands } from './sessions.js';
import { setupCommands } from './setup.js';
import { tokensCommands } from './tokens.js';
import { usersCommands } from './users.js';

/** Every command, in the order `--help` lists them. A new command group is one more module here. */
export const commands: readonly CommandSpec[] = [
  ...setupCommands,
  ...usersCommands,
  ...sessionsCommands,
  ...clientsCommands,
  ...resourcesCommands,
  ...scopesCommands,
  ...tokensCommands,
  ...keysCommands,
  ...registrationTokensCommands,
];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/**
 * How the person ran the CLI, for messages that tell them what to run next:
 * npm sets `npm_lifecycle_event` to the script's name for `npm run cli`.
 */
export function invocationOf(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'cli' ? 'npm run cli --' : 'tollgate';
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** The command the words at the start of `argv` name, and the arguments after them. */
function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const spec = commands.find((c) => c.name === argv.slice(0, words).join(' '));
    if (spec) return { spec, rest: argv.slice(words) };
  }
  return undefined;
}

const groups = () => new Set(commands.map((c) => c.name.split(' ')[0]!));

/** Runs one CLI invocation and returns its exit code: 0 done (help included), 2 bad input, 1 anything else. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const invocation = invocationOf(io.env);
  if (argv.length === 0) {
    io.err(commandList(commands, invocation));
    return 2;
  }
  if (isHelp(argv[0]) || argv[0] === 'help') {
    const topic = argv.slice(1).filter((arg) => !isHelp(arg));
    if (topic.length === 0) {
      io.out(commandList(commands, invocation));
      return 0;
    }
    const found = findCommand(topic);
    if (found && found.rest.length === 0) {
      io.out(commandHelp(found.spec, invocation));
      return 0;
    }
    if (topic.length === 1 && groups().has(topic[0]!)) {
      io.out(commandList(commands, invocation, topic[0]));
      return 0;
    }
    io.err(`tollgate: no command is called ${quoted(topic.join(' '))}; run ${invocation} --help for the list`);
    return 2;
  }

  const found = findCommand(argv);
  if (!found) {
    if (groups().has(argv[0]!) && (argv.length === 1 || isHelp(argv[1]))) {
      // `clients` alone is a question without a command: the answer, but as an error.
      const list = commandList(commands, invocation, argv[0]);
      if (argv.length === 1) io.err(list);
      else io.out(list);
      return argv.length === 1 ? 2 : 0;
    }
    io.err(`tollgate: unknown command ${quoted(argv.slice(0, 2).join(' '))}; run ${invocation} --help for the list`);
    return 2;
  }
  const { spec, rest } = found;
  const usage = (problem: string) => {
    io.err(`tollgate ${spec.name}: ${problem} (see ${invocation} ${spec.name} --help)`);
    return 2;
  };
  const parsed = parseCommandLine(spec, rest);
  if ('problem' in parsed) return usage(parsed.problem);
  if (parsed.values.help) {
    io.out(commandHelp(spec, invocation));
    return 0;
  }
  const declared = spec.arguments ?? [];
  if (parsed.positionals.length < declared.length) return usage(`missing ${declared.slice(parsed.positionals.length).map((a) => a.name).join(' ')}`);
  if (parsed.positionals.length > declared.length) {
    const extra = parsed.positionals[declared.length]!;
    return usage(`unexpected argument ${quoted(extra)}: ${spec.name} takes ${declared.length === 0 ? 'no arguments' : `only ${declared.map((a) => a.name).join(' ')}`}`);
  }
  const unstorable = unstorableArgument(spec, parsed);
  if (unstorable !== null) {
    io.err(`tollgate ${spec.name}: ${unstorable} ${UNSTORABLE_MESSAGE}`);
    return 2;
  }

  let ctx: CliContext | undefined;
  try {
    ctx = await openContext(io.env, io.out, { migrate: !spec.migrates, invocation });
    await spec.run(ctx, parsed.values, parsed.positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError || error instanceof ConflictError
      || error instanceof NotFoundError || error instanceof StateConflictError) {
      io.err(`tollgate ${spec.name}: ${describeInputError(spec, error)}`);
      return 2;
    }
    if (error instanceof StorageUnavailableError) {
      io.err(`tollgate: ${error.message}`);
      return 1;
    }
    io.err(`tollgate ${spec.name}: failed: ${oneLine((error as Error).message ?? String(error))}`);
    return 1;
  } finally {
    await ctx?.storage.close();
  }
}

type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** The flags and arguments, or a one-line problem naming what was typed wrong. */
function parseCommandLine(spec: CommandSpec, args: string[]): Parsed | { problem: string } {
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }]));
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return { problem: oneLine(message).split('. To specify')[0]! };
    const missing = /^Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(message);
    if (missing) {
      const option = spec.options[missing[1]!];
      return { problem: `--${missing[1]} needs a value${option?.value ? `: --${missing[1]} ${option.value}` : ''}` };
    }
    return { problem: oneLine(message) };
  }
}

/** The flag or argument holding text no store keeps as given; null when there is none. */
function unstorableArgument(spec: CommandSpec, parsed: Parsed): string | null {
  const flag = Object.entries(parsed.values).find(([, value]) => typeof value === 'string' && hasUnstorableCharacters(value));
  if (flag) return `--${flag[0]}`;
  const index = parsed.positionals.findIndex(hasUnstorableCharacters);
  return index < 0 ? null : spec.arguments![index]!.name;
}

/** A field of the input as the person typed it: an argument (`NAME`) or a flag (`--auth-method`). */
function typedName(spec: CommandSpec, field: string): string {
  const argument = spec.arguments?.find((a) => a.field === field);
  if (argument) return argument.name;
  const byField = Object.entries(spec.options).find(([, o]) => o.field === field);
  if (byField) return `--${byField[0]}`;
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** One line; a validation error's fields named as typed: `redirectUris.0` becomes `--redirect-uris`. */
function describeInputError(spec: CommandSpec, error: Error): string {
  if (!(error instanceof ValidationError)) return error.message;
  return Object.entries(error.fields).map(([field, message]) => `${typedName(spec, field.split('.')[0]!)} ${message}`).join('; ');
}

/** What was typed, in double quotes, with a line break or other control character escaped so the message stays one line. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

function oneLine(text: string): string {
  return text.split('\n')[0]!;
}
