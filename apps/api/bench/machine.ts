/**
 * The machine a bench ran on, printed beside its figures: ratios travel
 * between machines far better than rates do, but neither travels without it.
 */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** The PostgreSQL server's version, when the run used one. */
  postgres: string | null;
}

export async function describeMachine(postgresUrl: string | undefined): Promise<Machine> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${prettyName() ?? os.type()} (${os.release()})`,
    node: process.version,
    postgres: postgresUrl ? await postgresVersion(postgresUrl) : null,
  };
}

export function machineLine(m: Machine): string {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}${m.postgres ? `; PostgreSQL ${m.postgres}` : ''}.`;
}

function prettyName(): string | undefined {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

async function postgresVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
