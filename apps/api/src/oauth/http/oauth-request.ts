import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress, type TrustedProxies } from '../../http/client-address.js';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../../storage/text.js';
import type { DpopKey } from '../dpop/proof.js';
import { InvalidRequest, MethodNotAllowed, OAuthError, PayloadTooLarge } from '../errors.js';

/** What a protocol endpoint sees: the body's parameters, already checked, and little else. */
export interface OAuthRequest {
  headers: IncomingHttpHeaders;
  /** Body parameters; empty values are absent (RFC 6749 §3.1), repeats were refused. */
  params: ReadonlyMap<string, string>;
  /** Every `resource` parameter (RFC 8707 §2), the one parameter that may be repeated; empty ones dropped. */
  resources: readonly string[];
  /** The peer's address, for rate limits and the audit log. */
  sourceAddress: string;
  requestId: string;
  /**
   * At the token endpoint, the key a verified DPoP proof showed (RFC 9449),
   * set once for every grant before it runs: the issuer binds tokens to it. Absent or null: no proof.
   */
  dpop?: DpopKey | null;
}

export interface OAuthResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type OAuthEndpoint = (req: OAuthRequest) => Promise<OAuthResponse>;

/** Protocol bodies are a handful of short parameters; anything near this is not a client speaking OAuth. */
export const MAX_BODY_BYTES = 16 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the body up to the limit as strict UTF-8; an oversized one is refused
 * without reading the rest, and so is a compressed one.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new PayloadTooLarge('The request body is too large.'));
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return Promise.reject(new InvalidRequest('Send the body without a content encoding.'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLarge('The request body is too large.'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      } catch {
        reject(new InvalidRequest('The request body is not valid UTF-8.'));
      }
    });
    req.on('error', reject);
  });
}

/** The parameter RFC 8707 §2 lets a client repeat, once for each resource. */
const RESOURCE = 'resource';

/**
 * Parses a form-encoded (RFC 6749 §3.2) or JSON body into parameters. Repeated
 * parameters are refused (§3.1) except `resource`, kept apart; empty ones are
 * dropped; JSON values must be strings (`resource` may be a list of them);
 * names and values with characters no store can keep are refused.
 */
export function parseParams(contentType: string | undefined, body: string): { params: Map<string, string>; resources: string[] } {
  const [mediaType, ...attributes] = (contentType ?? '').split(';');
  const type = mediaType!.trim().toLowerCase();
  const charset = attributes.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('charset='));
  if (charset !== undefined && charset !== 'charset=utf-8' && charset !== 'charset="utf-8"') {
    throw new InvalidRequest('Send the body in UTF-8.');
  }
  const params = new Map<string, string>();
  const resources: string[] = [];
  const repeated = (name: string) => new InvalidRequest(`The ${describeParameter(name)} parameter is repeated.`);
  const unstorable = (name: string, value: string) => {
    if (hasUnstorableCharacters(name)) return new InvalidRequest(`A parameter name ${UNSTORABLE_MESSAGE}.`);
    return hasUnstorableCharacters(value) ? new InvalidRequest(`The ${describeParameter(name)} parameter ${UNSTORABLE_MESSAGE}.`) : null;
  };
  if (type === 'application/x-www-form-urlencoded' || (type === '' && body === '')) {
    const seen = new Set<string>();
    for (const [name, value] of new URLSearchParams(body)) {
      const refused = unstorable(name, value);
      if (refused) throw refused;
      if (name === RESOURCE) {
        if (value !== '') resources.push(value);
        continue;
      }
      // An empty value still counts for repetition: `a=&a=x` is two `a`s.
      if (seen.has(name)) throw repeated(name);
      seen.add(name);
      if (value !== '') params.set(name, value);
    }
    return { params, resources };
  }
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new InvalidRequest('The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidRequest('The request body must be a JSON object of parameters.');
    }
    const entries = Object.entries(parsed);
    // JSON.parse keeps the last of two equal keys; a repeat must be refused as in a form (§3.1).
    if (countMembers(body) !== entries.length) throw new InvalidRequest('A parameter is repeated.');
    for (const [name, value] of entries) {
      if (name === RESOURCE && Array.isArray(value) && value.length <= 100) {
        for (const item of value) {
          if (typeof item !== 'string') throw new InvalidRequest('The resource parameter must be a string or a list of strings.');
          const refused = unstorable(name, item);
          if (refused) throw refused;
          if (item !== '') resources.push(item);
        }
        continue;
      }
      if (typeof value !== 'string') throw new InvalidRequest(`The ${describeParameter(name)} parameter must be a string.`);
      const refused = unstorable(name, value);
      if (refused) throw refused;
      if (name === RESOURCE) {
        if (value !== '') resources.push(value);
      } else if (value !== '') params.set(name, value);
    }
    return { params, resources };
  }
  throw new InvalidRequest('Send the parameters form-encoded (application/x-www-form-urlencoded) or as JSON.');
}

