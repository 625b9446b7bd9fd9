import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { VERSION } from '../version.js';
import { forbiddenRange } from './addresses.js';
import { isAllowedHost, type AllowedHost } from './allowed-hosts.js';
import { OutboundError } from './errors.js';

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundOptions {
  /** `OUTBOUND_ALLOW_HOSTS`: hosts that may be reached over http and at loopback or private addresses. */
  allowedHosts: readonly AllowedHost[];
  /**
   * Test seam: the CA certificates (PEM) to trust instead of node's roots. A
   * server process started by a test trusts the test CA through NODE_EXTRA_CA_CERTS instead.
   */
  ca?: string;
  /** Test seam: how host names are resolved; `dns.lookup` (every address) by default. */
  resolve?: Resolver;
}

/** Bounds of one exchange. */
export interface Limits {
  /** Largest response body read, in bytes; 5 KiB by default. */
  maxBytes?: number;
  /** Milliseconds the whole exchange may take, connecting included; 3 s by default. */
  timeoutMs?: number;
  /**
   * Accept an http URL too (a confidential client's back-channel logout URI,
   * as OIDC Back-Channel Logout §2.2 allows); its host must still resolve to
   * public addresses unless it is in `allowedHosts`.
   */
  allowHttp?: boolean;
}

export interface JsonDocument {
  /** The parsed body: any JSON value, for the caller to validate. */
  body: unknown;
  /** The response's `Cache-Control`, for `DocumentCache`. */
  cacheControl: string | undefined;
}

/**
 * The only way the server makes requests to URLs others give it. The rules
 * (SECURITY.md rule 42): https only; every address a host resolves to must be
 * public unicast, checked in the resolver the connection uses, so the address
 * checked is the address connected to; no redirects; no credentials or cookies;
 * a size cap and a timeout on the whole exchange. Hosts in `allowedHosts` are
 * exempt from the first two rules. Every failure rejects with an `OutboundError`.
 */
export interface Outbound {
  /** GETs a JSON document: 200 with a JSON `Content-Type` (`application/json` or `+json`), nothing else. */
  fetchJson(url: string, limits?: Limits): Promise<JsonDocument>;
  /**
   * POSTs `form` as application/x-www-form-urlencoded; resolves on 200 or 204
   * (back-channel logout receivers may answer either) without reading the body.
   */
  postForm(url: string, form: Record<string, string>, limits?: Limits): Promise<void>;
}

export const DEFAULT_MAX_BYTES = 5 * 1024;
export const DEFAULT_TIMEOUT_MS = 3000;

const USER_AGENT = `Tollgate/${VERSION}`;

const defaultResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The outbound client every feature that fetches or posts to a URL is given (in its deps). */
export function createOutbound(options: OutboundOptions): Outbound {
  const resolve = options.resolve ?? defaultResolve;
  const send = (url: string, request: OutgoingRequest, limits: Limits = {}) => {
    const { target, allowed } = checkTarget(url, options.allowedHosts, limits.allowHttp ?? false);
    return exchange(target, request, {
      maxBytes: limits.maxBytes ?? DEFAULT_MAX_BYTES,
      timeoutMs: limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      lookup: resolverLookup(resolve, !allowed),
      ca: options.ca,
    });
  };
  return {
    async fetchJson(url, limits) {
      const response = await send(url, { method: 'GET', headers: { accept: 'application/json' }, accept: acceptJson }, limits);
      try {
        return { body: JSON.parse(response.body.toString('utf8')), cacheControl: response.headers['cache-control'] };
      } catch {
        throw new OutboundError('not_json', 'The response is not valid JSON.');
      }
    },
    async postForm(url, form, limits) {
      const body = Buffer.from(new URLSearchParams(form).toString());
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) };
      await send(url, { method: 'POST', headers, body, accept: acceptStatus(200, 204), skipBody: true }, limits);
    },
  };
}

interface OutgoingRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  /** Judges the status and headers: an error to fail with, or undefined to go on. */
  accept: (response: IncomingMessage) => OutboundError | undefined;
  /** Settle once the head is accepted, without reading the body. */
  skipBody?: boolean;
}

