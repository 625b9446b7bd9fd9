import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * What the RFC 9728 protected resource metadata document says besides what
 * the middleware already knows (the issuer, the audience, where it accepts
 * tokens).
 */
export interface ResourceMetadataOptions {
  /**
   * The resource identifier: an http(s) URL without query or fragment, the
   * value clients send as `resource` (RFC 8707) and the `aud` of its tokens.
   * Default: the `audience`, when it is a single value.
   */
  resource?: string;
  /** Issuer identifiers of the authorization servers that issue tokens for it. Default: `[issuer]`. */
  authorizationServers?: readonly string[];
  /** `scopes_supported`: the scopes clients may ask for to call it. Left out by default. */
  scopesSupported?: readonly string[];
  /** `resource_name`, human-readable. */
  resourceName?: string;
  /** `resource_documentation`: a page for developers. */
  resourceDocumentation?: string;
  /** More RFC 9728 §2 members, as they are (`resource_policy_uri`, `resource_tos_uri`…); they do not override the ones above. */
  more?: Readonly<Record<string, unknown>>;
}

/** The options {@link protectedResourceMetadata} reads: a subset of `bearerAuth`'s, so one object can serve both. */
export interface ProtectedResourceOptions {
  /** The authorization server's issuer identifier: the default `authorization_servers`. */
  issuer?: string;
  /** The resource server's audience: the default `resource`, when it is one value. */
  audience?: string | readonly string[];
  /** The RFC 9728 document's contents. Required by {@link protectedResourceMetadata}. */
  resourceMetadata?: ResourceMetadataOptions;
  /** Adds `body` to `bearer_methods_supported`. */
  allowFormBody?: boolean;
  /** Adds `query` to `bearer_methods_supported`. */
  allowQuery?: boolean;
}

/** The RFC 9728 §2 document, as served. */
export interface ProtectedResourceMetadataDocument {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
  resource_documentation?: string;
  [member: string]: unknown;
}

/** A resolved metadata configuration: the document and where it lives. */
export interface ResolvedResourceMetadata {
  /** The document's URL (RFC 9728 §3.1), the `resource_metadata` of the challenges. */
  url: string;
  /** The path part of `url`, which the handler answers. */
  path: string;
  document: ProtectedResourceMetadataDocument;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * Where RFC 9728 §3.1 puts the metadata of a resource: `/.well-known/oauth-protected-resource`
 * between the host and the path, a trailing slash dropped. `https://api.example.com/mcp` →
 * `https://api.example.com/.well-known/oauth-protected-resource/mcp`.
 * @throws TypeError when `resource` is not an http(s) URL without query or fragment.
 */
export function resourceMetadataUrl(resource: string): string {
  const url = resourceUrl('resource', resource);
  return `${url.origin}${WELL_KNOWN}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Works out the RFC 9728 document from the options, or `undefined` when they
 * ask for none.
 * @throws TypeError when the options are incomplete or malformed.
 */
export function resolveResourceMetadata(options: ProtectedResourceOptions): ResolvedResourceMetadata | undefined {
  const metadata = options.resourceMetadata;
  if (!metadata) return undefined;
  const audiences = options.audience === undefined ? [] : typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  const resource = metadata.resource ?? (audiences.length === 1 ? audiences[0] : undefined);
  if (!resource) throw new TypeError('resourceMetadata needs a resource (or a single audience)');
  const url = resourceMetadataUrl(resource);
  const servers = metadata.authorizationServers ?? (options.issuer ? [options.issuer] : undefined);
  if (!servers || servers.length === 0) throw new TypeError('resourceMetadata needs authorizationServers (or the issuer)');
  for (const server of servers) httpUrl('resourceMetadata.authorizationServers', server);
  if (metadata.resourceDocumentation !== undefined) httpUrl('resourceMetadata.resourceDocumentation', metadata.resourceDocumentation);
  const document: ProtectedResourceMetadataDocument = {
    ...metadata.more,
    resource,
    authorization_servers: [...servers],
    bearer_methods_supported: ['header', ...(options.allowFormBody ? ['body'] : []), ...(options.allowQuery ? ['query'] : [])],
    ...(metadata.scopesSupported && { scopes_supported: [...metadata.scopesSupported] }),
    ...(metadata.resourceName !== undefined && { resource_name: metadata.resourceName }),
    ...(metadata.resourceDocumentation !== undefined && { resource_documentation: metadata.resourceDocumentation }),
  };
  return { url, path: new URL(url).pathname, document };
}

/**
 * Answers `GET` (and `HEAD`) for the RFC 9728 protected resource metadata of
 * the resource the options describe, at the path RFC 9728 §3.1 derives from
 * it; every other request goes on to `next()`. Mount it at the application's
 * root (the path is matched against the whole URL). `bearerAuth` with the
 * same options does this by itself when it sees the request first.
 * @throws TypeError when `resourceMetadata` is missing or malformed.
 */
export function protectedResourceMetadata(options: ProtectedResourceOptions): RequestHandler {
  const resolved = resolveResourceMetadata(options);
  if (!resolved) throw new TypeError('protectedResourceMetadata needs the resourceMetadata option');
  return (req: Request, res: Response, next: NextFunction) => {
    if (!serveMetadata(resolved, req, res)) next();
  };
}

/** Answers the metadata request and returns true, or returns false when `req` is another request. */
export function serveMetadata(resolved: ResolvedResourceMetadata, req: Request, res: Response): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.originalUrl.split('?')[0] !== resolved.path) return false;
  res.set('Cache-Control', 'public, max-age=3600');
  res.set('Access-Control-Allow-Origin', '*');
  res.status(200).json(resolved.document);
  return true;
}

function resourceUrl(name: string, value: string): URL {
  const url = httpUrl(name, value);
  if (url.search !== '' || url.hash !== '' || value.includes('#') || value.includes('?')) {
    throw new TypeError(`${name} must have no query or fragment (RFC 8707 §2)`);
  }
  return url;
}

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${name} must be http or https`);
  return url;
}
