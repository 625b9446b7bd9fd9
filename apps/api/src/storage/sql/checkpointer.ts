import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs as a CommonJS worker script: its own connection, checkpointing on a timer.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves SQLite's WAL checkpoints (copying pages back into the database file
 * and flushing it to disk) off the event loop, onto a thread of their own. A
 * PASSIVE checkpoint never blocks a reader or a writer. The main connection
 * keeps a large auto-checkpoint as a backstop should this thread fail.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, onError: (message: string) => void, intervalMs = 1000) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, file, intervalMs } });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: string) => onError(message));
    this.worker.on('error', (error) => onError(String(error)));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    // Held open while it stops, or a process with nothing else to do would end before it has.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
