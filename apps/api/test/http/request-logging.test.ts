import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { requestLineWriter } from '../../src/http/request-logging.js';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { sink, lines };
}

const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');

describe('request log lines', () => {
  it('are written exactly as pino writes them, odd paths and addresses escaped', async () => {
    const { sink, lines } = capture();
    const logger = createLogger('info', sink);
    const write = requestLineWriter(logger);
    const path = '/odd "path"\\\u0001\u2028é\ud800';
    for (const [status, level, msg] of [[200, 'info', 'request completed'], [503, 'error', 'request failed']] as const) {
      write('req-1', 'POST', path, '::ffff:10.0.0.1"', status, 7);
      logger[level]({ reqId: 'req-1', req: { method: 'POST', path, remoteAddress: '::ffff:10.0.0.1"' }, res: { statusCode: status }, responseTime: 7 }, msg);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(4);
    expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
    expect(withoutTime(lines[2]!)).toBe(withoutTime(lines[3]!));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, service: 'tollgate', req: { path }, msg: 'request completed' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ level: 50, res: { statusCode: 503 }, msg: 'request failed' });
  });

  it('follow the logger level', async () => {
    const { sink, lines } = capture();
    const write = requestLineWriter(createLogger('error', sink));
    write('req-2', 'GET', '/', '127.0.0.1', 200, 1);
    write('req-3', 'GET', '/', '127.0.0.1', 500, 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => JSON.parse(line).reqId)).toEqual(['req-3']);
  });
});
