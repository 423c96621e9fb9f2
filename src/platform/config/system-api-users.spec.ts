import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { parseSystemApiUsers, SystemApiUsersError } from './system-api-users.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe("PORTCULLIS_SYSTEMAPIUSERS (ZITADEL's SystemAPIUsers)", () => {
  it('reads KeyData as a base64 PEM (PKIX or PKCS#1) or a key file by Path; no memberships means system owner', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sysusers-')), 'ops.pem');
    writeFileSync(file, pem);
    const users = parseSystemApiUsers(
      JSON.stringify({ a: { KeyData: b64(pem) }, b: { KeyData: b64(pkcs1) }, c: { Path: file } }),
    );
    expect([...users.keys()]).toEqual(['a', 'b', 'c']);
    for (const u of users.values()) {
      expect(u.roles).toEqual(['SYSTEM_OWNER']);
      expect(u.key.asymmetricKeyType).toBe('rsa');
    }
  });

  it('takes the roles of system memberships', () => {
    const users = parseSystemApiUsers({
      v: { KeyData: pem, Memberships: [{ MemberType: 'System', Roles: ['SYSTEM_OWNER_VIEWER'] }] },
    });
    expect(users.get('v')!.roles).toEqual(['SYSTEM_OWNER_VIEWER']);
  });

  it('is empty when unset: the system API then refuses every call', () => {
    expect(parseSystemApiUsers(undefined).size).toBe(0);
    expect(loadConfig({}).systemUsers.size).toBe(0);
  });

  it.each([
    ['not JSON', '{'],
    ['no key', JSON.stringify({ a: {} })],
    ['a key that is no PEM', JSON.stringify({ a: { KeyData: b64('nope') } })],
    ['a missing key file', JSON.stringify({ a: { Path: '/nonexistent/key.pem' } })],
    [
      'a non-RSA key',
      JSON.stringify({
        a: { KeyData: b64(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string) },
      }),
    ],
    [
      'an IAM membership (system users reach the system API only)',
      JSON.stringify({
        a: { KeyData: b64(pem), Memberships: [{ MemberType: 'IAM', AggregateID: '1', Roles: ['IAM_OWNER'] }] },
      }),
    ],
    [
      'an unknown role',
      JSON.stringify({ a: { KeyData: b64(pem), Memberships: [{ MemberType: 'System', Roles: ['GOD'] }] } }),
    ],
    ['an unknown key', JSON.stringify({ a: { KeyData: b64(pem), Keydata: 'x' } })],
  ])('stops the start on %s, naming the variable', (_what, value) => {
    expect(() => parseSystemApiUsers(value)).toThrow(SystemApiUsersError);
    expect(() => loadConfig({ PORTCULLIS_SYSTEMAPIUSERS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PORTCULLIS_SYSTEMAPIUSERS: value })).toThrow(/PORTCULLIS_SYSTEMAPIUSERS/);
  });
});
