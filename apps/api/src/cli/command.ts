import type { CliContext } from './context.js';

/** One `--flag` of a command: how it parses, and what its help says. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help (`--name NAME`); string options only. */
  value?: string;
  /** One or two sentences for `--help`. */
  description: string;
  /** Shown without brackets in the usage line. The command (or the service it calls) checks it. */
  required?: boolean;
  /**
   * The input field this flag fills, when its name differs (`--auth-method` fills
   * `tokenEndpointAuthMethod`), so a field's validation message names the flag as typed.
   */
  field?: string;
}

/** One positional argument: its name as help and errors write it (`CLIENT_ID`). */
export interface ArgumentSpec {
  name: string;
  description: string;
  /** The input field it fills, so a field's validation message names the argument. */
  field?: string;
}

type ValueOf<T extends OptionSpec['type']> = T extends 'boolean' ? boolean : string;

/** What the parsed flags of a command look like to its `run`. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: ValueOf<O[K]['type']>;
};

/**
 * A CLI command, declared with its help beside its options: the runner parses,
 * checks the arguments and prints `--help` from this alone.
 */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The words that call it: `clients create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What `--help` says beneath the usage line: whole sentences, one paragraph per entry. */
  description?: readonly string[];
  /** Positional arguments, all required, in order. */
  arguments?: readonly ArgumentSpec[];
  options: O;
  /** Complete command lines without the program name: `clients revoke Y9x4ZYl8LzhChSLDZkUGUw`. */
  examples?: readonly string[];
  /** Applies migrations itself and reports them, rather than having them applied silently first. */
  migrates?: boolean;
  /** `args` holds exactly one value per declared argument, in order. */
  run(ctx: CliContext, values: OptionValues<O>, args: string[]): Promise<void>;
}

/** Declares a command; the identity function that lets TypeScript infer each flag's type for `run`. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** The `--json` flag most commands share. */
export const jsonOption = { type: 'boolean', description: 'Print the result as JSON instead of text.' } as const satisfies OptionSpec;
