import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** IPv4 ranges no outbound request may reach (RFC 6890 and its successors), by name. */
const IPV4_RANGES: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

/**
 * IPv6 is allowed only inside global unicast (2000::/3), so loopback, unspecified,
 * unique-local, link-local, site-local, multicast and every future special block
 * outside it are refused without a line each; these are the exceptions inside it.
 */
const IPV6_RANGES_IN_GLOBAL_UNICAST: ReadonlyArray<[string, number, string]> = [
  ['2001::', 23, 'IETF protocol assignments (Teredo, benchmarking, ORCHID)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
];

function blockList(ranges: ReadonlyArray<[string, number, string]>, type: 'ipv4' | 'ipv6'): Array<[BlockList, string]> {
  return ranges.map(([network, prefix, name]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return [list, name];
  });
}

const ipv4Ranges = blockList(IPV4_RANGES, 'ipv4');
const ipv6Ranges = blockList(IPV6_RANGES_IN_GLOBAL_UNICAST, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address without a zone, a trailing dotted quad included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

/**
 * The IPv4 address an IPv6 address stands for, when it is IPv4-mapped
 * (::ffff:0:0/96) or NAT64 of the well-known prefix (64:ff9b::/96, RFC 6052):
 * those reach that IPv4 host, so they are judged as it is.
 */
function embeddedIPv4(groups: number[]): string | undefined {
  const prefix = groups.slice(0, 6).join(':');
  if (prefix !== '0:0:0:0:0:65535' && prefix !== '100:65435:0:0:0:0') return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * Why an outbound request may not reach `address` (an IP address as node's
 * resolver or a URL gives it, IPv6 without brackets), or undefined when it is a
 * public unicast address. Anything that does not parse is refused, zone ids too.
 */
export function forbiddenRange(address: string): string | undefined {
  if (isIPv4(address)) return ipv4Ranges.find(([list]) => list.check(address, 'ipv4'))?.[1];
  if (!isIPv6(address) || address.includes('%')) return 'not an IP address';
  const groups = ipv6Groups(address);
  const ipv4 = embeddedIPv4(groups);
  if (ipv4 !== undefined) {
    const range = forbiddenRange(ipv4);
    return range === undefined ? undefined : `${range} (as IPv6 ${groups[0] === 0 ? 'IPv4-mapped' : 'NAT64'})`;
  }
  if (!globalUnicast.check(address, 'ipv6')) return 'not global unicast IPv6 (loopback, link-local, unique-local, multicast or reserved)';
  return ipv6Ranges.find(([list]) => list.check(address, 'ipv6'))?.[1];
}
