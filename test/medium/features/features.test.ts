import { generateKeyPairSync } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { SignJWT } from 'jose';
import { Source } from '@zitadel/proto/zitadel/feature/v2/feature_pb.js';
import { FeatureService } from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import { FeatureService as FeatureServiceV2beta } from '@zitadel/proto/zitadel/feature/v2beta/feature_service_pb.js';
import { FeaturesService } from '../../../src/features/features.service.js';
import { DefaultInstanceFeatures1766400000000 } from '../../../src/features/migrations/1766400000000-default-instance-features.js';
import { systemCaller } from '../../../src/platform/rpc/call-context.js';
import { InstanceFeatures } from '../../../src/features/instance-features.js';
import { codeOf } from '../../support/clients.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const operator = generateKeyPairSync('rsa', { modulusLength: 2048 });
const auditor = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pemB64 = (k: typeof operator) =>
  Buffer.from(k.publicKey.export({ type: 'spki', format: 'pem' }) as string).toString('base64');
const { medium, actors } = mediumPermissionFile({
  PORTCULLIS_SYSTEMAPIUSERS: JSON.stringify({
    ops: { KeyData: pemB64(operator) },
    auditor: { KeyData: pemB64(auditor), Memberships: [{ MemberType: 'System', Roles: ['SYSTEM_OWNER_VIEWER'] }] },
  }),
});

/** A system API user's JWT (ZITADEL's SystemAPIUsers): iss = sub = the user, aud = the external URL. */
function systemJwt(user: 'ops' | 'auditor'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: 'http://localhost:8080', iat: now, exp: now + 300 })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(user)
    .setSubject(user)
    .sign(user === 'ops' ? operator.privateKey : auditor.privateKey);
}
const v2 = (token = medium().adminPat) => medium().client(FeatureService, token);
const v2beta = (token = medium().adminPat) => medium().client(FeatureServiceV2beta, token);
const service = () => medium().app.get(FeaturesService);

async function events(instanceId: string, typePrefix: string): Promise<{ event_type: string; payload: unknown }[]> {
  return medium().database.dataSource.query(
    `SELECT event_type, payload FROM events WHERE instance_id = $1 AND event_type LIKE $2 ORDER BY position`,
    [instanceId, `${typePrefix}%`],
  );
}

const system = () => systemCaller(medium().instance, 'test-features');

afterEach(async () => {
  await service().resetInstance(system());
  await service().resetSystem('test');
});

describe('system features: changed by system API users (system.feature.*), read by any authenticated caller (v2)', () => {
  it('a system API user sets them over the API: stored, answered with source SYSTEM, audited as feature.system.<key>.set outside any instance', async () => {
    const ops = v2(await systemJwt('ops'));
    await ops.setSystemFeatures({
      oidcTokenExchange: true,
      loginV2: { required: true, baseUri: 'https://login.example.com/ui' },
    });
    const got = await v2().getSystemFeatures({});
    expect(got.oidcTokenExchange).toMatchObject({ enabled: true, source: Source.SYSTEM });
    expect(got.loginV2).toMatchObject({
      required: true,
      baseUri: 'https://login.example.com/ui',
      source: Source.SYSTEM,
    });
    expect(got.userSchema).toMatchObject({ enabled: false, source: Source.UNSPECIFIED });
    const written: { event_type: string; creator: string }[] = await medium().database.dataSource.query(
      `SELECT event_type, creator FROM events WHERE instance_id = '' AND event_type LIKE 'feature.system.%' ORDER BY position`,
    );
    expect(written).toEqual(
      expect.arrayContaining([
        { event_type: 'feature.system.token_exchange.set', creator: 'ops' },
        { event_type: 'feature.system.login_v2.set', creator: 'ops' },
      ]),
    );
    expect(await events(medium().instance.id, 'feature.system.')).toEqual([]);
  });

  it.each([
    [
      'the instance owner (a PAT is no system credential: UNAUTHENTICATED)',
      async () => medium().adminPat,
      Code.Unauthenticated,
    ],
    ['a SYSTEM_OWNER_VIEWER system user (PERMISSION_DENIED)', () => systemJwt('auditor'), Code.PermissionDenied],
  ])('SetSystemFeatures and ResetSystemFeatures refuse %s', async (_who, token, code) => {
    const t = await token();
    expect(await codeOf(v2(t).setSystemFeatures({ oidcTokenExchange: true }))).toBe(code);
    expect(await codeOf(v2(t).resetSystemFeatures({}))).toBe(code);
    expect((await v2().getSystemFeatures({})).oidcTokenExchange?.source).toBe(Source.UNSPECIFIED);
  });

  it('v2beta GetSystemFeatures needs system.feature.read: a system viewer reads, the instance owner does not', async () => {
    await service().setSystem('test', { userSchema: true });
    const got = await v2beta(await systemJwt('auditor')).getSystemFeatures({});
    expect(got.userSchema).toMatchObject({ enabled: true, source: Source.SYSTEM });
    expect(await codeOf(v2beta().getSystemFeatures({}))).toBe(Code.Unauthenticated);
  });

  it('a system reset drops every system flag and writes feature.system.reset', async () => {
    await service().setSystem('test', { userSchema: true });
    await v2(await systemJwt('ops')).resetSystemFeatures({});
    expect((await v2().getSystemFeatures({})).userSchema).toMatchObject({ enabled: false, source: Source.UNSPECIFIED });
    expect((await events('', 'feature.system.reset')).length).toBeGreaterThan(0);
  });
});

