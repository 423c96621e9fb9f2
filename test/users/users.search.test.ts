import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { SearchQuerySchema } from '@zitadel/proto/zitadel/user/v2/query_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client } from '../support/clients.js';

/** 10,000 users with attributes derived from their index, so each filter's count is known. */
const COUNT = 10_000;
const GIVEN = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas'];
const FAMILY = ['Meier', 'Huber', 'Keller', 'Weber', 'Frei', 'Baumann', 'Graf'];
const person = (i: number) => ({
  username: `bulk-${i}`,
  given: GIVEN[i % GIVEN.length],
  family: FAMILY[i % FAMILY.length],
  nick: `n${i % 13}`,
  email: `bulk${i}@ex${i % 3}.com`,
  phone: `+4179${String(i).padStart(7, '0')}`,
  state: i % 5 === 0 ? 'inactive' : 'active',
  type: i % 4 === 0 ? 'machine' : 'human',
});
const expected = (pred: (p: ReturnType<typeof person>, i: number) => boolean) =>
  Array.from({ length: COUNT }, (_, i) => i).filter((i) => pred(person(i), i)).length;

let server: TestServer;
let orgId: string;
let ids: string[];

beforeAll(async () => {
  server = await bootTestServer();
  orgId = (await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Bulk Org' }))
    .id;
  const [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');
  const rows = Array.from({ length: COUNT }, (_, i) => person(i));
  ids = rows.map((_, i) => String(900000000000000000n + BigInt(i)));
  await server.database.dataSource.query(
    `INSERT INTO users (instance_id, id, resource_owner, type, state, username, username_scope, given_name, family_name, nick_name, display_name,
                        email, email_verified, phone, machine_name, created_at, changed_at, sequence)
     SELECT $1, r.id, $2, r.type, r.state, r.username, '', r.given, r.family, r.nick, r.given || ' ' || r.family,
            r.email, true, r.phone, CASE WHEN r.type = 'machine' THEN r.username END,
            now() - (r.n || ' seconds')::interval, now(), 1
       FROM jsonb_to_recordset($3::jsonb) AS r(id text, n int, type text, state text, username text, given text, family text, nick text, email text, phone text)`,
    [instanceId, orgId, JSON.stringify(rows.map((r, i) => ({ ...r, id: ids[i], n: COUNT - i })))],
  );
  await server.database.dataSource.query('ANALYZE users');
}, 120_000);
afterAll(() => server?.close());

type Query = MessageInitShape<typeof SearchQuerySchema>;

async function total(queries: Query[], sortingColumn = 0, limit = 10): Promise<{ total: bigint; names: string[] }> {
  const users = client(UserService, 'connect-h1', server.baseUrl, server.adminPat);
  const res = await users.listUsers({
    query: { limit, asc: true },
    sortingColumn,
    queries: [{ query: { case: 'organizationIdQuery', value: { organizationId: orgId } } }, ...queries],
  });
  return { total: res.details!.totalResult, names: res.result.map((u) => u.username) };
}

describe('ListUsers over 10,000 users', () => {
  it.each<[string, Query[], number]>([
    ['all of the org', [], COUNT],
    ['username equals', [{ query: { case: 'userNameQuery', value: { userName: 'bulk-42', method: 0 } } }], 1],
    [
      'username starts with, ignoring case',
      [{ query: { case: 'userNameQuery', value: { userName: 'BULK-99', method: 3 } } }],
      expected((p) => p.username.startsWith('bulk-99')),
    ],
    [
      'first name',
      [{ query: { case: 'firstNameQuery', value: { firstName: 'Clara', method: 0 } } }],
      expected((p) => p.given === 'Clara'),
    ],
    [
      'last name contains, ignoring case',
      [{ query: { case: 'lastNameQuery', value: { lastName: 'AUM', method: 5 } } }],
      expected((p) => p.family.toLowerCase().includes('aum')),
    ],
    [
      'nick name',
      [{ query: { case: 'nickNameQuery', value: { nickName: 'n7', method: 0 } } }],
      expected((p) => p.nick === 'n7'),
    ],
    [
      'display name ends with',
      [{ query: { case: 'displayNameQuery', value: { displayName: 'Graf', method: 6 } } }],
      expected((p) => p.family === 'Graf'),
    ],
    [
      'email ends with',
      [{ query: { case: 'emailQuery', value: { emailAddress: '@ex1.com', method: 6 } } }],
      expected((_p, i) => i % 3 === 1),
    ],
    [
      'phone starts with',
      [{ query: { case: 'phoneQuery', value: { number: '+4179000012', method: 2 } } }],
      expected((p) => p.phone.startsWith('+4179000012')),
    ],
    [
      'state inactive',
      [{ query: { case: 'stateQuery', value: { state: 2 } } }],
      expected((p) => p.state === 'inactive'),
    ],
    ['type machine', [{ query: { case: 'typeQuery', value: { type: 2 } } }], expected((p) => p.type === 'machine')],
    ['login name', [{ query: { case: 'loginNameQuery', value: { loginName: 'bulk-7', method: 0 } } }], 1],
    [
      'user ids',
      [{ query: { case: 'inUserIdsQuery', value: { userIds: ['900000000000000001', '900000000000000002', '1'] } } }],
      2,
    ],
    [
      'emails',
      [
        {
          query: {
            case: 'inUserEmailsQuery',
            value: { userEmails: ['BULK5@ex2.com', 'bulk6@ex0.com', 'nobody@x.com'] },
          },
        },
      ],
      2,
    ],
    [
      'or of two first names',
      [
        {
          query: {
            case: 'orQuery',
            value: {
              queries: [
                { query: { case: 'firstNameQuery', value: { firstName: 'Anna', method: 0 } } },
                { query: { case: 'firstNameQuery', value: { firstName: 'Ben', method: 0 } } },
              ],
            },
          },
        },
      ],
      expected((p) => p.given === 'Anna' || p.given === 'Ben'),
    ],
    [
      'and of name and state',
      [
        {
          query: {
            case: 'andQuery',
            value: {
              queries: [
                { query: { case: 'firstNameQuery', value: { firstName: 'Eva', method: 0 } } },
                { query: { case: 'stateQuery', value: { state: 1 } } },
              ],
            },
          },
        },
      ],
      expected((p) => p.given === 'Eva' && p.state === 'active'),
    ],
    [
      'not machine',
      [{ query: { case: 'notQuery', value: { query: { query: { case: 'typeQuery', value: { type: 2 } } } } } }],
      expected((p) => p.type !== 'machine'),
    ],
  ])('%s', async (_name, queries, count) => {
    expect((await total(queries)).total).toBe(BigInt(count));
  });

  it('sorts by every column and pages with stable totals', async () => {
    for (let column = 0; column <= 9; column++) {
      const first = await total(
        [{ query: { case: 'firstNameQuery', value: { firstName: 'Hugo', method: 0 } } }],
        column,
        5,
      );
      expect(first.total).toBe(BigInt(expected((p) => p.given === 'Hugo')));
      expect(first.names).toHaveLength(5);
    }
    const byName = await total(
      [{ query: { case: 'userNameQuery', value: { userName: 'bulk-100', method: 2 } } }],
      1,
      3,
    );
    expect(byName.names).toEqual(['bulk-100', 'bulk-1000', 'bulk-1001']);
  });

  it('finds nothing for a deleted state and refuses an undefined one', async () => {
    expect((await total([{ query: { case: 'stateQuery', value: { state: 3 } } }])).total).toBe(0n);
    await expect(total([{ query: { case: 'stateQuery', value: { state: 99 as never } } }])).rejects.toMatchObject({
      code: 3,
    });
  });
});
