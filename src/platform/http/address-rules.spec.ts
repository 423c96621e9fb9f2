import {
  classifyAddress,
  describeCategory,
  refusedCategory,
  parseAddress,
  parseNetworks,
  type AddressPolicy,
} from './address-rules.js';

const STRICT: AddressPolicy = { allowPrivate: false, allowedNetworks: [] };
const DEV: AddressPolicy = { allowPrivate: true, allowedNetworks: [] };

describe('parseAddress', () => {
  it.each([
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['2001:db8::ff00:42:8329', '20010db8000000000000ff0000428329'],
    ['::ffff:127.0.0.1', '00000000000000000000ffff7f000001'],
    ['::ffff:7f00:1', '00000000000000000000ffff7f000001'],
    ['64:ff9b::10.0.0.1', '0064ff9b0000000000000000 0a000001'.replace(' ', '')],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['[fe80::1%eth0]', 'fe800000000000000000000000000001'],
    ['192.168.0.1', 'c0a80001'],
  ])('%s -> %s', (address, hex) => expect(Buffer.from(parseAddress(address)!.bytes).toString('hex')).toBe(hex));

  it('is undefined for names and junk', () => {
    expect(parseAddress('localhost')).toBeUndefined();
    expect(parseAddress('1.2.3')).toBeUndefined();
    expect(parseAddress('')).toBeUndefined();
  });
});

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['fec0::1', 'private'],
    ['64:ff9b:1::1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.170.2', 'metadata'],
  ])('%s is %s', (address, category) => expect(classifyAddress(address)).toBe(category));

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
  ])('an IPv6 address carrying IPv4 is judged by it: %s is %s', (address, category) =>
    expect(classifyAddress(address)).toBe(category),
  );

  it('is undefined for anything that is not an address', () => {
    expect(classifyAddress('example.com')).toBeUndefined();
    expect(classifyAddress('127.1')).toBeUndefined();
  });
});

describe('refusedCategory', () => {
  it('allows public addresses and refuses every other kind, naming it', () => {
    expect(refusedCategory('8.8.8.8', STRICT)).toBeUndefined();
    expect(refusedCategory('2606:4700:4700::1111', STRICT)).toBeUndefined();
    expect(refusedCategory('127.0.0.1', STRICT)).toBe('loopback');
    expect(refusedCategory('::ffff:192.168.0.1', STRICT)).toBe('private');
    expect(refusedCategory('100.64.1.1', STRICT)).toBe('shared');
    expect(refusedCategory('169.254.169.254', STRICT)).toBe('metadata');
    expect(refusedCategory('not-an-ip', STRICT)).toBe('reserved');
    expect(describeCategory('shared')).toBe('a carrier-grade NAT (shared) address');
  });

  it('with private addresses allowed (development), still refuses cloud metadata addresses', () => {
    expect(refusedCategory('127.0.0.1', DEV)).toBeUndefined();
    expect(refusedCategory('10.0.0.1', DEV)).toBeUndefined();
    expect(refusedCategory('169.254.169.254', DEV)).toBe('metadata');
    expect(refusedCategory('::ffff:169.254.169.254', DEV)).toBe('metadata');
  });

  it('allows exactly the listed networks, whatever their kind', () => {
    const policy: AddressPolicy = {
      allowPrivate: false,
      allowedNetworks: parseNetworks('127.0.0.2, 10.1.0.0/16, fd00:abcd::/32'),
    };
    expect(refusedCategory('127.0.0.2', policy)).toBeUndefined();
    expect(refusedCategory('127.0.0.1', policy)).toBe('loopback');
    expect(refusedCategory('10.1.255.255', policy)).toBeUndefined();
    expect(refusedCategory('10.2.0.0', policy)).toBe('private');
    expect(refusedCategory('fd00:abcd:1::5', policy)).toBeUndefined();
    expect(refusedCategory('fd00:abce::5', policy)).toBe('private');
  });
});

describe('parseNetworks', () => {
  it('reads addresses and networks of both families', () => {
    expect(parseNetworks('')).toEqual([]);
    expect(parseNetworks(' 10.0.0.0/8 , ::1 ').map((n) => [n.family, n.prefix])).toEqual([
      [4, 8],
      [6, 128],
    ]);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0.0/8/8', '10.0.0.0/x'])('refuses %s', (entry) =>
    expect(() => parseNetworks(entry)).toThrow(entry),
  );
});