describe('instance features inherit from the system: each flag says the level it came from', () => {
  it('with inheritance an unset instance flag shows the system value (SYSTEM), its own value wins (INSTANCE); without, only its own', async () => {
    await service().setSystem('test', { oidcTokenExchange: true, enableBackChannelLogout: true });
    await v2().setInstanceFeatures({
      enableBackChannelLogout: false,
      loginV2: { required: true, baseUri: '/custom/login' },
    });
    const inherited = await v2().getInstanceFeatures({ inheritance: true });
    expect(inherited.oidcTokenExchange).toMatchObject({ enabled: true, source: Source.SYSTEM });
    expect(inherited.enableBackChannelLogout).toMatchObject({ enabled: false, source: Source.INSTANCE });
    expect(inherited.loginV2).toMatchObject({ required: true, baseUri: '/custom/login', source: Source.INSTANCE });
    expect(inherited.details?.resourceOwner).toBe(medium().instance.id);
    const own = await v2().getInstanceFeatures({ inheritance: false });
    expect(own.oidcTokenExchange).toMatchObject({ enabled: false, source: Source.UNSPECIFIED });
  });

  it('the hot-path reader sees a change at once in this process and after a reset the system value again', async () => {
    const flags = medium().app.get(InstanceFeatures);
    await service().setSystem('test', { oidcTokenExchange: true });
    expect((await flags.of(medium().instance.id)).oidcTokenExchange).toEqual({ value: true, source: 'system' });
    await v2().setInstanceFeatures({ oidcTokenExchange: false });
    expect((await flags.of(medium().instance.id)).oidcTokenExchange).toEqual({ value: false, source: 'instance' });
    await v2().resetInstanceFeatures({});
    expect((await flags.of(medium().instance.id)).oidcTokenExchange).toEqual({ value: true, source: 'system' });
  });

  it('the cache drops an instance entry when another process changes the table (the change feed announces it)', async () => {
    const flags = medium().app.get(InstanceFeatures);
    const id = medium().instance.id;
    expect((await flags.of(id)).userSchema).toBeUndefined();
    await medium().database.dataSource.query(
      `INSERT INTO feature_flags (instance_id, level, flags, sequence, changed_at) VALUES ($1, 'instance', '{"user_schema": true}', 1, now())`,
      [id],
    );
    const deadline = Date.now() + 2_000;
    while (!(await flags.of(id)).userSchema && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await flags.of(id)).userSchema).toEqual({ value: true, source: 'instance' });
  });

  it('a set audits each changed flag as feature.instance.<key>.set; setting the same value again writes nothing', async () => {
    const before = (await events(medium().instance.id, 'feature.instance.')).length;
    const first = await v2().setInstanceFeatures({ oidcTokenExchange: true, loginV2: { required: false } });
    const again = await v2().setInstanceFeatures({ oidcTokenExchange: true });
    const written = (await events(medium().instance.id, 'feature.instance.')).slice(before);
    expect(written).toEqual([
      { event_type: 'feature.instance.token_exchange.set', payload: { value: true } },
      { event_type: 'feature.instance.login_v2.set', payload: { value: { required: false, base_uri: null } } },
    ]);
    expect(again.details?.sequence).toBe(first.details?.sequence);
  });

  it.each([
    ['no flag at all (ZITADEL: no changes)', {}, undefined],
    [
      'a login v2 base URI that is no http(s) URL or path',
      { loginV2: { required: true, baseUri: 'javascript:alert(1)' } },
      'login_v2.base_uri',
    ],
    [
      'a login v2 base URI with credentials',
      { loginV2: { required: true, baseUri: 'https://u:p@login.example.com' } },
      'login_v2.base_uri',
    ],
  ])('a set with %s is INVALID_ARGUMENT and writes nothing', async (_case, req, field) => {
    const before = (await events(medium().instance.id, 'feature.')).length;
    const err = await v2()
      .setInstanceFeatures(req)
      .catch((e: unknown) => e as { code: Code; rawMessage: string });
    expect(err).toMatchObject({ code: Code.InvalidArgument });
    if (field) expect((err as { rawMessage: string }).rawMessage).toContain(field);
    expect((await events(medium().instance.id, 'feature.')).length).toBe(before);
  });

  it('changing instance flags needs iam.feature.write/delete on the instance: an org owner is refused', async () => {
    expect(await codeOf(v2(actors().tokens.ownerA).setInstanceFeatures({ userSchema: true }))).toBe(
      Code.PermissionDenied,
    );
    expect(await codeOf(v2(actors().tokens.ownerA).resetInstanceFeatures({}))).toBe(Code.PermissionDenied);
  });

  it('v2 answers instance flags to any authenticated caller, v2beta only with iam.feature.read', async () => {
    expect(await codeOf(v2(actors().tokens.plainA).getInstanceFeatures({}))).toBe('ok');
    expect(await codeOf(v2beta(actors().tokens.plainA).getInstanceFeatures({}))).toBe(Code.PermissionDenied);
    await v2().setInstanceFeatures({ oidcTokenExchange: true, loginV2: { required: true } });
    const beta = await v2beta().getInstanceFeatures({ inheritance: true });
    expect(beta.oidcTokenExchange).toMatchObject({ enabled: true, source: Source.INSTANCE });
  });

  it('v2beta sets through the same handlers under its own rules', async () => {
    await v2beta().setInstanceFeatures({ userSchema: true });
    expect((await v2().getInstanceFeatures({})).userSchema).toMatchObject({ enabled: true, source: Source.INSTANCE });
  });
});

