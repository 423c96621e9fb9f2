import { randomBytes } from 'node:crypto';
import { hashToken, MasterKey } from './master-key.js';

describe('MasterKey', () => {
  const key = new MasterKey(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = key.encrypt('seed');
    expect(a).not.toContain('seed');
    expect(a).not.toBe(key.encrypt('seed'));
    expect(key.decrypt(a)).toBe('seed');
  });

  it('refuses a tampered or foreign ciphertext', () => {
    const sealed = key.encrypt('seed');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('xxxx').toString('base64url');
    expect(() => key.decrypt(parts.join('.'))).toThrow();
    expect(() => new MasterKey(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('requires exactly 32 bytes', () => {
    expect(() => MasterKey.fromString('short')).toThrow(/32 bytes/);
  });

  it('hashes tokens deterministically', () => {
    expect(hashToken('a')).toBe(hashToken('a'));
    expect(hashToken('a')).not.toBe(hashToken('b'));
  });
});
