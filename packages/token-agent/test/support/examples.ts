/** Builds a package as `npm run build` does and runs its example scripts against the build. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** `tsc -p tsconfig.build.json` in the package folder, so `@tollgate/<name>` resolves to a fresh `dist/`. */
export async function buildPackage(dir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir });
}

export interface Script {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs a script with node and only the given environment (plus PATH). */
export function runScript(file: string, env: Record<string, string>): Script {
  const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The value of a Prometheus counter, summed over its label sets. */
export async function counter(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
