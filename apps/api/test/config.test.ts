import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl, parseDuration } from '../src/config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs with no configuration at all on SQLite under ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      database: { kind: 'sqlite', path: './data/tollgate.sqlite' },
      logLevel: 'info',
      lifetimes: { accessToken: 3600, refreshToken: 30 * 86400, refreshTokenIdle: 14 * 86400, authorizationCode: 60, idToken: 3600 },
    });
    expect(config.consoleDist).toBe(path.resolve(import.meta.dirname, '../../console/dist'));
  });

  it('derives the issuer from the port and strips a trailing slash from a given one', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080');
    expect(loadConfig({ ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '4000', HOST: '0.0.0.0', ISSUER: 'https://id.example.com/tenant', DATABASE_URL: 'postgres://u:p@db:5432/tollgate',
      LOG_LEVEL: 'warn', ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '7d', REFRESH_TOKEN_IDLE_TTL: '2d', AUTHORIZATION_CODE_TTL: '30', ID_TOKEN_TTL: '5m',
    });
    expect(config).toMatchObject({
      port: 4000, host: '0.0.0.0', issuer: 'https://id.example.com/tenant',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/tollgate' }, logLevel: 'warn',
      lifetimes: { accessToken: 900, refreshToken: 604800, refreshTokenIdle: 172800, authorizationCode: 30, idToken: 300 },
    });
  });

  it('limits token requests per client, and failures per address, by default', () => {
    expect(loadConfig({}).rateLimits).toMatchObject({
      token: { limit: 600, windowSeconds: 60 }, clientAuthFailures: { limit: 20, windowSeconds: 60 }, publicClientFailures: { limit: 60, windowSeconds: 60 },
    });
    expect(loadConfig({ PUBLIC_CLIENT_FAILURE_LIMIT: 'off' }).rateLimits.publicClientFailures).toBeNull();
    expect(problemsOf({ PUBLIC_CLIENT_FAILURE_LIMIT: 'lots' })).toEqual(['PUBLIC_CLIENT_FAILURE_LIMIT must be a count per duration such as 600/1m, or off (got "lots")']);
  });

  it('names every bad value at once', () => {
    expect(problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toEqual([
      'PORT must be a port number',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(problemsOf({ DATABASE_URL: 'mysql://x/y', ISSUER: 'http://auth.example.com', ACCESS_TOKEN_TTL: '-5', AUTHORIZATION_CODE_TTL: '1h' })).toEqual([
      'DATABASE_URL must start with sqlite: or postgres:// (got "mysql://x/y")',
      'ISSUER must use https unless its host is localhost or a loopback address',
      'ACCESS_TOKEN_TTL must be a positive duration such as 3600, 15m, 1h or 30d (got "-5")',
      'AUTHORIZATION_CODE_TTL must be at most 10m (RFC 6749 §4.1.2)',
    ]);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must be between 0 and 65535']);
    expect(problemsOf({ ISSUER: 'https://auth.example.com/?x=1' })).toEqual(['ISSUER must not have a query or fragment (RFC 8414 §2)']);
    expect(problemsOf({ ISSUER: 'auth.example.com' })).toEqual(['ISSUER must be an absolute URL such as https://auth.example.com']);
  });

  it('reads CONSOLE_DEV_ORIGIN, an https or loopback origin for the console under Vite', () => {
    expect(loadConfig({}).consoleDevOrigin).toBeNull();
    expect(loadConfig({ CONSOLE_DEV_ORIGIN: 'http://localhost:5173' }).consoleDevOrigin).toBe('http://localhost:5173');
    expect(problemsOf({ CONSOLE_DEV_ORIGIN: 'http://localhost:5173/' })).toEqual([
      'CONSOLE_DEV_ORIGIN must be an origin such as http://localhost:5173 (scheme, host and port; no path, no trailing slash), got "http://localhost:5173/"',
    ]);
    expect(problemsOf({ CONSOLE_DEV_ORIGIN: 'http://dev.example.com:5173' })).toEqual([
      'CONSOLE_DEV_ORIGIN must use https unless its host is localhost or a loopback address',
    ]);
  });

  it('reads HSTS_MAX_AGE: a year by default, any duration, 0, or off', () => {
    expect(loadConfig({}).hstsMaxAgeSeconds).toBe(31536000);
    expect(loadConfig({ HSTS_MAX_AGE: '1h' }).hstsMaxAgeSeconds).toBe(3600);
    expect(loadConfig({ HSTS_MAX_AGE: '0' }).hstsMaxAgeSeconds).toBe(0);
    expect(loadConfig({ HSTS_MAX_AGE: 'off' }).hstsMaxAgeSeconds).toBeNull();
    for (const bad of ['-1', '1y', 'none']) {
      expect(problemsOf({ HSTS_MAX_AGE: bad })).toEqual([
        `HSTS_MAX_AGE must be a duration such as 365d, 0 (browsers forget an earlier policy) or off (got "${bad}")`,
      ]);
    }
  });

  it('reads OUTBOUND_ALLOW_HOSTS, host or host:port entries exempt from the outbound rules, none by default', () => {
    expect(loadConfig({}).outboundAllowHosts).toEqual([]);
    expect(loadConfig({ OUTBOUND_ALLOW_HOSTS: ' localhost:8443, 127.0.0.1 ,[0:0::1]:9000,Metadata.Test,' }).outboundAllowHosts).toEqual([
      { host: 'localhost', port: 8443 },
      { host: '127.0.0.1', port: null },
      { host: '[::1]', port: 9000 },
      { host: 'metadata.test', port: null },
    ]);
    for (const entry of ['https://localhost:8443', 'localhost/x', '*', '*.example.com', 'localhost:0', 'localhost:65536', 'user@localhost', '::1', '[::1', 'local host']) {
      expect(problemsOf({ OUTBOUND_ALLOW_HOSTS: `localhost,${entry}` }), entry).toEqual([
        `OUTBOUND_ALLOW_HOSTS must list hosts such as localhost:8443, 127.0.0.1 or [::1]:9000 (no scheme, no path, no *), got "${entry}"`,
      ]);
    }
  });

  it('reads CLIENT_METADATA_DOCUMENTS, on by default, and CLIENT_METADATA_FETCH_LIMIT, 30 a minute by default', () => {
    expect(loadConfig({})).toMatchObject({ clientMetadataDocuments: true, rateLimits: { clientMetadataFetches: { limit: 30, windowSeconds: 60 } } });
    expect(loadConfig({ CLIENT_METADATA_DOCUMENTS: 'off', CLIENT_METADATA_FETCH_LIMIT: 'off' })).toMatchObject({
      clientMetadataDocuments: false, rateLimits: { clientMetadataFetches: null },
    });
    expect(problemsOf({ CLIENT_METADATA_DOCUMENTS: 'yes', CLIENT_METADATA_FETCH_LIMIT: '5' })).toEqual(['CLIENT_METADATA_DOCUMENTS must be on or off']);
    expect(problemsOf({ CLIENT_METADATA_FETCH_LIMIT: '5' })).toEqual(['CLIENT_METADATA_FETCH_LIMIT must be a count per duration such as 600/1m, or off (got "5")']);
  });

  it('reads PAR_TTL (60s by default, 5s to 10m), REQUIRE_PAR, and REFRESH_TOKEN_REUSE_GRACE (10s by default, 0 for strict, at most 5m)', () => {
    expect(loadConfig({})).toMatchObject({ par: { ttlSeconds: 60, required: false }, refreshTokenReuseGraceSeconds: 10 });
    expect(loadConfig({ PAR_TTL: '10m', REQUIRE_PAR: 'true', REFRESH_TOKEN_REUSE_GRACE: '0' })).toMatchObject({ par: { ttlSeconds: 600, required: true }, refreshTokenReuseGraceSeconds: 0 });
    expect(loadConfig({ REFRESH_TOKEN_REUSE_GRACE: '5m' }).refreshTokenReuseGraceSeconds).toBe(300);
    expect(problemsOf({ PAR_TTL: '4s', REQUIRE_PAR: 'yes', REFRESH_TOKEN_REUSE_GRACE: '6m' })).toEqual([
      'REQUIRE_PAR must be true or false',
    ]);
    expect(problemsOf({ PAR_TTL: '11m', REFRESH_TOKEN_REUSE_GRACE: '-1' })).toEqual([
      'PAR_TTL must be between 5s and 10m (got "11m")',
      'REFRESH_TOKEN_REUSE_GRACE must be 0 (off) or a duration up to 5m such as 10s (got "-1")',
    ]);
    expect(problemsOf({ PAR_TTL: 'soon' })).toEqual(['PAR_TTL must be a positive duration such as 3600, 15m, 1h or 30d (got "soon")']);
  });

  it('refuses an ISSUER or CONSOLE_DEV_ORIGIN whose host is not a DNS name or IP literal: they become the console client\'s redirect URIs', () => {
    const host = 'must name its host by a DNS name (letters, digits and hyphens) or an IP address';
    expect(problemsOf({ ISSUER: 'https://*.example.com', CONSOLE_DEV_ORIGIN: 'https://*' })).toEqual([
      `ISSUER https://*.example.com ${host}`,
      `CONSOLE_DEV_ORIGIN https://* ${host}`,
    ]);
    expect(problemsOf({ ISSUER: 'https://auth.example;script-src', CONSOLE_DEV_ORIGIN: 'https://dev,evil.example' })).toEqual([
      `ISSUER https://auth.example;script-src ${host}`,
      `CONSOLE_DEV_ORIGIN https://dev,evil.example ${host}`,
    ]);
    expect(problemsOf({ ISSUER: 'https://admin:pw@auth.example.com' })).toEqual(['ISSUER https://admin:pw@auth.example.com must not contain a user name or password']);
    expect(problemsOf({ ISSUER: 'https://auth.example.com/\u202Ex' })).toEqual(['ISSUER must not contain U+202E']);
  });

  it('never repeats a database password in a message', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(problem).not.toContain('hunter2');
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/x.sqlite', { kind: 'sqlite', path: './data/x.sqlite' }],
    ['sqlite:///var/lib/tollgate.db', { kind: 'sqlite', path: '/var/lib/tollgate.db' }],
    ['postgresql://u@h/db', { kind: 'postgres', url: 'postgresql://u@h/db' }],
  ])('accepts %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each([
    ['sqlite:', 'needs a file path'],
    ['postgres://h:5432/', 'names no database'],
    ['postgres://[bad', 'not a valid postgres:// URL'],
    ['tollgate.sqlite', 'must start with sqlite: or postgres://'],
  ])('refuses %s', (url, message) => {
    expect(parseDatabaseUrl(url)).toContain(message);
  });
});

describe('parseDuration', () => {
  it.each([['3600', 3600], ['90s', 90], ['15m', 900], ['1h', 3600], ['30d', 2592000]])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['0', '-1', '1.5h', '1w', '', 'h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
