/**
 * The admin API's request and response types, from the same zod schemas that
 * validate requests and generate `/admin/api/openapi.json`. The console
 * imports these type-only: `import type { Client } from '@tollgate/api/admin/contract'`.
 */
import type { z } from 'zod';
import type { auditActionList, auditEntryView, auditPage, exportAuditQuery, listAuditQuery } from './audit/schema.js';
import type { clientDeletion, clientPage, clientView, clientWithSecret, createClientRequest, listClientsQuery, updateClientRequest, updatedClientView } from './clients/schema.js';
import type { consentPage, consentRevocation, consentView, listConsentsQuery } from './consents/schema.js';
import type { errorBody, revokedCount } from './http/schemas.js';
import type { registrationPolicyView } from './registration-policy/schema.js';
import type {
  createRegistrationTokenRequest, listRegistrationTokensQuery, registrationTokenPage, registrationTokenView, registrationTokenWithValue,
} from './registration-tokens/schema.js';
import type { keyRotation, signingKeyList, signingKeyView } from './keys/schema.js';
import type { settingsView } from './settings/schema.js';
import type {
  createResourceRequest, listResourcesQuery, resourcePage, resourceView, updateResourceRequest,
} from './resources/schema.js';
import type { createScopeRequest, scopeList, scopeView, updateScopeRequest } from './scopes/schema.js';
import type { listSessionsQuery, sessionPage, sessionsEnded, sessionView } from './sessions/schema.js';
import type { statisticsQuery, statisticsView } from './stats/schema.js';
import type { listTokensQuery, tokenPage, tokenView } from './tokens/schema.js';
import type {
  createUserRequest, listUsersQuery, passwordReset, resetPasswordRequest, secondFactorsReset, secondFactorsView, updateUserRequest, userDeletion, userPage, userStatusChange, userView,
} from './users/schema.js';

/** A page of a list: `nextCursor` goes back as `cursor` for the next one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every error answer; `fields` holds one message per invalid field on a 400. */
export type ApiError = z.output<typeof errorBody>;
export type RevokedCount = z.output<typeof revokedCount>;

export type Client = z.output<typeof clientView>;
export type ClientPage = z.output<typeof clientPage>;
export type ClientWithSecret = z.output<typeof clientWithSecret>;
export type UpdatedClient = z.output<typeof updatedClientView>;
export type ClientDeletion = z.output<typeof clientDeletion>;
export type CreateClientRequest = z.input<typeof createClientRequest>;
export type UpdateClientRequest = z.input<typeof updateClientRequest>;
export type ListClientsQuery = z.input<typeof listClientsQuery>;

export type Resource = z.output<typeof resourceView>;
export type ResourcePage = z.output<typeof resourcePage>;
export type CreateResourceRequest = z.input<typeof createResourceRequest>;
export type UpdateResourceRequest = z.input<typeof updateResourceRequest>;
export type ListResourcesQuery = z.input<typeof listResourcesQuery>;

export type Token = z.output<typeof tokenView>;
export type TokenPage = z.output<typeof tokenPage>;
export type ListTokensQuery = z.input<typeof listTokensQuery>;

export type User = z.output<typeof userView>;
export type UserPage = z.output<typeof userPage>;
export type CreateUserRequest = z.input<typeof createUserRequest>;
export type ResetPasswordRequest = z.input<typeof resetPasswordRequest>;
export type PasswordReset = z.output<typeof passwordReset>;
export type SecondFactors = z.output<typeof secondFactorsView>;
export type SecondFactorsReset = z.output<typeof secondFactorsReset>;
export type UserStatusChange = z.output<typeof userStatusChange>;
export type ListUsersQuery = z.input<typeof listUsersQuery>;
export type UpdateUserRequest = z.input<typeof updateUserRequest>;
export type UserDeletion = z.output<typeof userDeletion>;

export type Session = z.output<typeof sessionView>;
export type SessionPage = z.output<typeof sessionPage>;
export type ListSessionsQuery = z.input<typeof listSessionsQuery>;
export type SessionsEnded = z.output<typeof sessionsEnded>;

export type Scope = z.output<typeof scopeView>;
export type ScopeList = z.output<typeof scopeList>;
export type CreateScopeRequest = z.input<typeof createScopeRequest>;
export type UpdateScopeRequest = z.input<typeof updateScopeRequest>;

export type Consent = z.output<typeof consentView>;
export type ConsentPage = z.output<typeof consentPage>;
export type ConsentRevocation = z.output<typeof consentRevocation>;
export type ListConsentsQuery = z.input<typeof listConsentsQuery>;

export type AuditEntry = z.output<typeof auditEntryView>;
export type AuditPage = z.output<typeof auditPage>;
export type ListAuditQuery = z.input<typeof listAuditQuery>;
export type ExportAuditQuery = z.input<typeof exportAuditQuery>;
export type AuditActionList = z.output<typeof auditActionList>;

export type Statistics = z.output<typeof statisticsView>;
export type StatisticsQuery = z.input<typeof statisticsQuery>;

export type RegistrationToken = z.output<typeof registrationTokenView>;
export type RegistrationTokenPage = z.output<typeof registrationTokenPage>;
export type RegistrationTokenWithValue = z.output<typeof registrationTokenWithValue>;
export type CreateRegistrationTokenRequest = z.input<typeof createRegistrationTokenRequest>;
export type ListRegistrationTokensQuery = z.input<typeof listRegistrationTokensQuery>;

export type RegistrationPolicy = z.output<typeof registrationPolicyView>;

export type SigningKey = z.output<typeof signingKeyView>;
export type SigningKeyList = z.output<typeof signingKeyList>;
export type KeyRotation = z.output<typeof keyRotation>;

export type Settings = z.output<typeof settingsView>;
