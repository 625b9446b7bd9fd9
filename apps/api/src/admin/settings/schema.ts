import { z } from 'zod';
import type { Config, RateLimitRule } from '../../config.js';
import { redactUrl } from '../../config.js';
import { responseSchema } from '../http/schemas.js';

const rule = z.object({ limit: z.number().int(), windowSeconds: z.number().int() }).nullable()
  .meta({ description: '`limit` events per `windowSeconds`; null when the limit is off.' });
const seconds = z.number().int();

/**
 * The server's effective configuration as the console shows it, read-only.
 * Secrets never appear: the database URL loses its password, and the metrics
 * token and the key encryption secret are reported only as set or not.
 */
export const settingsView = responseSchema('Settings', z.object({
  version: z.string(),
  issuer: z.string().meta({ description: 'ISSUER.' }),
  database: z.object({
    kind: z.enum(['sqlite', 'postgres']),
    location: z.string().meta({ description: 'The SQLite file, or the PostgreSQL URL with its password masked.' }),
  }),
  lifetimes: z.object({
    accessToken: seconds, refreshToken: seconds, refreshTokenIdle: seconds, authorizationCode: seconds, idToken: seconds, session: seconds,
  }).meta({ description: 'Seconds: ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, REFRESH_TOKEN_IDLE_TTL, AUTHORIZATION_CODE_TTL, ID_TOKEN_TTL, SESSION_TTL. A client may override the first two.' }),
  rateLimits: z.object({
    token: rule, clientAuthFailures: rule, publicClientFailures: rule, loginFailuresPerAccount: rule, loginFailuresPerAddress: rule,
    interactions: rule, registrations: rule, clientMetadataFetches: rule,
  }),
  registration: z.object({
    mode: z.enum(['off', 'token', 'open']),
    openGrantTypes: z.array(z.string()),
    openScopes: z.array(z.string()),
    clientMetadataDocuments: z.boolean(),
  }),
  idTokenSigningAlg: z.enum(['ES256', 'RS256']),
  pkceRequired: z.boolean(),
  adminMfaRequired: z.boolean(),
  adminCorsOrigins: z.array(z.string()),
  purgeIntervalSeconds: seconds.nullable(),
  hstsMaxAgeSeconds: seconds.nullable(),
  metricsToken: z.enum(['set', 'not set']).meta({ description: 'Whether METRICS_TOKEN is set; its value is never shown.' }),
  keyEncryption: z.object({
    source: z.enum(['variable', 'file']).meta({ description: 'KEY_ENCRYPTION_KEY when set (its value is never shown), else the key file.' }),
    file: z.string().nullable(),
  }),
}));
export type SettingsView = z.output<typeof settingsView>;

const copy = (value: RateLimitRule | null) => (value === null ? null : { limit: value.limit, windowSeconds: value.windowSeconds });

/** The view of `config` the admin API answers; built once when the app starts. */
export function toSettingsView(config: Config, version: string): SettingsView {
  const { rateLimits: r } = config;
  return {
    version,
    issuer: config.issuer,
    database: config.database.kind === 'sqlite'
      ? { kind: 'sqlite', location: config.database.path }
      : { kind: 'postgres', location: redactUrl(config.database.url) },
    lifetimes: { ...config.lifetimes, session: config.sessionTtl },
    rateLimits: {
      token: copy(r.token), clientAuthFailures: copy(r.clientAuthFailures), publicClientFailures: copy(r.publicClientFailures),
      loginFailuresPerAccount: copy(r.loginFailuresPerAccount), loginFailuresPerAddress: copy(r.loginFailuresPerAddress),
      interactions: copy(r.interactions), registrations: copy(r.registrations), clientMetadataFetches: copy(r.clientMetadataFetches),
    },
    registration: {
      mode: config.registration.mode, openGrantTypes: [...config.registration.openGrantTypes], openScopes: [...config.registration.openScopes],
      clientMetadataDocuments: config.clientMetadataDocuments,
    },
    idTokenSigningAlg: config.idTokenSigningAlg,
    pkceRequired: config.pkceRequired,
    adminMfaRequired: config.adminMfaRequired,
    adminCorsOrigins: [...config.adminCorsOrigins],
    purgeIntervalSeconds: config.purgeIntervalSeconds,
    hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
    metricsToken: config.metricsToken === null ? 'not set' : 'set',
    keyEncryption: config.keyEncryption.secret === null ? { source: 'file', file: config.keyEncryption.file } : { source: 'variable', file: null },
  };
}
