/**
 * A host outbound requests may reach over http and at loopback or private
 * addresses. `host` is as `URL.hostname` spells it (lower case, IPv6 in
 * brackets); `port` null matches every port.
 */
export interface AllowedHost {
  host: string;
  port: number | null;
}

/**
 * Reads `OUTBOUND_ALLOW_HOSTS`: comma-separated `host` or `host:port` entries
 * (`localhost:8443`, `127.0.0.1`, `[::1]:9000`). Returns a message naming the
 * first bad entry.
 */
export function parseAllowedHosts(value: string | undefined): AllowedHost[] | string {
  if (value === undefined || value.trim() === '') return [];
  const hosts: AllowedHost[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? null : Number(match[2]);
    const host = match ? canonicalHost(match[1]!) : undefined;
    if (!host || (port !== null && (port < 1 || port > 65535))) {
      return `OUTBOUND_ALLOW_HOSTS must list hosts such as localhost:8443, 127.0.0.1 or [::1]:9000 (no scheme, no path, no *), got "${entry}"`;
    }
    hosts.push({ host, port });
  }
  return hosts;
}

function canonicalHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/** Whether `url` (http or https) names a listed host, on the entry's port if it has one. */
export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return allowed.some((entry) => entry.host === url.hostname && (entry.port === null || entry.port === port));
}
