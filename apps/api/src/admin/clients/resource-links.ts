import type { Client, Stores } from '../../storage/types.js';
import { ValidationError } from '../errors.js';

/** The APIs a client names, as the admin API writes them: identifiers. */
export interface ResourceLinks {
  allowedResources: string[] | null;
  resource: string | null;
}

/** The same, as the store keeps them: resource ids. */
export interface StoredResourceLinks {
  allowedResources: string[] | null;
  resourceId: string | null;
}

/** The identifiers of the APIs `clients` name, by resource id (an API deleted since is left out). */
export async function resourceIdentifiers(stores: Pick<Stores, 'resources'>, clients: readonly Client[]): Promise<Map<string, string>> {
  const ids = new Set(clients.flatMap((client) => [...(client.allowedResources ?? []), ...(client.resourceId === null ? [] : [client.resourceId])]));
  const found = await Promise.all([...ids].map((id) => stores.resources.get(id)));
  return new Map(found.flatMap((resource) => (resource === null ? [] : [[resource.id, resource.identifier] as const])));
}

/** A stored client's links as identifiers. */
export async function linksOf(stores: Pick<Stores, 'resources'>, client: Client): Promise<ResourceLinks> {
  const identifiers = await resourceIdentifiers(stores, [client]);
  return {
    allowedResources: client.allowedResources === null ? null : client.allowedResources.flatMap((id) => identifiers.get(id) ?? []).sort(),
    resource: client.resourceId === null ? null : identifiers.get(client.resourceId) ?? null,
  };
}

/** Identifiers to resource ids; an identifier no API has is a field message. */
export async function resolveLinks(stores: Pick<Stores, 'resources'>, links: ResourceLinks): Promise<StoredResourceLinks> {
  const fields: Record<string, string> = {};
  const idOf = async (identifier: string, field: string) => {
    const resource = await stores.resources.getByIdentifier(identifier);
    if (!resource) fields[field] = `no API has the identifier ${identifier}: register it first`;
    return resource?.id ?? '';
  };
  const allowedResources = links.allowedResources === null
    ? null
    : [...new Set(await Promise.all(links.allowedResources.map((identifier, i) => idOf(identifier, `allowedResources.${i}`))))];
  const resourceId = links.resource === null ? null : await idOf(links.resource, 'resource');
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  return { allowedResources, resourceId };
}
