import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { TimestampFilterMethod } from '@zitadel/proto/zitadel/filter/v2/filter_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { KeyFieldName } from '@zitadel/proto/zitadel/user/v2/key_pb.js';
import { PersonalAccessTokenFieldName } from '@zitadel/proto/zitadel/user/v2/pat_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { BadRequestSchema } from '../../../src/gen/google/rpc/error_details_pb.js';
import { eventually } from '../../support/receivers.js';
import { client, rest, type TransportName, codeOf } from '../../support/clients.js';
import { machineWithRoles } from '../../support/principals.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';

type Users = ReturnType<typeof client<typeof UserService>>;

let server: TestServer;
let orgA: string;
let orgB: string;
let ownerA: string;
let ownerB: string;
let viewerA: string;
let plainA: { userId: string; pat: string };

const inAnHour = () => timestampFromDate(new Date(Date.now() + 3600_000));

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Credentials Org A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Credentials Org B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
  viewerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER_VIEWER'] })).pat;
  // No user permissions at all: may only act on itself.
  plainA = await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_USER_SELF_MANAGER'] });
});
afterAll(() => server?.close());

let n = 0;
async function machineInA(): Promise<string> {
  const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { id } = await admin.createUser({
    organizationId: orgA,
    username: `cred-machine-${Date.now()}-${n++}`,
    userType: { case: 'machine', value: { name: 'Credentials machine' } },
  });
  return id;
}

async function humanInA(): Promise<string> {
  const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { userId } = await admin.addHumanUser({
    username: `cred-human-${Date.now()}-${n++}`,
    organization: { org: { case: 'orgId', value: orgA } },
    profile: { givenName: 'Cred', familyName: 'Human' },
    email: { email: 'cred@example.com', verification: { case: 'isVerified', value: true } },
  });
  return userId;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected the call to fail');
}

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
  server.database.dataSource.query(text, params);

