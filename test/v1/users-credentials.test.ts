import { Code } from '@connectrpc/connect';
import { ServiceAccount } from '@zitadel/node/dist/credentials/index.js';
import { createManagementClient, createServiceAccountInterceptor } from '@zitadel/node/dist/api/index.js';
import { MembershipCommands } from '../../src/platform/authz/membership-commands.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { failure, twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

let t: TwoOrgs;
const base = () => t.env.server.baseUrl;
const mgmt = (pat: string, orgId?: string) => managementV1(base(), pat, orgId);

beforeAll(async () => {
  t = await twoOrgs('v1 credentials');
}, 60_000);
afterAll(() => t?.env.stop());

async function machine(pat = t.ownerA) {
  const userName = unique('v1-robot');
  const { userId } = await mgmt(pat).addMachineUser({ userName, name: 'Robot' });
  return { userId, userName };
}

/** Makes a user an ORG_OWNER of its org, as an administrator would (memberships are not this file's subject). */
async function makeOrgOwner(userId: string, orgId: string) {
  const server = t.env.server;
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  await server.app.get(Transactions).run((tx) =>
    server.app.get(MembershipCommands).grant(tx, systemCaller(instance, 'test'), {
      userId,
      level: 'org',
      resourceId: orgId,
      resourceOwner: orgId,
      roles: ['ORG_OWNER'],
    }),
  );
}

describe('management v1 machine keys (ZITADEL management AddMachineKey … RemoveMachineKey)', () => {
  it('AddMachineKey returns the key JSON the SDK signs in with (JWT profile grant)', async () => {
    const { userId } = await machine();
    const added = await mgmt(t.ownerA).addMachineKey({
      userId,
      type: 1,
      expirationDate: new Date(Date.now() + 86_400_000),
    });
    const keyJson = JSON.parse(Buffer.from(added.keyDetails).toString('utf8'));
    expect(keyJson).toMatchObject({ type: 'serviceaccount', keyId: added.keyId, userId });
    await makeOrgOwner(userId, t.orgA);
    // The SDK's own service-account interceptor: discovery, a signed JWT, the token endpoint.
    const asMachine = createManagementClient(
      base().replace(/^http:\/\//, ''),
      createServiceAccountInterceptor(base(), ServiceAccount.fromJson(keyJson), { apiAccess: true }),
    );
    const { user } = await asMachine.getUserByID({ id: userId });
    expect(user?.machine?.name).toBe('Robot');
  });

  it('gets, lists and removes keys; another org finds none of them', async () => {
    const { userId } = await machine();
    const m = mgmt(t.ownerA);
    const expires = new Date(Date.now() + 86_400_000);
    const { keyId } = await m.addMachineKey({ userId, type: 1, expirationDate: expires });
    const { key } = await m.getMachineKeyByIDs({ userId, keyId });
    expect(key).toMatchObject({ id: keyId, type: 1, details: { resourceOwner: t.orgA } });
    expect(Math.abs(key!.expirationDate!.getTime() - expires.getTime())).toBeLessThan(1000);
    const listed = await m.listMachineKeys({ userId });
    expect(listed.result.map((k) => k.id)).toEqual([keyId]);
    expect(Number(listed.details?.totalResult)).toBe(1);

    for (const intruder of [mgmt(t.ownerB), mgmt(t.ownerB, t.orgA)]) {
      expect(await v1Code(intruder.getMachineKeyByIDs({ userId, keyId }))).toBe(Code.NotFound);
      expect(await v1Code(intruder.removeMachineKey({ userId, keyId }))).toBe(Code.NotFound);
    }
    await m.removeMachineKey({ userId, keyId });
    expect(await v1Code(m.getMachineKeyByIDs({ userId, keyId }))).toBe(Code.NotFound);
    expect(await v1Code(m.removeMachineKey({ userId, keyId }))).toBe(Code.NotFound);
  });

  it('refuses an expiration in the past, naming expiration_date', async () => {
    const { userId } = await machine();
    const bad = await failure(mgmt(t.ownerA).addMachineKey({ userId, type: 1, expirationDate: new Date(1000) }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.details).toMatch(/expiration_date/);
  });
});

describe('management v1 personal access tokens and client secrets', () => {
  it('adds a PAT that authenticates, lists and gets it, and removes it', async () => {
    const { userId } = await machine();
    await makeOrgOwner(userId, t.orgA);
    const m = mgmt(t.ownerA);
    const { tokenId, token } = await m.addPersonalAccessToken({ userId });
    expect((await mgmt(token).getUserByID({ id: userId })).user?.id).toBe(userId);
    expect((await m.getPersonalAccessTokenByIDs({ userId, tokenId })).token?.id).toBe(tokenId);
    expect((await m.listPersonalAccessTokens({ userId })).result.map((p) => p.id)).toEqual([tokenId]);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).getPersonalAccessTokenByIDs({ userId, tokenId }))).toBe(Code.NotFound);
    await m.removePersonalAccessToken({ userId, tokenId });
    expect(await v1Code(mgmt(token).getUserByID({ id: userId }))).toBe(Code.Unauthenticated);
    expect(await v1Code(m.getPersonalAccessTokenByIDs({ userId, tokenId }))).toBe(Code.NotFound);
  });

  it('generates a client secret (client id = username) and removes it', async () => {
    const { userId, userName } = await machine();
    const m = mgmt(t.ownerA);
    const secret = await m.generateMachineSecret({ userId });
    expect(secret.clientId).toBe(userName);
    expect(secret.clientSecret.length).toBeGreaterThanOrEqual(32);
    expect((await m.getUserByID({ id: userId })).user?.machine?.hasSecret).toBe(true);
    await m.removeMachineSecret({ userId });
    expect((await m.getUserByID({ id: userId })).user?.machine?.hasSecret).toBe(false);
    expect(await v1Code(m.removeMachineSecret({ userId }))).toBe(Code.FailedPrecondition);
    expect(await v1Code(mgmt(t.ownerB).generateMachineSecret({ userId }))).toBe(Code.NotFound);
  });

  it('REST: POST a PAT, POST _search, DELETE it', async () => {
    const { userId } = await machine();
    const added = await restV1(base(), t.ownerA, 'POST', `/management/v1/users/${userId}/pats`, {});
    expect(added.status).toBe(200);
    const search = await restV1(base(), t.ownerA, 'POST', `/management/v1/users/${userId}/pats/_search`, {});
    expect(search.body.result.map((p: { id: string }) => p.id)).toEqual([added.body.tokenId]);
    const path = `/management/v1/users/${userId}/pats/${added.body.tokenId}`;
    expect((await restV1(base(), t.ownerB, 'DELETE', path)).status).toBe(404);
    expect((await restV1(base(), t.ownerA, 'DELETE', path)).status).toBe(200);
  });
});

