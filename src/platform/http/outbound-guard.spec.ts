import { isPrivateAddress, privateHostReason } from './outbound-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.20.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
    ['::1', true], ['fd00::1', true], ['fe80::1', true], ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false], ['2001:4860:4860::8888', false], ['not an ip', false],
  ])('%s -> %s', (address, expected) => expect(isPrivateAddress(address)).toBe(expected));

  it('refuses URLs naming loopback by address or name', async () => {
    expect(await privateHostReason(new URL('http://127.0.0.1:8080/x'))).toMatch(/127\.0\.0\.1/);
    expect(await privateHostReason(new URL('http://[::1]/x'))).toMatch(/::1/);
    expect(await privateHostReason(new URL('http://localhost/x'))).toMatch(/non-public/);
  });
});