describe("ZITADEL's DefaultInstance.Features: an instance of an existing deployment gets them once", () => {
  const migrate = async () => {
    const runner = medium().database.dataSource.createQueryRunner();
    try {
      await new DefaultInstanceFeatures1766400000000().up(runner);
    } finally {
      await runner.release();
    }
  };

  it('the migration gives an instance without flags the defaults, keeps a flag it set itself, and running it again changes nothing', async () => {
    await service().resetInstance(system());
    await migrate();
    const defaults = await v2().getInstanceFeatures({});
    expect(defaults.loginDefaultOrg).toMatchObject({ enabled: true, source: Source.INSTANCE });
    expect(defaults.consoleUseV2UserApi).toMatchObject({ enabled: true, source: Source.INSTANCE });

    await v2().setInstanceFeatures({ loginDefaultOrg: false, userSchema: true });
    await migrate();
    const kept = await v2().getInstanceFeatures({});
    expect(kept.loginDefaultOrg).toMatchObject({ enabled: false, source: Source.INSTANCE });
    expect(kept.userSchema).toMatchObject({ enabled: true, source: Source.INSTANCE });
    expect(kept.consoleUseV2UserApi).toMatchObject({ enabled: true, source: Source.INSTANCE });
  });
});

describe('organization and user levels: no flags in the contract, the target and permission still checked', () => {
  it("an org's own owner reads its features; another org's owner finds nothing; a set names no flag", async () => {
    const { orgA, tokens } = actors();
    const got = await v2(tokens.ownerA).getOrganizationFeatures({ organizationId: orgA, inheritance: true });
    expect(got.details?.resourceOwner).toBe(orgA);
    expect(await codeOf(v2(tokens.ownerB).getOrganizationFeatures({ organizationId: orgA }))).toBe(Code.NotFound);
    expect(await codeOf(v2(tokens.ownerB).resetOrganizationFeatures({ organizationId: orgA }))).toBe(Code.NotFound);
    expect(await codeOf(v2(tokens.viewerA).resetOrganizationFeatures({ organizationId: orgA }))).toBe(
      Code.PermissionDenied,
    );
    expect(await codeOf(v2(tokens.ownerA).getOrganizationFeatures({ organizationId: 'no-such-org' }))).toBe(
      Code.NotFound,
    );
    expect(await codeOf(v2(tokens.ownerA).setOrganizationFeatures({ organizationId: orgA }))).toBe(
      Code.InvalidArgument,
    );
  });

  it("a user's features are read by those who may read the user's org; other orgs find nothing", async () => {
    const { userIds, tokens, orgA } = actors();
    const got = await v2(tokens.ownerA).getUserFeatures({ userId: userIds.plainA });
    expect(got.details?.resourceOwner).toBe(orgA);
    expect(await codeOf(v2(tokens.ownerB).getUserFeatures({ userId: userIds.plainA }))).toBe(Code.NotFound);
    expect(await codeOf(v2(tokens.ownerA).resetUserFeatures({ userId: userIds.plainA }))).toBe('ok');
    expect(await codeOf(v2(tokens.ownerA).getUserFeatures({ userId: 'no-such-user' }))).toBe(Code.NotFound);
  });
});
