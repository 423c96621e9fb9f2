import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { SessionService as SessionServiceV2beta } from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserServiceV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { RATE_LIMITED, nulCharacterAt } from './pipeline.js';

describe('nulCharacterAt', () => {
  it('finds U+0000 in strings, nested messages, oneofs, lists and map keys, by path', () => {
    expect(nulCharacterAt({ $typeName: 'x', userId: 'a\u0000' })).toBe('userId');
    expect(nulCharacterAt({ profile: { givenName: 'ok', familyName: '\u0000' } })).toBe('profile.familyName');
    expect(nulCharacterAt({ queries: [{ query: { case: 'userNameQuery', value: { userName: 'x\u0000' } } }] })).toBe(
      'queries.0.query.value.userName',
    );
    expect(nulCharacterAt({ metadata: { 'k\u0000': 'v' } })).toBe('metadata.k\u0000');
  });

  it('leaves everything else alone, bytes included', () => {
    expect(
      nulCharacterAt({ a: 'plain', b: 1, c: true, d: null, e: new Uint8Array([0]), f: [1n, 'é👍'] }),
    ).toBeUndefined();
  });
});

describe('RATE_LIMITED', () => {
  const key = (service: { typeName: string }, method: string) => `${service.typeName}/${method}`;

  it.each([SessionService, SessionServiceV2beta])(
    'limits the credential checks of %s per IP (v2beta is no way around it)',
    (service) => {
      expect(RATE_LIMITED.get(key(service, 'CreateSession'))).toBe('session');
      expect(RATE_LIMITED.get(key(service, 'SetSession'))).toBe('session');
    },
  );

  it.each([UserService, UserServiceV2beta])('limits the one-time code checks of %s per IP', (service) => {
    for (const method of ['VerifyEmail', 'VerifyPhone', 'SetPassword', 'RegisterPasskey']) {
      expect(service.methods.some((m) => m.name === method)).toBe(true);
      expect(RATE_LIMITED.get(key(service, method))).toBe('code');
    }
  });

  it('names only methods of the v2 contract (a v2beta twin that does not exist never matches)', () => {
    const methods = new Set([SessionService, UserService].flatMap((s) => s.methods.map((m) => key(s, m.name))));
    const unknown = [...RATE_LIMITED.keys()].filter((k) => !methods.has(k.replace('.v2beta.', '.v2.')));
    expect(unknown).toEqual([]);
  });
});
