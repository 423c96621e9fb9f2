import { isIP } from 'node:net';

/**
 * What an IP address is, for deciding whether the server may connect to it on a caller's behalf.
 * Ranges from the IANA special-purpose address registries (RFC 6890 and its updates).
 */
export type AddressCategory =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  | 'metadata';

const DESCRIPTIONS: Record<Exclude<AddressCategory, 'public'>, string> = {
  unspecified: 'an unspecified ("this host")',
  loopback: 'a loopback',
  private: 'a private-network',
  shared: 'a carrier-grade NAT (shared)',
  'link-local': 'a link-local',
  multicast: 'a multicast or broadcast',
  documentation: 'a documentation',
  reserved: 'a reserved',
  metadata: 'a cloud metadata service',
};

interface Range {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** An IP network (`10.0.0.0/8`, `fd00::/8`, or one address). */
export interface Network extends Range {
  readonly family: 4 | 6;
}

/**
 * Instance metadata services of the large clouds (AWS, GCP, Azure, Oracle, Alibaba, ECS/EKS task
 * credentials): refused even when private addresses are allowed, since they hand out credentials.
 */
const METADATA_ADDRESSES = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2::254',
  'fd00:ec2::23',
];

const V4_RANGES: ReadonlyArray<readonly [string, number, AddressCategory]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: ReadonlyArray<readonly [string, number, AddressCategory]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64 (RFC 8215)
  ['100::', 64, 'reserved'], // discard-only
  ['2001::', 23, 'reserved'], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private'], // unique local
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

/**
 * IPv6 ranges that carry an IPv4 address: judged by the IPv4 address inside, so `::ffff:127.0.0.1`
 * or a 6to4 address wrapping 10.0.0.1 is what it points at. [prefix, its length, offset of the IPv4 bytes]
 */
const V4_CARRIERS: ReadonlyArray<readonly [string, number, number]> = [
  ['::ffff:0:0', 96, 12], // IPv4-mapped (RFC 4291 §2.5.5.2)
  ['64:ff9b::', 96, 12], // NAT64 well-known prefix (RFC 6052)
  ['2002::', 16, 2], // 6to4 (RFC 3056)
];

function parseV4(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

/** IPv6 text (already validated by isIP) to its 16 bytes; `::` and a trailing dotted IPv4 part allowed. */
function parseV6(address: string): Uint8Array {
  let text = address;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[2]);
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const hex = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const [head, rest] = text.split('::');
  const front = hex(head);
  const back = [...(rest === undefined ? [] : hex(rest)), ...tail];
  const zeros = rest === undefined ? [] : Array<number>(8 - front.length - back.length).fill(0);
  const groups = [...front, ...zeros, ...back];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** The address's family and bytes, or undefined when it is not an IP address. A zone (`%eth0`) is dropped. */
export function parseAddress(address: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return { family, bytes: parseV4(bare) };
  if (family === 6) return { family, bytes: parseV6(bare.toLowerCase()) };
  return undefined;
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== range.bytes[i]) return false;
  const bits = range.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (bytes[whole] & mask) === (range.bytes[whole] & mask);
}

const range = ([net, prefix]: readonly [string, number, ...unknown[]]): Range => ({
  bytes: parseAddress(net)!.bytes,
  prefix,
});
const V4 = V4_RANGES.map((r) => ({ ...range(r), category: r[2] }));
const V6 = V6_RANGES.map((r) => ({ ...range(r), category: r[2] }));
const CARRIERS = V4_CARRIERS.map((r) => ({ ...range(r), offset: r[2] }));
const METADATA = METADATA_ADDRESSES.map((a) => parseAddress(a)!.bytes);

function classifyBytes(bytes: Uint8Array): AddressCategory {
  if (METADATA.some((m) => m.length === bytes.length && m.every((b, i) => b === bytes[i]))) return 'metadata';
  if (bytes.length === 16) {
    const carrier = CARRIERS.find((c) => inRange(bytes, c));
    if (carrier) return classifyBytes(bytes.slice(carrier.offset, carrier.offset + 4));
  }
  const table = bytes.length === 4 ? V4 : V6;
  // Longest prefix wins (`::1/128` before `::/96`).
  const matches = table.filter((r) => inRange(bytes, r)).sort((a, b) => b.prefix - a.prefix);
  return matches[0]?.category ?? 'public';
}

/** The category of an IP address (IPv4, IPv6, bracketed or with a zone), or undefined for anything else. */
export function classifyAddress(address: string): AddressCategory | undefined {
  const parsed = parseAddress(address);
  return parsed && classifyBytes(parsed.bytes);
}

/**
 * Parses a comma-separated list of networks (`10.1.0.0/16, 192.0.2.7, fd00::/8`); a bare address is
 * that one address. Throws a message naming the first bad entry.
 */
export function parseNetworks(list: string): Network[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [address, prefixText, extra] = entry.split('/');
      const parsed = parseAddress(address);
      const max = parsed?.family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!parsed || extra !== undefined || !(prefix >= 0 && prefix <= max))
        throw new Error(`"${entry}" is not an IP address or network`);
      return { family: parsed.family, bytes: parsed.bytes, prefix };
    });
}

export interface AddressPolicy {
  /** Loopback, private, link-local … allowed (development, tests); cloud metadata still is not. */
  readonly allowPrivate: boolean;
  /** Networks allowed whatever their category: an operator's internal hosts. */
  readonly allowedNetworks: readonly Network[];
}

/**
 * The category that keeps the server from connecting to `address` for a caller, or undefined when
 * it may. Anything that is not an IP address is refused as `reserved`.
 */
export function refusedCategory(
  address: string,
  policy: AddressPolicy,
): Exclude<AddressCategory, 'public'> | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'reserved';
  if (policy.allowedNetworks.some((n) => inRange(parsed.bytes, n))) return undefined;
  const category = classifyBytes(parsed.bytes);
  if (category === 'public') return undefined;
  if (policy.allowPrivate && category !== 'metadata') return undefined;
  return category;
}

/** "a loopback address", for messages. */
export function describeCategory(category: Exclude<AddressCategory, 'public'>): string {
  return `${DESCRIPTIONS[category]} address`;
}
