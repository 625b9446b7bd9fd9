import type { Storage } from '../types.js';
import { describeAdminQueries } from './admin-queries.contract.js';
import { describeAuditStore } from './audit.contract.js';
import { describeClientStore } from './clients.contract.js';
import { describeCodeStore } from './codes.contract.js';
import { describeConsentStore } from './consents.contract.js';
import { describeKeyStore } from './keys.contract.js';
import { describeRateLimitStore } from './rate-limits.contract.js';
import { describeRecordIssued } from './record-issued.contract.js';
import { describeScopeStore } from './scopes.contract.js';
import { describeTokenStore } from './tokens.contract.js';
import { describeTransactions } from './transaction.contract.js';
import { describeUserStore } from './users.contract.js';
import { describeSessionStore } from './sessions.contract.js';
import { describeInteractionStore } from './interactions.contract.js';
import { describeInitialAccessTokenStore } from './initial-access-tokens.contract.js';
import { describeResourceStore } from './resources.contract.js';
import { describeReplayStore } from './replays.contract.js';
import { describePushedRequestStore } from './pushed-requests.contract.js';
import { describeExternalAccountStore } from './external-accounts.contract.js';
import { describeDeviceAuthorizationStore } from './device-authorizations.contract.js';
import { describeLogoutOutboxStore } from './logout-outbox.contract.js';
import { describeSecondFactorStore } from './factors.contract.js';

/** Every store contract, for one backend. `storage()` is called inside tests, after setup. */
export function describeStorageContract(storage: () => Storage) {
  describeClientStore(storage);
  describeUserStore(storage);
  describeScopeStore(storage);
  describeCodeStore(storage);
  describeTokenStore(storage);
  describeConsentStore(storage);
  describeKeyStore(storage);
  describeAuditStore(storage);
  describeRateLimitStore(storage);
  describeRecordIssued(storage);
  describeSessionStore(storage);
  describeInteractionStore(storage);
  describeInitialAccessTokenStore(storage);
  describeResourceStore(storage);
  describeReplayStore(storage);
  describePushedRequestStore(storage);
  describeExternalAccountStore(storage);
  describeDeviceAuthorizationStore(storage);
  describeLogoutOutboxStore(storage);
  describeSecondFactorStore(storage);
  describeAdminQueries(storage);
  describeTransactions(storage);
}
