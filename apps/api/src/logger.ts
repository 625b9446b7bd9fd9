import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * Gathers log lines and hands them to stdout in writes of at least
 * `flushBytes`, at least once a second, and whenever pino flushes (main.ts
 * asks on SIGTERM). The destination writes asynchronously, so a reader that
 * stops reading never stalls requests; handing it one chunk per hundred lines
 * instead of every line is what keeps that cheap (a thread-pool write per line
 * cost up to 7 µs a request under load). On exit the rest goes out at once.
 */
class LineBuffer {
  private lines: string[] = [];
  private size = 0;

  constructor(private readonly out: pino.DestinationStream & { flush(cb?: (error?: Error) => void): void; flushSync(): void }, private readonly flushBytes: number) {
    setInterval(() => this.hand(), 1000).unref();
  }

  write(line: string): void {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= this.flushBytes) this.hand();
  }

  /** Passes what is gathered to the destination, which writes it in the background. */
  private hand(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    this.size = 0;
    this.out.write(text);
  }

  /** Everything written, before the process exits. */
  flushSync(): void {
    this.hand();
    this.out.flushSync();
  }

  flush(callback?: (error?: Error) => void): void {
    this.hand();
    this.out.flush(callback);
  }
}

let stdoutBuffer: LineBuffer | undefined;

/** One buffer for every logger on stdout, so their lines keep their order. */
function stdout(): LineBuffer {
  if (!stdoutBuffer) {
    const buffer = new LineBuffer(pino.destination({ dest: 1, sync: false }), 16 * 1024);
    process.on('exit', () => buffer.flushSync());
    stdoutBuffer = buffer;
  }
  return stdoutBuffer;
}

/**
 * JSON logs on stdout. Credentials never reach a line: headers that carry
 * them are redacted and request URLs are logged without their query string.
 */
export function createLogger(level: Config['logLevel'], destination?: NodeJS.WritableStream): Logger {
  const stream = destination ?? stdout();
  return pino({
    level,
    base: { service: 'tollgate' },
    redact: {
      // Request logs carry no headers or bodies at all (see request-logging.ts); this catches a slip.
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  }, stream as pino.DestinationStream);
}

/**
 * Where a logger's lines go, for writers that build a line themselves (one
 * per request: see request-logging.ts) and must keep their place among the rest.
 */
export function logStream(logger: Logger): { write(line: string): unknown } {
  return (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym]!;
}

export type { Logger };
