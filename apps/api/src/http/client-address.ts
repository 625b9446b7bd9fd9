import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/** Which peers are our own reverse proxies, whose X-Forwarded-For we believe. */
export type TrustedProxies = (address: string) => boolean;

export const TRUST_NO_PROXY: TrustedProxies = () => false;

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Parses TRUST_PROXY: `loopback`, or a comma-separated list of proxy addresses. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies | string {
  if (value === undefined || value.trim() === '') return TRUST_NO_PROXY;
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const addresses = new Set<string>();
  let loopback = false;
  for (const part of parts) {
    if (part === 'loopback') loopback = true;
    else if (/^[\d.]+$/.test(part) || isIPv6(part)) addresses.add(part);
    else return `TRUST_PROXY must be "loopback" or a comma-separated list of IP addresses (got "${part}")`;
  }
  return (address) => addresses.has(address) || addresses.has(address.replace(/^::ffff:/, '')) || (loopback && LOOPBACK.test(address));
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy, in
 * which case the nearest X-Forwarded-For hop that is not one. A client can
 * therefore not choose its own address by sending the header itself.
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trusted(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peer;
}

/**
 * The key failures are counted under: the address, or for IPv6 its /64,
 * since one host usually holds a whole /64 and could otherwise walk through it.
 */
export function addressBucket(address: string): string {
  // IPv4 needs no work; this runs for every protocol request, and isIPv6 is a long regular expression.
  if (!address.includes(':')) return address;
  if (!isIPv6(address) || address.startsWith('::ffff:')) return address.replace(/^::ffff:/, '');
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