/** Members of the top-level JSON object: colons outside strings at depth one. */
export function countMembers(json: string): number {
  let depth = 0;
  let inString = false;
  let members = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ':' && depth === 1) members++;
  }
  return members;
}

/**
 * A parameter name as it may appear in an error description: only what
 * RFC 6749 §5.2 allows there, and short, so a client cannot make us echo anything.
 */
export function describeParameter(name: string): string {
  return /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,40}$/.test(name) ? name : 'a';
}

/** Values that must never travel in a URL (RFC 9700 §4.3.3). */
const CREDENTIALS = ['client_secret', 'code', 'code_verifier', 'refresh_token', 'token', 'password'];

/** Writes a JSON answer: status, body, request id, and any headers of the endpoint's own. */
export type JsonSender = (res: ServerResponse, status: number, body: unknown, requestId: string, headers?: Record<string, string>) => void;

/**
 * Makes the writer of JSON answers that no cache may keep (RFC 6749 §5.1), never
 * sniffed as anything else, with the request id and, when given, Strict-Transport-Security.
 * All headers go to one writeHead as one object literal: headers set earlier, or an
 * object built by spreading, cost node:http several times more.
 */
export function jsonSender(strictTransportSecurity: string | null): JsonSender {
  return (res, status, body, requestId, headers) => {
    const payload = JSON.stringify(body);
    const head: Record<string, string | number> = {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': requestId,
    };
    if (strictTransportSecurity !== null) head['Strict-Transport-Security'] = strictTransportSecurity;
    if (headers) for (const name in headers) head[name] = headers[name]!;
    res.writeHead(status, head);
    res.end(payload);
  };
}

/** Node keeps only the first of repeated Authorization headers; two are two credentials, so refuse them. */
export function repeatsAuthorization(rawHeaders: string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.length === 13 && rawHeaders[i]!.toLowerCase() === 'authorization') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

export interface ServeOptions {
  trustedProxies: TrustedProxies;
  /** The Strict-Transport-Security value every answer carries, or null for none. */
  strictTransportSecurity: string | null;
  /**
   * Lets browser apps on any origin call the endpoint. Safe because it reads
   * no cookies: a page can only send credentials it already holds.
   */
  cors?: boolean;
  /** Called with anything that is not an OAuthError, which becomes `server_error`. */
  onUnexpected(error: unknown, req: IncomingMessage): void;
  /** Called with each refusal that says why for the log (`detail`), which its answer does not. */
  onRefused(error: OAuthError & { detail: string }, req: IncomingMessage): void;
}

/**
 * Serves one protocol endpoint straight from node:http, without the Express
 * pipeline: POST only, body read and parsed here, parameters in the query
 * string never read (RFC 9700 §4.3.3 keeps credentials out of URLs).
 */
export function serveOAuth(endpoint: OAuthEndpoint, options: ServeOptions) {
  const sendJson = jsonSender(options.strictTransportSecurity);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = req.id ?? '';
    if (options.cors && req.headers.origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      // A browser app reads a DPoP nonce from the answer (RFC 9449 §8).
      res.setHeader('Access-Control-Expose-Headers', 'DPoP-Nonce, WWW-Authenticate');
      if (req.method === 'OPTIONS') {
        const head: Record<string, string> = {
          'Access-Control-Allow-Methods': 'POST',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
          'Access-Control-Max-Age': '600',
          'X-Content-Type-Options': 'nosniff',
          'X-Request-Id': requestId,
        };
        if (options.strictTransportSecurity !== null) head['Strict-Transport-Security'] = options.strictTransportSecurity;
        res.writeHead(204, head);
        res.end();
        return;
      }
    }
    try {
      if (req.method !== 'POST') throw new MethodNotAllowed('POST');
      const query = req.url?.indexOf('?') ?? -1;
      if (query !== -1) {
        const inQuery = new URLSearchParams(req.url!.slice(query + 1));
        if (CREDENTIALS.some((name) => inQuery.has(name))) throw new InvalidRequest('Credentials must not be sent in the query string.');
      }
      if (repeatsAuthorization(req.rawHeaders)) throw new InvalidRequest('Send one Authorization header.');
      const body = await readBody(req);
      const { params, resources } = parseParams(req.headers['content-type'], body);
      const result = await endpoint({
        headers: req.headers,
        params,
        resources,
        sourceAddress: req.clientAddress ?? clientAddress(req, options.trustedProxies),
        requestId,
      });
      sendJson(res, result.status, result.body, requestId, result.headers);
    } catch (error) {
      if (error instanceof OAuthError) {
        if (error.detail !== undefined) options.onRefused(error as OAuthError & { detail: string }, req);
        if (error.status === 413) res.setHeader('Connection', 'close');
        sendJson(res, error.status, error.body, requestId, error.headers);
        return;
      }
      options.onUnexpected(error, req);
      sendJson(res, 500, { error: 'server_error', error_description: `The server could not complete the request (request id ${requestId}).` }, requestId);
    }
  };
}
