import { loadConfig } from '../config/config.js';
import { outboundPolicy } from './outbound.js';

describe('PORTCULLIS_OUTBOUND_ALLOW_PRIVATE', () => {
  it('is false by default: no non-public address is allowed', () => {
    expect(outboundPolicy(loadConfig({}).outboundAllowPrivate)).toEqual({ allowPrivate: false, allowedNetworks: [] });
  });

  it('true allows private addresses (development, tests)', () => {
    expect(outboundPolicy(loadConfig({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' }).outboundAllowPrivate)).toEqual({
      allowPrivate: true,
      allowedNetworks: [],
    });
  });

  it('a list of networks allows just those', () => {
    const policy = outboundPolicy(
      loadConfig({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '10.1.2.0/24, fd00:1::7' }).outboundAllowPrivate,
    );
    expect(policy.allowPrivate).toBe(false);
    expect(policy.allowedNetworks.map((n) => [n.family, n.prefix])).toEqual([
      [4, 24],
      [6, 128],
    ]);
  });

  it.each(['yes', '10.0.0.0/40', 'intranet.example', ','])('refuses %s at boot, naming the variable', (value) => {
    expect(() => loadConfig({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: value })).toThrow(/PORTCULLIS_OUTBOUND_ALLOW_PRIVATE/);
  });
});
