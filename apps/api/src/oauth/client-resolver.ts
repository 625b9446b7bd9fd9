import { addressBucket } from '../http/client-address.js';
import { DocumentCache, type Fetched } from '../outbound/cache.js';
import { OutboundError } from '../outbound/errors.js';
import type { Outbound } from '../outbound/fetch.js';
import { ConflictError, type Client, type Storage } from '../storage/types.js';
import { OAuthError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';
import type { RegistrationAllowance } from './registration/allowance.js';
import { changedFields, type RegisteredFields } from './registration/metadata.js';
import { isMetadataDocumentId, MAX_DOCUMENT_BYTES, metadataDocumentUrlProblem, readMetadataDocument } from './registration/metadata-document.js';

/** How long a metadata document may take to arrive: a person or a token request is waiting. */
const FETCH_TIMEOUT_MS = 2000;

/**
 * Why a client id that is a metadata document URL names no usable client
 * now: the URL breaks the rules, the document could not be fetched or is not
 * valid, or this address made us fetch too many. Always the client's problem,
 * never the server's. `message` is safe to show whoever sent the request; it
 * reads after "This application could not be identified."; `detail` is for the log.
 */
export class UnidentifiedClient extends Error {
  override readonly name = 'UnidentifiedClient';

  constructor(message: string, readonly detail?: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

export interface ClientResolverDeps {
  storage: Storage;
  /** Our own origin, where no document's URLs may point. */
  issuer: string;
  /** `CLIENT_METADATA_DOCUMENTS`: when false, a metadata document URL names no client, and nothing is fetched. */
  metadataDocuments: boolean;
  outbound: Outbound;
  /** What a metadata document's client may have: the open registration policy's grant types and scopes. */
  allowance: RegistrationAllowance;
  /** Document fetches per source address (cache hits are free). */
  fetchesPerAddress: RateLimiter;
  /** `SECURITY_PROFILE=fapi2`: a document is held to the profile as a registration is. */
  fapi2?: boolean;
}

/**
 * Finds the client a request names: by its id in storage, or, for an id that
 * is an https URL, from the client ID metadata document at that URL. Such a
 * client is kept as a row like any other (kind `metadata_document`, created
 * on first use and updated when its document changes), so codes, tokens and
 * consents refer to it and administrators see it; a row an administrator
 * revoked stays revoked and is returned as such without fetching. Documents
 * are kept for their Cache-Control within bounds and fetched once for many
 * callers. Every endpoint that takes a client id from a request asks here.
 */
export class ClientResolver {
  private readonly documents: DocumentCache<RegisteredFields>;

  constructor(private readonly deps: ClientResolverDeps) {
    this.documents = new DocumentCache({ fetch: (url) => this.fetchDocument(url), now: () => Date.now() });
  }

  /**
   * The client `id` names, null when none does (revoked ones included, with
   * their status). `sourceAddress` is whose request this is, counted for
   * fetches. Throws `UnidentifiedClient` when a metadata document URL cannot name one.
   */
  async resolve(id: string, sourceAddress: string): Promise<Client | null> {
    const { storage } = this.deps;
    if (!isMetadataDocumentId(id)) return storage.clients.get(id);
    if (!this.deps.metadataDocuments) return null;
    const problem = metadataDocumentUrlProblem(id);
    if (problem !== null) throw new UnidentifiedClient(`Its client_id is an https URL, so it must be the URL of a client metadata document, but ${problem}.`);
    const stored = await storage.clients.get(id);
    if (stored && (stored.status !== 'active' || stored.registration.kind !== 'metadata_document')) return stored;
    const fields = await this.document(id, sourceAddress);
    if (stored && changedFields(stored, fields).length === 0) return stored;
    return this.save(id, fields, sourceAddress);
  }

  private document(url: string, sourceAddress: string): Promise<RegisteredFields> {
    if (!this.documents.has(url)) {
      const limited = this.deps.fetchesPerAddress.consume(addressBucket(sourceAddress));
      if (!limited.allowed) {
        throw new UnidentifiedClient('Too many client metadata documents were fetched for requests from your network; try again later.', 'fetch limit', limited.retryAfterSeconds);
      }
    }
    return this.documents.get(url);
  }

  private async fetchDocument(url: string): Promise<Fetched<RegisteredFields>> {
    let fetched;
    try {
      fetched = await this.deps.outbound.fetchJson(url, { maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: FETCH_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      throw new UnidentifiedClient(`Its client metadata document could not be fetched: ${error.message}`, `${error.code}: ${error.detail ?? error.message}`);
    }
    const existing = (await this.deps.storage.scopes.list()).map((scope) => scope.name);
    try {
      return { value: readMetadataDocument(url, fetched.body, this.deps.allowance, existing, this.deps.issuer, this.deps.fapi2 ?? false), cacheControl: fetched.cacheControl };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      throw new UnidentifiedClient(`Its client metadata document is not valid: ${error.message}`, `invalid document: ${error.message}`);
    }
  }

  /** Creates the client or brings it up to date with its document, with its audit entry, unless it was revoked meanwhile. */
  private async save(id: string, fields: RegisteredFields, sourceAddress: string): Promise<Client | null> {
    const { storage } = this.deps;
    const now = Date.now();
    const audit = { at: now, targetType: 'client', targetId: id, sourceAddress };
    try {
      return await storage.transaction(async (tx) => {
        const current = await tx.clients.get(id);
        if (!current) {
          const created = await tx.clients.create({
            ...fields, id, secretHash: null, system: false,
            registration: { kind: 'metadata_document', initialAccessTokenId: null, sourceAddress, accessTokenHash: null },
          }, now);
          await tx.audit.append({
            ...audit, actorType: 'anonymous', actorId: null, action: 'client.register',
            details: { name: created.name, kind: 'metadata_document', grant_types: created.grantTypes, scope: created.scopes.join(' ') },
          });
          return created;
        }
        const changed = current.status === 'active' ? changedFields(current, fields) : [];
        if (changed.length === 0) return current;
        // Only what the document says: an administrator's lifetimes stay.
        const updated = await tx.clients.update(id, Object.fromEntries(changed.map((name) => [name, fields[name]])), now);
        await tx.audit.append({ ...audit, actorType: 'client', actorId: id, action: 'client.update', details: { fields: changed, by: 'metadata document' } });
        return updated;
      });
    } catch (error) {
      // Another process created it first (PostgreSQL; SQLite has one writer): theirs came from the same document.
      if (error instanceof ConflictError) return storage.clients.get(id);
      throw error;
    }
  }
}
