import type { CommandSpec, OptionSpec } from './command.js';

const WIDTH = 100;

/** Words filled into lines of at most `width` characters after `indent`. */
function wrap(text: string, indent: number, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l);
}

/** `label` in a column, then `text` wrapped beside it. */
function entries(rows: [string, string][]): string[] {
  const column = Math.min(Math.max(...rows.map(([label]) => label.length)) + 4, 36);
  return rows.flatMap(([label, text]) => {
    const wrapped = wrap(text, column);
    const first = `  ${label}`;
    if (first.length + 2 <= column) return [first.padEnd(column) + wrapped[0]!.trimStart(), ...wrapped.slice(1)];
    return [first, ...wrapped];
  });
}

function flag(name: string, option: OptionSpec): string {
  return option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`;
}

/** `clients revoke CLIENT_ID [options]`, with the options a command cannot do without. */
export function usageLine(spec: CommandSpec, invocation: string): string {
  const required = Object.entries(spec.options).filter(([, o]) => o.required).map(([name, o]) => flag(name, o));
  return [invocation, spec.name, ...(spec.arguments ?? []).map((a) => a.name), ...required, '[options]'].join(' ');
}

/** What `<command> --help` prints. */
export function commandHelp(spec: CommandSpec, invocation: string): string {
  const out = [`Usage: ${usageLine(spec, invocation)}`, ''];
  for (const paragraph of spec.description ?? [spec.summary]) out.push(...wrap(paragraph, 0), '');
  if (spec.arguments?.length) {
    out.push('Arguments:', ...entries(spec.arguments.map((a) => [a.name, a.description])), '');
  }
  const options: [string, string][] = Object.entries(spec.options).map(([name, o]) => [flag(name, o), o.required ? `Required. ${o.description}` : o.description]);
  options.push(['-h, --help', 'Show this help.']);
  out.push('Options:', ...entries(options), '');
  if (spec.examples?.length) out.push('Examples:', ...spec.examples.map((e) => `  ${invocation} ${e}`), '');
  out.push('Settings come from the environment (DATABASE_URL above all), as for the server: see docs/configuration.md.');
  return out.join('\n');
}

/** What `--help` (or `help`, or a group's name alone) prints: the commands, or those of one group. */
export function commandList(specs: readonly CommandSpec[], invocation: string, group?: string): string {
  const shown = group === undefined ? specs : specs.filter((s) => s.name.split(' ')[0] === group);
  return [
    `Usage: ${invocation} ${group ?? '<command>'}${group === undefined ? '' : ' <command>'} [options]`,
    '',
    'Commands:',
    ...entries(shown.map((s) => [s.name, s.summary])),
    '',
    `Run "${invocation} <command> --help" (or "${invocation} help <command>") for a command's arguments and options.`,
    'Settings come from the environment (DATABASE_URL above all), as for the server: see docs/configuration.md.',
  ].join('\n');
}