describe.each<TransportName>(['grpc', 'connect-h1'])('personal access tokens over %s', (transportName) => {
  it('returns a token once that authenticates API calls until it is removed', async () => {
    const userId = await machineInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const added = await owner.addPersonalAccessToken({ userId, expirationDate: inAnHour() });
    expect(added.tokenId).toMatch(/^\d{18}$/);
    expect(added.token.length).toBeGreaterThanOrEqual(40);
    expect(added.creationDate).toBeDefined();

    // Stored only as its hash, never in an event.
    const [row] = await sql<{ token_hash: string }>('SELECT token_hash FROM personal_access_tokens WHERE id = $1', [
      added.tokenId,
    ]);
    expect(row.token_hash).toBe(createHash('sha256').update(added.token).digest('base64url'));
    const leaks = await sql('SELECT 1 FROM events WHERE payload::text LIKE $1', [`%${added.token}%`]);
    expect(leaks).toHaveLength(0);

    // The machine user calls the API with it (listing its own tokens needs no role).
    const asMachine = client(UserService, transportName, server.baseUrl, added.token);
    const own = await asMachine.listPersonalAccessTokens({});
    expect(own.result.map((t) => t.id)).toEqual([added.tokenId]);

    const removed = await owner.removePersonalAccessToken({ userId, tokenId: added.tokenId });
    expect(removed.deletionDate).toBeDefined();
    expect((await failure(asMachine.listPersonalAccessTokens({}))).code).toBe(Code.Unauthenticated);
    expect((await failure(owner.removePersonalAccessToken({ userId, tokenId: added.tokenId }))).code).toBe(
      Code.NotFound,
    );

    const types = await sql<{ event_type: string }>(
      `SELECT event_type FROM events WHERE aggregate_id = $1 AND event_type LIKE 'user.personal.access.token.%' ORDER BY sequence`,
      [userId],
    );
    expect(types.map((e) => e.event_type)).toEqual([
      'user.personal.access.token.added',
      'user.personal.access.token.removed',
    ]);
  });

  it('refuses an expiration in the past and human users', async () => {
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const past = await failure(
      owner.addPersonalAccessToken({
        userId: await machineInA(),
        expirationDate: timestampFromDate(new Date(Date.now() - 1000)),
      }),
    );
    expect(past.code).toBe(Code.InvalidArgument);
    expect(past.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual(['expiration_date']);
    const human = await failure(owner.addPersonalAccessToken({ userId: await humanInA(), expirationDate: inAnHour() }));
    expect(human.code).toBe(Code.FailedPrecondition);
  });
});

describe('personal access tokens', () => {
  it('stops authenticating when it expires', async () => {
    const userId = await machineInA();
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    const { token, tokenId } = await owner.addPersonalAccessToken({
      userId,
      expirationDate: timestampFromDate(new Date(Date.now() + 60_000)),
    });
    const asMachine = client(UserService, 'grpc', server.baseUrl, token);
    expect(await codeOf(asMachine.listPersonalAccessTokens({}))).toBe('ok');
    // Plain SQL reaches the PAT cache through the change feed's notification, a moment later.
    await sql(`UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [tokenId]);
    await eventually(
      async () => ((await codeOf(asMachine.listPersonalAccessTokens({}))) === Code.Unauthenticated ? true : undefined),
      'the expired PAT to be refused',
      3_000,
    );
  });

  it('can be added and removed over the REST paths of newer ZITADEL releases', async () => {
    const userId = await machineInA();
    const added = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/pats`, {
      token: ownerA,
      body: { expirationDate: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ tokenId: expect.any(String), token: expect.any(String) });
    const removed = await rest(server.baseUrl, 'DELETE', `/v2/users/${userId}/pats/${added.body.tokenId}`, {
      token: ownerA,
    });
    expect(removed.status).toBe(200);
  });
});

describe.each<TransportName>(['grpc', 'connect-binary-h1'])('keys over %s', (transportName) => {
  it('generates an RSA key pair: ZITADEL key file with the private key, only the public key stored', async () => {
    const userId = await machineInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const expiration = new Date(Date.now() + 86_400_000);
    expiration.setUTCMilliseconds(0);
    const added = await owner.addKey({ userId, expirationDate: timestampFromDate(expiration) });
    const file = JSON.parse(Buffer.from(added.keyContent).toString('utf8'));
    expect(Object.keys(file)).toEqual(['type', 'keyId', 'key', 'expirationDate', 'userId']);
    expect(file).toMatchObject({
      type: 'serviceaccount',
      keyId: added.keyId,
      userId,
      expirationDate: expiration.toISOString().replace('.000Z', 'Z'),
    });
    expect(file.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);

    const [row] = await sql<{ public_key: string }>('SELECT public_key FROM machine_keys WHERE id = $1', [added.keyId]);
    expect(row.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const stored = createPublicKey(row.public_key);
    expect(stored.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The handed-out private key is the stored public key's other half.
    const signature = sign('sha256', Buffer.from('jwt-profile-assertion'), createPrivateKey(file.key));
    expect(verify('sha256', Buffer.from('jwt-profile-assertion'), stored, signature)).toBe(true);
    expect(createPublicKey(createPrivateKey(file.key)).export({ type: 'spki', format: 'pem' })).toBe(row.public_key);
    // Nothing secret anywhere else.
    const leaks = await sql('SELECT 1 FROM events WHERE payload::text LIKE $1', ['%PRIVATE KEY%']);
    expect(leaks).toHaveLength(0);
  });

  it('stores a supplied public key and returns a key file without a private key', async () => {
    const userId = await machineInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const added = await owner.addKey({ userId, expirationDate: inAnHour(), publicKey: Buffer.from(pem) });
    const file = JSON.parse(Buffer.from(added.keyContent).toString('utf8'));
    expect(file).toEqual({ type: 'serviceaccount', keyId: added.keyId, expirationDate: expect.any(String), userId });
    const [row] = await sql<{ public_key: string }>('SELECT public_key FROM machine_keys WHERE id = $1', [added.keyId]);
    expect(row.public_key).toBe(pem);
  });

  it('refuses a public key that is not a PEM RSA public key, naming public_key', async () => {
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const err = await failure(
      owner.addKey({ userId: await machineInA(), expirationDate: inAnHour(), publicKey: Buffer.from('ssh-rsa AAAA') }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual(['public_key']);
  });

  it('removes a key once; a second time it is NOT_FOUND', async () => {
    const userId = await machineInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const { keyId } = await owner.addKey({ userId, expirationDate: inAnHour() });
    expect((await owner.removeKey({ userId, keyId })).deletionDate).toBeDefined();
    expect(await sql('SELECT 1 FROM machine_keys WHERE id = $1', [keyId])).toHaveLength(0);
    expect((await failure(owner.removeKey({ userId, keyId }))).code).toBe(Code.NotFound);
    expect((await failure(owner.addKey({ userId: await humanInA(), expirationDate: inAnHour() }))).code).toBe(
      Code.FailedPrecondition,
    );
  });
});

describe.each<TransportName>(['grpc', 'connect-h2'])('client secrets over %s', (transportName) => {
  it('returns the secret once, stores its hash, replaces it and removes it', async () => {
    const userId = await machineInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const hasSecret = async () =>
      (
        await sql<{ has: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM machine_secrets s WHERE s.instance_id = u.instance_id AND s.user_id = u.id) AS has FROM users u WHERE u.id = $1`,
          [userId],
        )
      )[0].has;
    expect(await hasSecret()).toBe(false);

    const first = await owner.addSecret({ userId });
    expect(first.clientSecret.length).toBeGreaterThanOrEqual(40);
    expect(first.creationDate).toBeDefined();
    expect(await hasSecret()).toBe(true);
    const [row] = await sql<{ secret_hash: string }>('SELECT secret_hash FROM machine_secrets WHERE user_id = $1', [
      userId,
    ]);
    expect(row.secret_hash).not.toContain(first.clientSecret);
    expect(row.secret_hash).toBe(createHash('sha256').update(first.clientSecret).digest('base64url'));

    const second = await owner.addSecret({ userId });
    expect(second.clientSecret).not.toBe(first.clientSecret);
    expect(await sql('SELECT 1 FROM machine_secrets WHERE user_id = $1', [userId])).toHaveLength(1);
    const leaks = await sql('SELECT 1 FROM events WHERE payload::text LIKE $1 OR payload::text LIKE $2', [
      `%${first.clientSecret}%`,
      `%${second.clientSecret}%`,
    ]);
    expect(leaks).toHaveLength(0);

    expect((await owner.removeSecret({ userId })).deletionDate).toBeDefined();
    expect(await hasSecret()).toBe(false);
    expect((await failure(owner.removeSecret({ userId }))).code).toBe(Code.FailedPrecondition);
    expect((await failure(owner.addSecret({ userId: await humanInA() }))).code).toBe(Code.FailedPrecondition);

    const types = await sql<{ event_type: string }>(
      `SELECT event_type FROM events WHERE aggregate_id = $1 AND event_type LIKE 'user.machine.secret.%' ORDER BY sequence`,
      [userId],
    );
    expect(types.map((e) => e.event_type)).toEqual([
      'user.machine.secret.set',
      'user.machine.secret.set',
      'user.machine.secret.removed',
    ]);
  });
});

describe('listing tokens and keys', () => {
  let listed: string;
  let tokenIds: string[];
  let keyIds: string[];
  const expirations = [3, 1, 2].map((days) => new Date(Date.now() + days * 86_400_000));

  beforeAll(async () => {
    listed = await machineInA();
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    tokenIds = [];
    for (const at of expirations)
      tokenIds.push(
        (await owner.addPersonalAccessToken({ userId: listed, expirationDate: timestampFromDate(at) })).tokenId,
      );
    keyIds = [];
    for (const at of expirations.slice(0, 2))
      keyIds.push((await owner.addKey({ userId: listed, expirationDate: timestampFromDate(at) })).keyId);
  });

  const byUser = () => [{ filter: { case: 'userIdFilter' as const, value: { id: listed } } }];

  it('lists with totals, pagination and the newest first by default', async () => {
    const owner = client(UserService, 'connect-h1', server.baseUrl, ownerA);
    const all = await owner.listPersonalAccessTokens({ filters: byUser() });
    expect(all.pagination?.totalResult).toBe(3n);
    expect(all.pagination?.appliedLimit).toBe(100n);
    expect(all.result.map((t) => t.id)).toEqual([...tokenIds].reverse());
    expect(all.result[0]).toMatchObject({ userId: listed, organizationId: orgA });
    expect(all.result[0].expirationDate).toBeDefined();

    const firstPage = await owner.listPersonalAccessTokens({ filters: byUser(), pagination: { limit: 2, asc: true } });
    expect(firstPage.pagination?.totalResult).toBe(3n);
    expect(firstPage.result.map((t) => t.id)).toEqual(tokenIds.slice(0, 2));
    const secondPage = await owner.listPersonalAccessTokens({
      filters: byUser(),
      pagination: { limit: 2, offset: 2n, asc: true },
    });
    expect(secondPage.result.map((t) => t.id)).toEqual(tokenIds.slice(2));

    const keys = await owner.listKeys({ filters: [{ filter: { case: 'userIdFilter', value: { id: listed } } }] });
    expect(keys.pagination?.totalResult).toBe(2n);
    expect(keys.result.map((k) => k.id).sort()).toEqual([...keyIds].sort());
  });

  it('sorts by expiration and filters by id, org and timestamps', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    const sorted = await owner.listPersonalAccessTokens({
      filters: byUser(),
      sortingColumn: PersonalAccessTokenFieldName.EXPIRATION_DATE,
      pagination: { asc: true },
    });
    expect(sorted.result.map((t) => t.id)).toEqual([tokenIds[1], tokenIds[2], tokenIds[0]]);

    const one = await owner.listPersonalAccessTokens({
      filters: [{ filter: { case: 'tokenIdFilter', value: { id: tokenIds[2] } } }],
    });
    expect(one.result.map((t) => t.id)).toEqual([tokenIds[2]]);

    const later = await owner.listPersonalAccessTokens({
      filters: [
        ...byUser(),
        {
          filter: {
            case: 'expirationDateFilter',
            value: { timestamp: timestampFromDate(expirations[2]), method: TimestampFilterMethod.AFTER_OR_EQUALS },
          },
        },
      ],
    });
    expect(later.result.map((t) => t.id).sort()).toEqual([tokenIds[0], tokenIds[2]].sort());

    const before = await owner.listPersonalAccessTokens({
      filters: [
        ...byUser(),
        {
          filter: {
            case: 'createdDateFilter',
            value: {
              timestamp: timestampFromDate(new Date(Date.now() - 3600_000)),
              method: TimestampFilterMethod.BEFORE,
            },
          },
        },
      ],
    });
    expect(before.pagination?.totalResult).toBe(0n);

    const inOrg = await owner.listKeys({
      filters: [
        { filter: { case: 'organizationIdFilter', value: { id: orgA } } },
        { filter: { case: 'keyIdFilter', value: { id: keyIds[0] } } },
      ],
      sortingColumn: KeyFieldName.KEY_EXPIRATION_DATE,
    });
    expect(inOrg.result.map((k) => k.id)).toEqual([keyIds[0]]);
  });

  it('refuses a limit above the maximum and an empty filter', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    expect((await failure(owner.listPersonalAccessTokens({ pagination: { limit: 5000 } }))).code).toBe(
      Code.InvalidArgument,
    );
    const empty = await failure(owner.listKeys({ filters: [{}] }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual(['filters[0].filter']);
  });

  it("shows other orgs' owners and plain users none of them, and a machine user its own", async () => {
    const asOwnerB = client(UserService, 'grpc', server.baseUrl, ownerB);
    expect((await asOwnerB.listPersonalAccessTokens({ filters: byUser() })).pagination?.totalResult).toBe(0n);
    expect((await asOwnerB.listKeys({ filters: byUser() })).pagination?.totalResult).toBe(0n);
    const asPlain = client(UserService, 'grpc', server.baseUrl, plainA.pat);
    expect((await asPlain.listPersonalAccessTokens({ filters: byUser() })).pagination?.totalResult).toBe(0n);
    const own = await asPlain.listPersonalAccessTokens({});
    expect(own.result.every((t) => t.userId === plainA.userId)).toBe(true);
    expect(own.result.length).toBeGreaterThan(0);
    // user.read is enough to list.
    const asViewer = client(UserService, 'grpc', server.baseUrl, viewerA);
    expect((await asViewer.listPersonalAccessTokens({ filters: byUser() })).pagination?.totalResult).toBe(3n);
  });
});

/** Every machine credential command, as a call on a machine user (with what it needs set up). */
const COMMANDS: [string, (u: Users, userId: string) => Promise<unknown>][] = [
  ['AddPersonalAccessToken', (u, userId) => u.addPersonalAccessToken({ userId, expirationDate: inAnHour() })],
  [
    'RemovePersonalAccessToken',
    async (u, userId) => {
      const { tokenId } = await client(UserService, 'grpc', server.baseUrl, ownerA).addPersonalAccessToken({
        userId,
        expirationDate: inAnHour(),
      });
      return u.removePersonalAccessToken({ userId, tokenId });
    },
  ],
  ['AddKey', (u, userId) => u.addKey({ userId, expirationDate: inAnHour() })],
  [
    'RemoveKey',
    async (u, userId) => {
      const { keyId } = await client(UserService, 'grpc', server.baseUrl, ownerA).addKey({
        userId,
        expirationDate: inAnHour(),
      });
      return u.removeKey({ userId, keyId });
    },
  ],
  ['AddSecret', (u, userId) => u.addSecret({ userId })],
  [
    'RemoveSecret',
    async (u, userId) => {
      await client(UserService, 'grpc', server.baseUrl, ownerA).addSecret({ userId });
      return u.removeSecret({ userId });
    },
  ],
];

describe('machine credential permissions', () => {
  it.each(COMMANDS)("%s: allowed for the owner of the user's org", async (_name, call) => {
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, ownerA), await machineInA()))).toBe('ok');
  });

  it.each(COMMANDS)("%s: NOT_FOUND for another org's owner, as if the user did not exist", async (_name, call) => {
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, ownerB), await machineInA()))).toBe(
      Code.NotFound,
    );
  });

  it.each(COMMANDS)('%s: denied for a plain machine user on someone else', async (_name, call) => {
    const code = await codeOf(call(client(UserService, 'connect-h1', server.baseUrl, plainA.pat), await machineInA()));
    expect([Code.NotFound, Code.PermissionDenied]).toContain(code);
  });

  it.each(COMMANDS)('%s: PERMISSION_DENIED for a viewer who may read the user', async (_name, call) => {
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, viewerA), await machineInA()))).toBe(
      Code.PermissionDenied,
    );
  });

  it.each(COMMANDS)('%s: allowed for the machine user on itself (self-service, as ZITADEL)', async (_name, call) => {
    const self = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, self.pat), self.userId))).toBe('ok');
  });

  it('answers NOT_FOUND for a user id that does not exist', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    expect(await codeOf(owner.addSecret({ userId: '999999999999999999' }))).toBe(Code.NotFound);
  });

  it('refuses anonymous calls with UNAUTHENTICATED', async () => {
    const anonymous = client(UserService, 'grpc', server.baseUrl);
    expect(await codeOf(anonymous.addSecret({ userId: await machineInA() }))).toBe(Code.Unauthenticated);
    expect(await codeOf(anonymous.listKeys({}))).toBe(Code.Unauthenticated);
  });
});