/** Refuses what can be refused before any connection: the URL's form, its scheme, an IP-literal host. */
function checkTarget(url: string, allowedHosts: readonly AllowedHost[], allowHttp: boolean): { target: URL; allowed: boolean } {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new OutboundError('invalid_url', 'The URL is not an absolute URL.');
  }
  if (target.username || target.password) throw new OutboundError('invalid_url', 'The URL must not carry a user name or password.');
  const allowed = isAllowedHost(target, allowedHosts);
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && (allowed || allowHttp))) throw new OutboundError('not_https', 'The URL must use https.');
  const literal = bareHost(target);
  const range = allowed || !isIP(literal) ? undefined : forbiddenRange(literal);
  if (range) throw new OutboundError('forbidden_address', "The URL's host is not a public address.", `${literal}: ${range}`);
  return { target, allowed };
}

/** `URL.hostname` without the brackets of an IPv6 literal. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The `lookup` a connection uses: it resolves every address of the host and,
 * when `check` is set, refuses the connection if any of them is not public; the
 * socket then connects only to the addresses handed back, so a DNS answer that
 * changes between check and connect (rebinding) is never used.
 */
export function resolverLookup(resolve: Resolver, check: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (!first) return callback(new OutboundError('network', "The URL's host does not resolve to a public address.", `${hostname}: no addresses`), '');
        for (const { address } of check ? addresses : []) {
          const range = forbiddenRange(address);
          if (range) return callback(new OutboundError('forbidden_address', "The URL's host does not resolve to a public address.", `${hostname} -> ${address}: ${range}`), '');
        }
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function acceptStatus(...statuses: number[]) {
  return (response: IncomingMessage): OutboundError | undefined => {
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) return new OutboundError('redirect', `The URL answered with a redirect (${status}); redirects are not followed.`);
    if (!statuses.includes(status)) return new OutboundError('status', `The URL answered ${status}; only ${statuses.join(' or ')} is accepted.`);
    return undefined;
  };
}

const acceptOk = acceptStatus(200);

function acceptJson(response: IncomingMessage): OutboundError | undefined {
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const json = mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
  return acceptOk(response) ?? (json ? undefined : new OutboundError('not_json', 'The response is not JSON (its Content-Type is not application/json).'));
}

interface ExchangeOptions {
  maxBytes: number;
  timeoutMs: number;
  lookup: LookupFunction;
  ca: string | undefined;
}

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function exchange(target: URL, request: OutgoingRequest, options: ExchangeOptions): Promise<Received> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: OutboundError | undefined, received?: Received) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error || request.skipBody) req.destroy();
      if (error) reject(error);
      else resolve(received!);
    };
    const timer = setTimeout(() => settle(new OutboundError('timeout', `The URL did not answer within ${options.timeoutMs / 1000} s.`)), options.timeoutMs);
    const req = (target.protocol === 'https:' ? https : http).request({
      protocol: target.protocol,
      hostname: bareHost(target),
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: request.method,
      headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', ...request.headers },
      // A connection of its own, made through this request's checked lookup, closed when done; never a pooled one.
      agent: false,
      lookup: options.lookup,
      ca: options.ca,
    });
    req.on('error', (error) => settle(networkError(error)));
    req.on('response', (response) => {
      const refused = request.accept(response) ?? tooLargeByHeader(response, options.maxBytes);
      if (refused || request.skipBody) return settle(refused, { headers: response.headers, body: Buffer.alloc(0) });
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) settle(tooLarge(options.maxBytes));
        else chunks.push(chunk);
      });
      response.on('error', (error) => settle(networkError(error)));
      response.on('end', () => {
        if (!response.complete) return settle(networkError(new Error('response ended early')));
        settle(undefined, { headers: response.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(request.body);
  });
}

function tooLarge(maxBytes: number): OutboundError {
  return new OutboundError('too_large', `The response is larger than ${maxBytes} bytes.`);
}

function tooLargeByHeader(response: IncomingMessage, maxBytes: number): OutboundError | undefined {
  return Number(response.headers['content-length'] ?? 0) > maxBytes ? tooLarge(maxBytes) : undefined;
}

const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_/;
const NAME_FAILURE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA']);

/**
 * A failure to resolve or connect. A name that does not resolve gets the same
 * message as one that resolves to a private address, so a client cannot use
 * us to learn which internal names exist.
 */
function networkError(error: Error & { code?: string }): OutboundError {
  if (error instanceof OutboundError) return error;
  const code = error.code ?? '';
  const detail = `${code || error.name}: ${error.message}`;
  if (NAME_FAILURE.has(code)) return new OutboundError('network', "The URL's host does not resolve to a public address.", detail);
  if (TLS_FAILURE.test(code)) return new OutboundError('network', "The URL's host did not present a valid TLS certificate.", detail);
  return new OutboundError('network', "The URL's host could not be reached.", detail);
}
