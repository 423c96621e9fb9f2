import { Code } from '@connectrpc/connect';
import { project } from '../authorizations/fixtures.js';
import { managementV1, v1Code } from '../support/v1-clients.js';
import { twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

// ZITADEL's Terraform provider (zitadel/terraform-provider-zitadel, the v1 management client of
// its `zitadel/<resource>/funcs.go`): each test replays the calls of create, read, update, read,
// delete and the read that finds the resource gone, call for call and field for field, with the
// org header the provider sets (helper.CtxWithOrgID), and checks what the provider reads back.

let t: TwoOrgs;
/** The provider's client: management v1 with `x-zitadel-orgid` set from the resource's org_id. */
const provider = () => managementV1(t.env.server.baseUrl, t.ownerA, t.orgA);

beforeAll(async () => {
  t = await twoOrgs('terraform');
}, 60_000);
afterAll(() => t?.env.stop());

/** The provider's read after a delete: NotFound means "gone", and the resource leaves the state. */
const gone = async (call: Promise<unknown>) => expect(await v1Code(call)).toBe(Code.NotFound);

/** The provider formats expiration dates with Go's time.RFC3339 (second precision, UTC here). */
const rfc3339 = (d: Date | undefined) => d!.toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('terraform zitadel_human_user (zitadel/human_user/funcs.go, v1 management)', () => {
  it('create, read, update, read, delete, read', async () => {
    const c = provider();
    const userName = unique('tf-human');
    // create: AddHumanUser; display_name not configured, so the provider sets "first last" itself.
    const { userId } = await c.addHumanUser({
      userName,
      profile: { firstName: 'Terra', lastName: 'Form', gender: 0, preferredLanguage: 'en', nickName: 'tf' },
      initialPassword: 'Terraform-Passw0rd!',
      email: { email: `${userName}@example.test`, isEmailVerified: true },
      phone: { phone: '+41791112233', isPhoneVerified: true },
    });
    const read = async () => (await c.getUserByID({ id: userId })).user!;
    let user = await read();
    expect(user).toMatchObject({
      id: userId,
      state: 1, // USER_STATE_ACTIVE
      userName,
      details: { resourceOwner: t.orgA },
      human: {
        profile: {
          firstName: 'Terra',
          lastName: 'Form',
          displayName: 'Terra Form',
          nickName: 'tf',
          preferredLanguage: 'en',
          gender: 0,
        },
        email: { email: `${userName}@example.test`, isEmailVerified: true },
        phone: { phone: '+41791112233', isPhoneVerified: true },
      },
    });
    expect(user.loginNames).toContain(user.preferredLoginName);

    // update: each changed group of attributes is one call, with the whole group.
    const renamed = `${userName}-2`;
    await c.updateUserName({ userId, userName: renamed });
    await c.updateHumanProfile({
      userId,
      firstName: 'Terra',
      lastName: 'Formed',
      nickName: 'tf2',
      displayName: 'Terra Formed',
      preferredLanguage: 'de',
      gender: 2,
    });
    await c.updateHumanEmail({ userId, email: `${renamed}@example.test`, isEmailVerified: true });
    await c.updateHumanPhone({ userId, phone: '+41794445566', isPhoneVerified: false });
    user = await read();
    expect(user).toMatchObject({
      userName: renamed,
      human: {
        profile: {
          lastName: 'Formed',
          nickName: 'tf2',
          displayName: 'Terra Formed',
          preferredLanguage: 'de',
          gender: 2,
        },
        email: { email: `${renamed}@example.test`, isEmailVerified: true },
        phone: { phone: '+41794445566', isPhoneVerified: false },
      },
    });

    await c.removeUser({ id: userId });
    await gone(c.getUserByID({ id: userId }));
  });
});

describe('terraform zitadel_machine_user (zitadel/machine_user/funcs.go, v1 management)', () => {
  it('create with a secret, read, list by username, update removing the secret, delete', async () => {
    const c = provider();
    const userName = unique('tf-machine');
    const { userId } = await c.addMachineUser({
      userName,
      name: 'Terraform bot',
      description: 'applies plans',
      accessTokenType: 0, // ACCESS_TOKEN_TYPE_BEARER, the provider's default
    });
    // with_secret = true
    const secret = await c.generateMachineSecret({ userId });
    expect(secret.clientId).toBe(userName);
    expect(secret.clientSecret).not.toBe('');
    const read = async () => (await c.getUserByID({ id: userId })).user!;
    expect(await read()).toMatchObject({
      state: 1,
      userName,
      details: { resourceOwner: t.orgA },
      machine: { name: 'Terraform bot', description: 'applies plans', accessTokenType: 0, hasSecret: true },
    });
    // The data source zitadel_machine_users: ListUsers with a user name query.
    const listed = await c.listUsers({ queries: [{ userNameQuery: { userName, method: 0 } }] });
    expect(listed.result.map((u) => u.id)).toEqual([userId]);

    await c.updateUserName({ userId, userName: `${userName}-2` });
    await c.updateMachine({ userId, name: 'Terraform bot 2', description: 'plans only', accessTokenType: 1 });
    // with_secret changed to false
    await c.removeMachineSecret({ userId });
    expect(await read()).toMatchObject({
      userName: `${userName}-2`,
      machine: { name: 'Terraform bot 2', description: 'plans only', accessTokenType: 1, hasSecret: false },
    });

    await c.removeUser({ id: userId });
    await gone(c.getUserByID({ id: userId }));
  });
});

describe('terraform zitadel_machine_key (zitadel/machine_key/funcs.go, v1 management)', () => {
  it('create, read, delete, read', async () => {
    const c = provider();
    const { userId } = await c.addMachineUser({ userName: unique('tf-keyed'), name: 'Keyed' });
    const expiration = '2030-01-01T00:00:00Z';
    const added = await c.addMachineKey({ userId, type: 1, expirationDate: new Date(expiration) });
    // key_details is kept as the string of the returned bytes: the key file JSON.
    expect(JSON.parse(Buffer.from(added.keyDetails).toString())).toMatchObject({ keyId: added.keyId, userId });
    const { key } = await c.getMachineKeyByIDs({ userId, keyId: added.keyId });
    expect(key?.id).toBe(added.keyId);
    expect(rfc3339(key?.expirationDate)).toBe(expiration);
    expect(key?.type).toBe(1); // KEY_TYPE_JSON
    await c.removeMachineKey({ userId, keyId: added.keyId });
    await gone(c.getMachineKeyByIDs({ userId, keyId: added.keyId }));
  });
});

describe('terraform zitadel_personal_access_token (zitadel/pat/funcs.go, v1 management)', () => {
  it('create, read, delete, read', async () => {
    const c = provider();
    const { userId } = await c.addMachineUser({ userName: unique('tf-pat'), name: 'PAT holder' });
    const expiration = '2031-06-30T12:00:00Z';
    const added = await c.addPersonalAccessToken({ userId, expirationDate: new Date(expiration) });
    expect(added.token).not.toBe('');
    const { token } = await c.getPersonalAccessTokenByIDs({ userId, tokenId: added.tokenId });
    expect(token?.id).toBe(added.tokenId);
    expect(rfc3339(token?.expirationDate)).toBe(expiration);
    await c.removePersonalAccessToken({ userId, tokenId: added.tokenId });
    await gone(c.getPersonalAccessTokenByIDs({ userId, tokenId: added.tokenId }));
  });
});

describe('terraform zitadel_user_grant (zitadel/user_grant/funcs.go, v1 management)', () => {
  it('create, read, update, read, delete, read', async () => {
    const c = provider();
    const projectId = await project(t.env.server, t.orgA, unique('TF project'), ['viewer', 'editor']);
    const { userId } = await c.addMachineUser({ userName: unique('tf-granted'), name: 'Granted' });
    const { userGrantId } = await c.addUserGrant({ userId, projectGrantId: '', projectId, roleKeys: ['viewer'] });
    const read = async () => (await c.getUserGrantByID({ grantId: userGrantId, userId })).userGrant!;
    expect(await read()).toMatchObject({
      id: userGrantId,
      userId,
      roleKeys: ['viewer'],
      projectId,
      projectGrantId: '',
      details: { resourceOwner: t.orgA },
    });
    await c.updateUserGrant({ grantId: userGrantId, userId, roleKeys: ['viewer', 'editor'] });
    expect((await read()).roleKeys.sort()).toEqual(['editor', 'viewer']);
    await c.removeUserGrant({ grantId: userGrantId, userId });
    await gone(c.getUserGrantByID({ grantId: userGrantId, userId }));
  });
});

describe('terraform zitadel_user_metadata (zitadel/user_metadata/funcs.go, v1 management)', () => {
  it('set, read, set again (update), read, delete, read', async () => {
    const c = provider();
    const { userId } = await c.addMachineUser({ userName: unique('tf-meta'), name: 'Meta' });
    await c.setUserMetadata({ id: userId, key: 'cost-center', value: Buffer.from('4711') });
    const read = async () => Buffer.from((await c.getUserMetadata({ id: userId, key: 'cost-center' })).metadata!.value);
    expect((await read()).toString()).toBe('4711');
    await c.setUserMetadata({ id: userId, key: 'cost-center', value: Buffer.from('4712') });
    expect((await read()).toString()).toBe('4712');
    await c.removeUserMetadata({ id: userId, key: 'cost-center' });
    await gone(c.getUserMetadata({ id: userId, key: 'cost-center' }));
  });
});
