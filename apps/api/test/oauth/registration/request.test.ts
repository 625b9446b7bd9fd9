import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { InvalidClientMetadata, InvalidRequest, InvalidToken } from '../../../src/oauth/errors.js';
import { BearerRequired, presentedBearer } from '../../../src/oauth/registration/bearer.js';
import { metadataProblem, readMetadataBody } from '../../../src/oauth/registration/request-body.js';

/** How a registration request is read (RFC 7591 §3.1, RFC 7592 §2), on its own: its bearer token and its JSON body. */

const REALM = 'https://auth.example.test';
const UNSTORABLE = 'The client metadata must not contain NUL characters or unpaired surrogates.';

function request(headers: Record<string, string | string[]>, body: string | Buffer = ''): IncomingMessage {
  const stream = Readable.from(body.length === 0 ? [] : [Buffer.from(body)]) as unknown as IncomingMessage;
  const rawHeaders = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, value]));
  return Object.assign(stream, {
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value])),
    rawHeaders,
  });
}

describe('presentedBearer', () => {
  it('reads the token of a Bearer header, whatever the scheme\'s case and trailing blanks; null without a header', () => {
    expect(presentedBearer(request({ Authorization: 'Bearer tg_iat_abc-._~+/==' }), REALM)).toBe('tg_iat_abc-._~+/==');
    expect(presentedBearer(request({ Authorization: 'bearer   abc  ' }), REALM)).toBe('abc');
    expect(presentedBearer(request({}), REALM)).toBeNull();
  });

  it('refuses another scheme, a token with characters outside RFC 6750\'s b64token, and two Authorization headers', () => {
    for (const header of ['Basic YTpi', 'Bearer', 'Bearer a b', 'Bearer a"b', 'xBearer abc', 'Bearer abc=d']) {
      expect(() => presentedBearer(request({ Authorization: header }), REALM), header).toThrow(new InvalidToken('The Authorization header does not hold a bearer token.', REALM));
    }
    expect(() => presentedBearer(request({ Authorization: ['Bearer a', 'Bearer b'] }), REALM)).toThrow(new InvalidRequest('Send one Authorization header.'));
  });

  it('challenges a request without credentials with a bare Bearer challenge (RFC 6750 §3.1)', () => {
    expect(new BearerRequired('An initial access token is required.', REALM).headers['WWW-Authenticate']).toBe(`Bearer realm="${REALM}"`);
  });
});

describe('readMetadataBody', () => {
  const json = { 'Content-Type': 'application/json; charset=utf-8' };

  it('reads a JSON object sent as application/json, with any parameters and case', async () => {
    await expect(readMetadataBody(request(json, '{"client_name":"A"}'))).resolves.toEqual({ client_name: 'A' });
    await expect(readMetadataBody(request({ 'Content-Type': ' Application/JSON ' }, '{}'))).resolves.toEqual({});
  });

  it('refuses another media type, a body that is not JSON or not an object, and a repeated member, saying which', async () => {
    const refusal = (req: IncomingMessage) => readMetadataBody(req).then(() => null, (error: unknown) => error);
    expect(await refusal(request({ 'Content-Type': 'text/plain' }, '{}'))).toEqual(new InvalidClientMetadata('Send the client metadata as JSON (Content-Type: application/json).'));
    expect(await refusal(request({}, '{}'))).toBeInstanceOf(InvalidClientMetadata);
    expect(await refusal(request(json, '{'))).toEqual(new InvalidClientMetadata('The request body is not valid JSON.'));
    for (const body of ['[]', 'null', '"x"', '7']) {
      expect(await refusal(request(json, body)), body).toEqual(new InvalidClientMetadata('Send the client metadata as a JSON object.'));
    }
    expect(await refusal(request(json, '{"client_name":"A","client_name":"B"}'))).toEqual(new InvalidClientMetadata('A metadata member is repeated.'));
    expect(await refusal(request(json, '{"client_name":"A\\u0000"}'))).toEqual(new InvalidClientMetadata(UNSTORABLE));
  });

  it('answers a body too large with 413, and one in a content encoding or not UTF-8 as the client\'s mistake', async () => {
    const refusal = (req: IncomingMessage) => readMetadataBody(req).then(() => null, (error: unknown) => error as InvalidClientMetadata);
    const large = await refusal(request({ ...json, 'Content-Length': String(10 * 1024 * 1024) }, '{}'));
    expect(large).toBeInstanceOf(InvalidClientMetadata);
    expect({ status: large!.status, message: large!.message }).toEqual({ status: 413, message: 'The client metadata is too large.' });
    const encoded = await refusal(request({ ...json, 'Content-Encoding': 'gzip' }, '{}'));
    expect(encoded).toEqual(new InvalidClientMetadata('Send the body without a content encoding.'));
    expect(encoded!.status).toBe(400);
    expect(await refusal(request(json, Buffer.from([0x7b, 0xff, 0x7d])))).toEqual(new InvalidClientMetadata('The request body is not valid UTF-8.'));
  });
});

describe('metadataProblem', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

  it('finds a NUL or an unpaired surrogate in any string or member name, however deep', () => {
    expect(metadataProblem({ contacts: ['ok', 'a\u0000b'] })).toBe(UNSTORABLE);
    expect(metadataProblem({ jwks: { keys: [{ ['k\uD800']: 'x' }] } })).toBe(UNSTORABLE);
    expect(metadataProblem({ client_name: 'Ada 😀', n: 1, ok: true, none: null })).toBeNull();
  });

  it('refuses an object sixteen levels inside the body, not fifteen', () => {
    expect(metadataProblem(nested(16))).toBeNull();
    expect(metadataProblem({ a: nested(16) })).toBe('The client metadata is nested too deeply.');
  });
});
