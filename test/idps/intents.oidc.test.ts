import { parseUpstreamState } from '../../src/idps/intent-rules.js';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { DataSource } from 'typeorm';
import type { IdpConfig } from '../../src/idps/idp-config.js';
import { INTENT_ERRORS } from '../../src/idps/intents.errors.js';
import { IntentsService } from '../../src/idps/intents.service.js';
import { isError } from '../../src/platform/errors/domain-error.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client, codeOf } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { otherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { Browser, forgeIdTokensFor, signInUpstream, startUpstream, type Upstream } from './upstream.js';

const SUCCESS = 'https://app.example.com/idp/success?keep=1';
const FAILURE = 'https://app.example.com/idp/failure';

let server: TestServer;
let upstream: Upstream;
let instanceId: string;
let orgId: string;
let users: Client<typeof UserService>;
let callbackUrl: string;

beforeAll(async () => {
  upstream = await startUpstream();
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' });
  callbackUrl = `${server.baseUrl}/idps/callback`;
  const client_ = (client_id: string) => ({
    client_id,
    client_secret: `${client_id}-secret`,
    redirect_uris: [callbackUrl],
    token_endpoint_auth_method: 'client_secret_post' as const,
  });
  upstream.configure([client_('oidc-client'), client_('pkce-client'), client_('forged-client')]);
  forgeIdTokensFor(upstream, 'forged-client');
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  instanceId = instance.id;
  orgId = instance.defaultOrgId!;
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

const oidcConfig = (overrides: Partial<Extract<IdpConfig, { kind: 'oidc' }>> = {}): IdpConfig => ({
  kind: 'oidc',
  issuer: upstream.issuer,
  clientId: 'oidc-client',
  scopes: ['openid', 'profile', 'email'],
  isIdTokenMapping: false,
  usePkce: false,
  ...overrides,
});

async function oidcProvider(overrides: Partial<Extract<IdpConfig, { kind: 'oidc' }>> = {}, orgOwner?: string) {
  const config = oidcConfig(overrides);
  const clientId = (config as { clientId: string }).clientId;
  return insertIdpTemplate(server, {
    instanceId,
    orgId: orgOwner ?? null,
    config,
    secrets: { clientSecret: `${clientId}-secret` },
  });
}

async function startIntent(idpId: string): Promise<{ intentId: string; state: string; authUrl: string }> {
  const res = await users.startIdentityProviderIntent({
    idpId,
    content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
  });
  if (res.nextStep.case !== 'authUrl') throw new Error(`expected an authUrl, got ${res.nextStep.case}`);
  const state = new URL(res.nextStep.value).searchParams.get('state')!;
  return { intentId: parseUpstreamState(state).intentId, state, authUrl: res.nextStep.value };
}

/** Start → upstream sign-in → /idps/callback → where the callback sends the browser. */
async function roundTrip(idpId: string, opts: { login?: string; abort?: boolean } = {}) {
  const started = await startIntent(idpId);
  const browser = new Browser();
  const arrival = await signInUpstream(browser, started.authUrl, callbackUrl, opts);
  const back = await browser.fetch(
    arrival.url,
    arrival.method === 'POST' ? { method: 'POST', body: arrival.form } : undefined,
  );
  expect(back.status).toBe(302);
  return { ...started, arrival, redirect: new URL(back.headers.get('location')!), browser };
}

describe('sign-in intents through a generic OIDC provider', () => {
  it('round trip without PKCE: authUrl carries state and nonce, the callback redirects with id and token, Retrieve reads the userinfo profile', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id, { login: 'alice' });
    const auth = new URL(trip.authUrl);
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    expect(auth.searchParams.has('code_challenge')).toBe(false);
    expect(auth.searchParams.get('redirect_uri')).toBe(callbackUrl);

    expect(trip.redirect.origin + trip.redirect.pathname).toBe('https://app.example.com/idp/success');
    expect(trip.redirect.searchParams.get('keep')).toBe('1');
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
    expect(trip.redirect.searchParams.has('user')).toBe(false);
    const token = trip.redirect.searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);

    const got = await users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token });
    expect(got.userId).toBe('');
    expect(got.idpInformation?.idpId).toBe(idp.id);
    expect(got.idpInformation?.userId).toBe('alice');
    expect(got.idpInformation?.userName).toBe('alice-user');
    expect(got.idpInformation?.rawInformation).toMatchObject({ sub: 'alice', nickname: 'from-userinfo' });
    expect(got.idpInformation?.access.case).toBe('oauth');
    if (got.idpInformation?.access.case === 'oauth') {
      expect(got.idpInformation.access.value.accessToken.length).toBeGreaterThan(10);
      expect(got.idpInformation.access.value.idToken?.split('.')).toHaveLength(3);
    }
    // ZITADEL prefills AddHumanUser from the mapped profile when no user is linked.
    expect(got.addHumanUser?.username).toBe('alice-user');
    expect(got.addHumanUser?.profile).toMatchObject({
      givenName: 'alice',
      familyName: 'Example',
      displayName: 'alice Example',
    });
    expect(got.addHumanUser?.email?.email).toBe('alice@upstream.example');
    expect(got.addHumanUser?.email?.verification).toEqual({ case: 'isVerified', value: true });
    expect(got.addHumanUser?.idpLinks).toEqual([
      expect.objectContaining({ idpId: idp.id, userId: 'alice', userName: 'alice-user' }),
    ]);

    // As ZITADEL, reading the result does not use it up.
    const again = await users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token });
    expect(again.idpInformation?.userId).toBe('alice');
  });

  it('round trip with PKCE: the challenge is sent and the upstream, which requires it, accepts the verifier', async () => {
    const idp = await oidcProvider({ clientId: 'pkce-client', usePkce: true });
    const trip = await roundTrip(idp.id, { login: 'bob' });
    const auth = new URL(trip.authUrl);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: trip.intentId,
      idpIntentToken: trip.redirect.searchParams.get('token')!,
    });
    expect(got.idpInformation?.userId).toBe('bob');
  });

  it('a callback with a guessed intent id (ids are ordered) neither fails nor finishes the sign-in: the state carries a secret only the upstream was given (beyond ZITADEL, whose state is the id)', async () => {
    const idp = await oidcProvider();
    const started = await startIntent(idp.id);
    expect(started.state.startsWith(`${started.intentId}.`)).toBe(true);
    for (const state of [started.intentId, `${started.intentId}.guessed-secret`]) {
      const forged = await fetch(`${callbackUrl}?state=${encodeURIComponent(state)}&error=access_denied`, {
        redirect: 'manual',
      });
      expect(forged.status).toBeGreaterThanOrEqual(400);
      expect(forged.headers.get('location')).toBeNull();
    }
    const [row] = await server.database.dataSource.query(`SELECT state FROM idp_intents WHERE id = $1`, [
      started.intentId,
    ]);
    expect(row.state).toBe('started');

    const browser = new Browser();
    const arrival = await signInUpstream(browser, started.authUrl, callbackUrl, { login: 'carol' });
    const back = await browser.fetch(arrival.url);
    const redirect = new URL(back.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe('https://app.example.com/idp/success');
    expect(redirect.searchParams.get('id')).toBe(started.intentId);
  });

  it('the same client without PKCE is refused by that upstream: the failure URL gets the error', async () => {
    const idp = await oidcProvider({ clientId: 'pkce-client', usePkce: false });
    const started = await startIntent(idp.id);
    const browser = new Browser();
    const arrival = await signInUpstream(browser, started.authUrl, callbackUrl);
    const back = await browser.fetch(arrival.url);
    const redirect = new URL(back.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe(FAILURE);
    expect(redirect.searchParams.get('id')).toBe(started.intentId);
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
  });

  it("an ID token whose signature does not verify with the issuer's keys fails the intent", async () => {
    const idp = await oidcProvider({ clientId: 'forged-client' });
    const trip = await roundTrip(idp.id);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(FAILURE);
    expect(trip.redirect.searchParams.get('error')).toBe(INTENT_ERRORS.upstreamFailed);
  });

  it('with ID-token mapping the profile comes from the ID token, not the userinfo endpoint', async () => {
    const idp = await oidcProvider({ isIdTokenMapping: true });
    const trip = await roundTrip(idp.id, { login: 'carol' });
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: trip.intentId,
      idpIntentToken: trip.redirect.searchParams.get('token')!,
    });
    expect(got.idpInformation?.rawInformation).toMatchObject({ sub: 'carol', nickname: 'from-id-token' });
    expect(got.idpInformation?.userName).toBe('carol-user');
  });

  it('an upstream identity linked to a user: the success URL and Retrieve name the user, no AddHumanUser is suggested', async () => {
    const idp = await oidcProvider();
    const userId = await factories(server).human(orgId);
    await server.app.get(DataSource).query(
      `INSERT INTO idp_links (instance_id, idp_id, external_user_id, external_user_name, user_id, created_at)
         VALUES ($1, $2, 'dave', 'dave', $3, now())`,
      [instanceId, idp.id, userId],
    );
    const trip = await roundTrip(idp.id, { login: 'dave' });
    expect(trip.redirect.searchParams.get('user')).toBe(userId);
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: trip.intentId,
      idpIntentToken: trip.redirect.searchParams.get('token')!,
    });
    expect(got.userId).toBe(userId);
    expect(got.addHumanUser).toBeUndefined();
  });

  it('the user cancels upstream (access_denied): the failure URL gets id, error and error_description; nothing to retrieve', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id, { abort: true });
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(FAILURE);
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
    expect(trip.redirect.searchParams.get('error')).toBe('access_denied');
    expect(trip.redirect.searchParams.get('error_description')).toBe('End-User aborted interaction');
    expect(
      await codeOf(users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: 'x' })),
    ).toBe(Code.InvalidArgument);
  });

  it('a callback for an intent that already finished goes to the failure URL (ZITADEL: Errors.Intent.NotStarted)', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id);
    const replay = await trip.browser.fetch(trip.arrival.url);
    const redirect = new URL(replay.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe(FAILURE);
    expect(redirect.searchParams.get('error')).toBe(INTENT_ERRORS.intentNotStarted);
  });

  it('a browser that comes back after the started intent expired goes to the failure URL', async () => {
    const idp = await oidcProvider();
    const started = await startIntent(idp.id);
    const browser = new Browser();
    const arrival = await signInUpstream(browser, started.authUrl, callbackUrl);
    await server.app
      .get(DataSource)
      .query(`UPDATE idp_intents SET expires_at = now() - interval '1 second' WHERE instance_id = $1 AND id = $2`, [
        instanceId,
        started.intentId,
      ]);
    const back = await browser.fetch(arrival.url);
    const redirect = new URL(back.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe(FAILURE);
    expect(redirect.searchParams.get('error')).toBe(INTENT_ERRORS.intentExpired);
  });

  it('a callback without state or for an unknown intent answers 400', async () => {
    expect((await fetch(`${callbackUrl}?code=x`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${callbackUrl}?code=x&state=nope`, { redirect: 'manual' })).status).toBe(400);
  });

  it("a wrong token, an empty token and another intent's token are refused alike (INVALID_ARGUMENT)", async () => {
    const idp = await oidcProvider();
    const a = await roundTrip(idp.id);
    const b = await roundTrip(idp.id);
    const tokenB = b.redirect.searchParams.get('token')!;
    for (const idpIntentToken of ['wrong', '', tokenB]) {
      expect(await codeOf(users.retrieveIdentityProviderIntent({ idpIntentId: a.intentId, idpIntentToken }))).toBe(
        Code.InvalidArgument,
      );
    }
    expect(await codeOf(users.retrieveIdentityProviderIntent({ idpIntentId: 'missing', idpIntentToken: tokenB }))).toBe(
      Code.InvalidArgument,
    );
  });

  it('a session check consumes the intent once (ZITADEL: idpintent.consumed); then Retrieve and a second check refuse it', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id, { login: 'erin' });
    const token = trip.redirect.searchParams.get('token')!;
    const intents = server.app.get(IntentsService);
    const txs = server.app.get(Transactions);
    const consumed = await txs.run((tx) => intents.consumeForSession(tx, instanceId, trip.intentId, token));
    expect(consumed).toMatchObject({ idpId: idp.id, externalUserId: 'erin' });
    expect(consumed.userId).toBeUndefined();
    expect(Date.now() - consumed.succeededAt.getTime()).toBeLessThan(60_000);

    const second = await txs
      .run((tx) => intents.consumeForSession(tx, instanceId, trip.intentId, token))
      .catch((e) => e);
    expect(isError(second, INTENT_ERRORS.intentNotSucceeded)).toBe(true);
    const err = await users
      .retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token })
      .catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.FailedPrecondition);
    const events: { event_type: string }[] = await server.app
      .get(DataSource)
      .query(`SELECT event_type FROM events WHERE instance_id = $1 AND aggregate_id = $2 ORDER BY sequence`, [
        instanceId,
        trip.intentId,
      ]);
    expect(events.map((e) => e.event_type)).toEqual(['idpintent.started', 'idpintent.succeeded', 'idpintent.consumed']);
  });

  it('an expired intent is refused by Retrieve and by a session check, and the sweeper removes it', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id);
    const token = trip.redirect.searchParams.get('token')!;
    const db = server.app.get(DataSource);
    await db.query(
      `UPDATE idp_intents SET expires_at = now() - interval '1 second' WHERE instance_id = $1 AND id = $2`,
      [instanceId, trip.intentId],
    );
    expect(
      await codeOf(users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token })),
    ).toBe(Code.FailedPrecondition);
    const intents = server.app.get(IntentsService);
    const err = await server.app
      .get(Transactions)
      .run((tx) => intents.consumeForSession(tx, instanceId, trip.intentId, token))
      .catch((e) => e);
    expect(isError(err, INTENT_ERRORS.intentExpired)).toBe(true);
    expect(await intents.sweep()).toBeGreaterThanOrEqual(1);
    const left = await db.query(`SELECT 1 FROM idp_intents WHERE instance_id = $1 AND id = $2`, [
      instanceId,
      trip.intentId,
    ]);
    expect(left).toHaveLength(0);
  });

  it('the token stored is a hash, and the upstream tokens and profile are sealed', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id, { login: 'frank' });
    const token = trip.redirect.searchParams.get('token')!;
    const [row]: { token_hash: string; information: string }[] = await server.app
      .get(DataSource)
      .query(`SELECT token_hash, information FROM idp_intents WHERE instance_id = $1 AND id = $2`, [
        instanceId,
        trip.intentId,
      ]);
    expect(row.token_hash).not.toContain(token);
    expect(row.information.startsWith('v1.')).toBe(true);
    expect(row.information).not.toContain('frank');
  });

  it('discovery and the keys are fetched once for several sign-ins (a cache per process, safe to lose)', async () => {
    const idp = await oidcProvider();
    await roundTrip(idp.id);
    const discovery = upstream.hits.get('/.well-known/openid-configuration') ?? 0;
    const jwks = upstream.hits.get('/jwks') ?? 0;
    const tokens = upstream.hits.get('/token') ?? 0;
    expect(discovery).toBeGreaterThan(0);
    expect(jwks).toBeGreaterThan(0);
    await roundTrip(idp.id);
    await roundTrip(idp.id);
    expect(upstream.hits.get('/token')).toBe(tokens + 2);
    expect(upstream.hits.get('/.well-known/openid-configuration')).toBe(discovery);
    expect(upstream.hits.get('/jwks') ?? 0).toBe(jwks);
  });

  it("an org's provider may start an intent too: ZITADEL looks providers up by id in the instance alone", async () => {
    const idp = await oidcProvider({}, orgId);
    const trip = await roundTrip(idp.id, { login: 'gina' });
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
  });

  it('refuses a missing or inactive provider (FAILED_PRECONDITION), bad URLs (INVALID_ARGUMENT) and anonymous callers', async () => {
    const start = (idpId: string, successUrl = SUCCESS, failureUrl = FAILURE, as = users) =>
      codeOf(as.startIdentityProviderIntent({ idpId, content: { case: 'urls', value: { successUrl, failureUrl } } }));
    expect(await start('no-such-idp')).toBe(Code.FailedPrecondition);
    const idp = await oidcProvider();
    expect(await start(idp.id, '/relative')).toBe(Code.InvalidArgument);
    expect(await start(idp.id, SUCCESS, 'javascript:alert(1)')).toBe(Code.InvalidArgument);
    expect(await start(idp.id, SUCCESS, FAILURE, client(UserService, 'grpc', server.baseUrl))).toBe(
      Code.Unauthenticated,
    );
    await server.app
      .get(DataSource)
      .query(`UPDATE idp_templates SET state = 'inactive' WHERE instance_id = $1 AND id = $2`, [instanceId, idp.id]);
    expect(await start(idp.id)).toBe(Code.FailedPrecondition);
    // An issuer that does not answer discovery: the provider is at fault, not the call.
    const unreachable = await insertIdpTemplate(server, {
      instanceId,
      config: oidcConfig({ issuer: 'http://127.0.0.1:1/nothing' }),
      secrets: { clientSecret: 'x' },
    });
    expect(await start(unreachable.id)).toBe(Code.FailedPrecondition);
  });

  it('another instance neither sees the provider, nor the intent, nor takes its callback', async () => {
    const idp = await oidcProvider();
    const trip = await roundTrip(idp.id);
    const other = await otherInstance(server);
    const otherUsers = client(UserService, 'grpc', other.baseUrl, other.adminPat);
    const token = trip.redirect.searchParams.get('token')!;
    expect(
      await codeOf(otherUsers.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token })),
    ).toBe(Code.InvalidArgument);
    expect(
      await codeOf(
        otherUsers.startIdentityProviderIntent({
          idpId: idp.id,
          content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
    // The first instance's callback, replayed on the other instance's host, finds no intent there.
    const started = await startIntent(idp.id);
    const arrival = await signInUpstream(new Browser(), started.authUrl, callbackUrl);
    const onOther = await fetch(arrival.url.replace(server.baseUrl, other.baseUrl), { redirect: 'manual' });
    expect(onOther.status).toBe(400);
  });

  it('v2beta serves the same intents through the bridge', async () => {
    const { UserService: UserServiceBeta } = await import('@zitadel/proto/zitadel/user/v2beta/user_service_pb.js');
    const beta = client(UserServiceBeta, 'connect-h1', server.baseUrl, server.adminPat);
    const idp = await oidcProvider();
    const res = await beta.startIdentityProviderIntent({
      idpId: idp.id,
      content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
    });
    expect(res.nextStep.case).toBe('authUrl');
  });
});
