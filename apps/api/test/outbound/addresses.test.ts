import { describe, expect, it } from 'vitest';
import { forbiddenRange } from '../../src/outbound/addresses.js';

describe('forbiddenRange', () => {
  it.each([
    ['0.0.0.0', 'this network'],
    ['0.255.255.255', 'this network'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.0', 'shared address space (CGNAT)'],
    ['100.127.255.255', 'shared address space (CGNAT)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.170', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.168.0.1', 'private'],
    ['198.18.0.0', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved (and broadcast)'],
    ['255.255.255.255', 'reserved (and broadcast)'],
  ])('refuses IPv4 %s (%s)', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  const notGlobal = 'not global unicast IPv6 (loopback, link-local, unique-local, multicast or reserved)';
  it.each([
    ['::', notGlobal],
    ['::1', notGlobal],
    ['::127.0.0.1', notGlobal],
    ['::ffff:0:7f00:1', notGlobal],
    ['64:ff9b:1::a00:1', notGlobal],
    ['100::1', notGlobal],
    ['fc00::1', notGlobal],
    ['fdff:ffff::1', notGlobal],
    ['fe80::1', notGlobal],
    ['febf::1', notGlobal],
    ['fec0::1', notGlobal],
    ['ff02::1', notGlobal],
    ['ff0e::1', notGlobal],
    ['4000::1', notGlobal],
    ['8000::1', notGlobal],
    ['2001::1', 'IETF protocol assignments (Teredo, benchmarking, ORCHID)'],
    ['2001:2::1', 'IETF protocol assignments (Teredo, benchmarking, ORCHID)'],
    ['2001:1ff:ffff::1', 'IETF protocol assignments (Teredo, benchmarking, ORCHID)'],
    ['2001:db8::1', 'documentation'],
    ['2001:db8:ffff:ffff::1', 'documentation'],
    ['2002:7f00:1::1', '6to4'],
    ['3fff::1', 'documentation'],
    ['3fff:fff:ffff::1', 'documentation'],
  ])('refuses IPv6 %s (%s)', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback (as IPv6 IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (as IPv6 IPv4-mapped)'],
    ['::FFFF:10.0.0.1', 'private (as IPv6 IPv4-mapped)'],
    ['::ffff:a9fe:a9fe', 'link-local (as IPv6 IPv4-mapped)'],
    ['::ffff:0.0.0.0', 'this network (as IPv6 IPv4-mapped)'],
    ['64:ff9b::7f00:1', 'loopback (as IPv6 NAT64)'],
    ['64:ff9b::192.168.0.1', 'private (as IPv6 NAT64)'],
    ['64:ff9b::6440:1', 'shared address space (CGNAT) (as IPv6 NAT64)'],
  ])('judges IPv6 %s by the IPv4 address it stands for', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it.each(['fe80::1%lo', 'fe80::1%eth0', 'localhost', '', '1.2.3', '256.1.1.1', '::ffff:1.2.3.4.5', '[::1]', '2001:4860::8888::1'])(
    'refuses %j, which is no plain IP address',
    (address) => {
      expect(forbiddenRange(address)).toBe('not an IP address');
    },
  );

  it.each([
    '8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0',
    '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.255', '192.0.3.0', '192.167.255.255',
    '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '2001:200::1', '2003::1', '3fff:1000::1', '3ffe::1',
    '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '64:ff9b::8.8.8.8',
  ])('allows public %s', (address) => {
    expect(forbiddenRange(address)).toBeUndefined();
  });
});
