import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressBucket, clientAddress, parseTrustedProxies, type TrustedProxies } from '../../src/http/client-address.js';

const request = (peer: string, forwarded?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;

describe('client address', () => {
  const loopback = parseTrustedProxies('loopback') as TrustedProxies;
  const listed = parseTrustedProxies('10.0.0.5, 10.0.0.6') as TrustedProxies;

  it('is the TCP peer unless the peer is a trusted proxy', () => {
    expect(clientAddress(request('198.51.100.7', '203.0.113.9'), parseTrustedProxies(undefined) as TrustedProxies)).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), loopback)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:10.0.0.5', '203.0.113.9'), listed)).toBe('203.0.113.9');
  });

  it('takes the nearest hop that is not a proxy, so a client cannot pick its own', () => {
    expect(clientAddress(request('10.0.0.5', '1.2.3.4, 203.0.113.9, 10.0.0.6'), listed)).toBe('203.0.113.9');
  });

  it('refuses a malformed TRUST_PROXY', () => {
    expect(parseTrustedProxies('everyone')).toBe('TRUST_PROXY must be "loopback" or a comma-separated list of IP addresses (got "everyone")');
  });

  it('counts IPv6 failures per /64 and IPv4 per address', () => {
    expect(addressBucket('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
  });
});