describe('management v1 machine access token type (ZITADEL: BEARER opaque, JWT signed)', () => {
  /** A client_credentials token of the machine, with its client secret. */
  async function tokenOf(clientId: string, clientSecret: string): Promise<string> {
    const res = await fetch(`${base()}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'openid',
      }).toString(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }
  const isJwt = (token: string) => token.split('.').length === 3 && JSON.parse(atob(token.split('.')[1])).sub;

  it('a JWT machine gets JWT access tokens; switched to bearer, opaque ones', async () => {
    const m = mgmt(t.ownerA);
    const userName = unique('v1-jwt');
    const { userId } = await m.addMachineUser({ userName, name: 'Signer', accessTokenType: 1 });
    expect((await m.getUserByID({ id: userId })).user?.machine?.accessTokenType).toBe(1);
    const { clientSecret } = await m.generateMachineSecret({ userId });
    expect(isJwt(await tokenOf(userName, clientSecret))).toBe(userId);

    await m.updateMachine({ userId, name: 'Signer', accessTokenType: 0 });
    expect((await m.getUserByID({ id: userId })).user?.machine?.accessTokenType).toBe(0);
    expect((await tokenOf(userName, clientSecret)).split('.').length).not.toBe(3);
  });

  it('refuses an unknown access token type, naming access_token_type', async () => {
    const unknownType: number = 7;
    const bad = await failure(
      mgmt(t.ownerA).addMachineUser({ userName: unique('v1-att'), name: 'X', accessTokenType: unknownType }),
    );
    expect(bad).toMatchObject({ code: Code.InvalidArgument, details: expect.stringMatching(/access_token_type/) });
  });
});

describe('management v1 user metadata (ZITADEL management Set/BulkSet/Get/List/Remove/BulkRemove)', () => {
  it('sets, reads, lists with a key query and removes metadata', async () => {
    const { userId } = await machine();
    const m = mgmt(t.ownerA);
    await m.setUserMetadata({ id: userId, key: 'team', value: Buffer.from('blue') });
    await m.bulkSetUserMetadata({
      id: userId,
      metadata: [
        { key: 'tier', value: Buffer.from('gold') },
        { key: 'team-lead', value: Buffer.from('ada') },
      ],
    });
    const got = await m.getUserMetadata({ id: userId, key: 'team' });
    expect(Buffer.from(got.metadata!.value).toString()).toBe('blue');
    expect(got.metadata?.details?.resourceOwner).toBe(t.orgA);
    const all = await m.listUserMetadata({ id: userId });
    expect(all.result.map((r) => r.key)).toEqual(['team', 'team-lead', 'tier']);
    const teams = await m.listUserMetadata({ id: userId, queries: [{ keyQuery: { key: 'team', method: 2 } }] });
    expect(teams.result.map((r) => r.key)).toEqual(['team', 'team-lead']);

    await m.removeUserMetadata({ id: userId, key: 'team' });
    expect(await v1Code(m.getUserMetadata({ id: userId, key: 'team' }))).toBe(Code.NotFound);
    await m.bulkRemoveUserMetadata({ id: userId, keys: ['tier', 'team-lead'] });
    expect((await m.listUserMetadata({ id: userId })).result).toEqual([]);
  });

  it('refuses empty values and other orgs', async () => {
    const { userId } = await machine();
    const bad = await failure(mgmt(t.ownerA).setUserMetadata({ id: userId, key: 'k', value: Buffer.alloc(0) }));
    expect(bad.code).toBe(Code.InvalidArgument);
    for (const intruder of [mgmt(t.ownerB), mgmt(t.ownerB, t.orgA)]) {
      expect(await v1Code(intruder.setUserMetadata({ id: userId, key: 'k', value: Buffer.from('v') }))).toBe(
        Code.NotFound,
      );
      expect(await v1Code(intruder.listUserMetadata({ id: userId }))).toBe(Code.NotFound);
    }
  });

  it('REST: POST, GET and DELETE /users/{id}/metadata/{key} (bytes as base64)', async () => {
    const { userId } = await machine();
    const path = `/management/v1/users/${userId}/metadata/colour`;
    const value = Buffer.from('green').toString('base64');
    expect((await restV1(base(), t.ownerA, 'POST', path, { value })).status).toBe(200);
    const got = await restV1(base(), t.ownerA, 'GET', path);
    expect(got.body.metadata).toMatchObject({ key: 'colour', value });
    expect((await restV1(base(), t.ownerA, 'DELETE', path)).status).toBe(200);
    expect((await restV1(base(), t.ownerA, 'GET', path)).status).toBe(404);
  });
});
