import { create, toJson } from '@bufbuild/protobuf';
import { SearchQuerySchema, UserSchema } from '@zitadel/proto/zitadel/user_pb.js';
import type { UserView } from './users.queries.js';
import { userFilterV1, userV1 } from './users-v1.mapper.js';

const created = new Date('2026-01-01T10:00:00Z');
const changed = new Date('2026-01-02T10:00:00Z');

function view(over: Partial<UserView>): UserView {
  return {
    id: 'u1',
    resourceOwner: 'org1',
    type: 'human',
    state: 'active',
    username: 'ada',
    loginNames: ['ada@acme.example', 'ada@other.example'],
    preferredLoginName: 'ada@acme.example',
    givenName: 'Ada',
    familyName: 'Lovelace',
    nickName: null,
    displayName: 'Ada L.',
    preferredLanguage: 'en',
    gender: 1,
    email: 'ada@acme.example',
    emailVerified: true,
    phone: null,
    phoneVerified: false,
    passwordChangeRequired: false,
    passwordChangedAt: changed,
    mfaInitSkippedAt: null,
    machineName: null,
    machineDescription: null,
    machineAccessTokenType: null,
    hasSecret: false,
    createdAt: created,
    changedAt: changed,
    sequence: 7n,
    ...over,
  };
}

/** The JSON a v1 client reads, so the test speaks the wire names (userName, isEmailVerified …). */
const json = (u: UserView) => toJson(UserSchema, create(UserSchema, userV1(u)));

describe('userV1', () => {
  it('maps a human to zitadel.user.v1.User with its profile, email and phone', () => {
    expect(json(view({}))).toEqual({
      id: 'u1',
      details: {
        sequence: '7',
        creationDate: '2026-01-01T10:00:00Z',
        changeDate: '2026-01-02T10:00:00Z',
        resourceOwner: 'org1',
      },
      state: 'USER_STATE_ACTIVE',
      userName: 'ada',
      loginNames: ['ada@acme.example', 'ada@other.example'],
      preferredLoginName: 'ada@acme.example',
      human: {
        profile: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          displayName: 'Ada L.',
          preferredLanguage: 'en',
          gender: 'GENDER_FEMALE',
        },
        email: { email: 'ada@acme.example', isEmailVerified: true },
        phone: {},
        passwordChanged: '2026-01-02T10:00:00Z',
      },
    });
  });

  it('maps a machine with its name, description and secret presence', () => {
    const m = json(view({ type: 'machine', machineName: 'ci', machineDescription: 'deploys', hasSecret: true }));
    expect(m.machine).toEqual({ name: 'ci', description: 'deploys', hasSecret: true });
    const jwt = json(view({ type: 'machine', machineName: 'ci', machineAccessTokenType: 'jwt' }));
    expect(jwt.machine).toMatchObject({ accessTokenType: 'ACCESS_TOKEN_TYPE_JWT' });
    expect(m.human).toBeUndefined();
  });

  it('numbers the initial state 6 as v1 does (v2 says 5)', () => {
    expect(json(view({ state: 'initial' })).state).toBe('USER_STATE_INITIAL');
    expect(create(UserSchema, userV1(view({ state: 'initial' }))).state).toBe(6);
    expect(json(view({ state: 'locked' })).state).toBe('USER_STATE_LOCKED');
    expect(json(view({ state: 'inactive' })).state).toBe('USER_STATE_INACTIVE');
  });
});

describe('userFilterV1', () => {
  const q = (init: object) => create(SearchQuerySchema, init);

  it('reads v1 state numbers: 6 is initial, 5 (suspend) is refused naming the field', () => {
    expect(userFilterV1(q({ query: { case: 'stateQuery', value: { state: 6 } } }), 'queries[0]')).toEqual({
      kind: 'state',
      state: 'initial',
    });
    expect(() => userFilterV1(q({ query: { case: 'stateQuery', value: { state: 5 } } }), 'queries[0]')).toThrow(
      /queries\[0\]\.state_query\.state/,
    );
  });

  it('passes v1 numbers down nested and/not queries', () => {
    const nested = q({
      query: {
        case: 'andQuery',
        value: {
          queries: [
            { query: { case: 'notQuery', value: { query: { query: { case: 'stateQuery', value: { state: 6 } } } } } },
          ],
        },
      },
    });
    expect(userFilterV1(nested, 'queries[0]')).toEqual({
      kind: 'and',
      filters: [{ kind: 'not', filter: { kind: 'state', state: 'initial' } }],
    });
  });

  it('maps a text query with its method', () => {
    expect(
      userFilterV1(q({ query: { case: 'userNameQuery', value: { userName: 'ad', method: 2 } } }), 'queries[0]'),
    ).toEqual({ kind: 'text', field: 'username', match: 'startsWith', value: 'ad' });
  });
});
