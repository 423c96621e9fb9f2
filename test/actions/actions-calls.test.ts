import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code } from '@connectrpc/connect';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { DataSource } from 'typeorm';
import { ActionsStore } from '../../src/actions/actions.store.js';
import { client, codeOf, rest } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { deflateRawSync } from 'node:zlib';
import { decodeJwt } from 'jose';
import { eventually } from '../support/receivers.js';
import { oidcWorld, rp, signIn, type OidcWorld } from '../oidc/support.js';
import {
  browserSend,
  passwordSession as samlSession,
  samlApp,
  samlRequestIdOf,
  samlService,
  samlWorld,
  uniqueEntity,
} from '../saml/support.js';
import { bootTestServer, serverForFile } from '../support/test-server.js';

/** Loopback targets are allowed at 127.0.0.1 only, so other loopback addresses show the SSRF guard. */
const server = serverForFile({
  PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32',
  PORTCULLIS_ACTIONS_EVENT_RETRY_SECONDS: '1',
  PORTCULLIS_ACTIONS_EVENT_MAX_ATTEMPTS: '3',
});
const actions = () => client(ActionService, 'grpc', server().baseUrl, server().adminPat);
const users = () => client(UserService, 'grpc', server().baseUrl, server().adminPat);

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: any;
}

/** The targets: records every POST; what it answers depends on the path. */
class Receiver {
  readonly received: Received[] = [];
  /** Per path: the status and body to answer, or a delay before answering 200. */
  readonly answers = new Map<string, (body: any) => { status?: number; body?: unknown; delayMs?: number }>();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw);
        this.received.push({ path: req.url!, headers: req.headers, raw, body });
        const answer = this.answers.get(req.url!)?.(body) ?? {};
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
          res.end(answer.body === undefined ? '{}' : JSON.stringify(answer.body));
        }, answer.delayMs ?? 0).unref();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const receiver = new Receiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

const GET_USER = '/zitadel.user.v2.UserService/GetUserByID';
const ADD_HUMAN = '/zitadel.user.v2.UserService/AddHumanUser';
let n = 0;

async function target(
  path: string,
  kind: 'restWebhook' | 'restCall' | 'restAsync',
  options: { interruptOnError?: boolean; timeoutMs?: number; endpoint?: string } = {},
): Promise<{ id: string; signingKey: string }> {
  const ms = options.timeoutMs ?? 5000;
  return actions().createTarget({
    name: `t-${Date.now()}-${++n}`,
    endpoint: options.endpoint ?? receiver.base + path,
    timeout: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 },
    targetType:
      kind === 'restAsync'
        ? { case: kind, value: {} }
        : { case: kind, value: { interruptOnError: options.interruptOnError ?? false } },
  });
}

type Condition = { conditionType: never };
const api = (
  on: 'request' | 'response',
  c: { case: 'method' | 'service'; value: string } | { case: 'all'; value: true },
): Condition => ({ conditionType: { case: on, value: { condition: c } } as never });
const fn = (name: string): Condition => ({ conditionType: { case: 'function', value: { name } } as never });

/** Sets the execution for the test's duration; it is cleared afterwards so tests do not see each other's. */
async function withExecution<T>(condition: Condition, targets: string[], body: () => Promise<T>): Promise<T> {
  await actions().setExecution({ condition, targets });
  try {
    return await body();
  } finally {
    await actions().setExecution({ condition, targets: [] });
  }
}

function verifySignature(header: string, raw: string, key: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', key).update(`${parts.t}.${raw}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return (
    given.length === expected.length &&
    timingSafeEqual(given, expected) &&
    Math.abs(Date.now() / 1000 - Number(parts.t)) < 60
  );
}

let orgId: string;
let alice: string;
let bob: string;
beforeAll(async () => {
  const make = factories(server());
  orgId = await make.org();
  alice = await make.human(orgId, { username: `alice-${Date.now()}` });
  bob = await make.human(orgId, { username: `bob-${Date.now()}` });
});

describe('request executions (ZITADEL internal/execution, ContextInfoRequest)', () => {
  it('a webhook on the method receives ZITADEL\'s payload, signed with ZITADEL-Signature (HMAC-SHA256 of "t.body")', async () => {
    const hook = await target('/signed', 'restWebhook');
    await withExecution(api('request', { case: 'method', value: GET_USER }), [hook.id], async () => {
      const { user } = await users().getUserByID({ userId: alice });
      expect(user?.userId).toBe(alice);
    });
    const [got] = receiver.at('/signed');
    expect(got.headers['content-type']).toBe('application/json');
    expect(verifySignature(String(got.headers['zitadel-signature']), got.raw, hook.signingKey)).toBe(true);
    expect(verifySignature(String(got.headers['zitadel-signature']), got.raw, 'another key')).toBe(false);
    expect(got.body).toMatchObject({
      fullMethod: GET_USER,
      instanceID: expect.any(String),
      orgID: expect.any(String),
      userID: expect.any(String),
      request: { userId: alice },
    });
  });

  it("the most specific execution runs: the method's over the service's over all; targets run in order", async () => {
    const method1 = await target('/method-1', 'restWebhook');
    const method2 = await target('/method-2', 'restWebhook');
    const service = await target('/service', 'restWebhook');
    await withExecution(api('request', { case: 'service', value: 'zitadel.user.v2.UserService' }), [service.id], () =>
      withExecution(api('request', { case: 'method', value: GET_USER }), [method2.id, method1.id], async () => {
        await users().getUserByID({ userId: alice });
        await users().listUsers({});
      }),
    );
    const order = receiver.received.filter((r) => ['/method-1', '/method-2', '/service'].includes(r.path));
    expect(order.map((r) => [r.path, r.body.fullMethod])).toEqual([
      ['/method-2', GET_USER],
      ['/method-1', GET_USER],
      ['/service', '/zitadel.user.v2.UserService/ListUsers'],
    ]);
  });

  it('a restCall answer replaces the request, on gRPC and REST alike', async () => {
    receiver.answers.set('/swap-user', (body) => ({ body: { ...body.request, userId: bob } }));
    const call = await target('/swap-user', 'restCall', { interruptOnError: true });
    await withExecution(api('request', { case: 'method', value: GET_USER }), [call.id], async () => {
      expect((await users().getUserByID({ userId: alice })).user?.userId).toBe(bob);
      const viaRest = await rest(server().baseUrl, 'GET', `/v2/users/${alice}`, { token: server().adminPat });
      expect(viaRest.body.user.userId).toBe(bob);
    });
  });

  it("a replaced request is validated by the method's own rules: INVALID_ARGUMENT naming the field", async () => {
    receiver.answers.set('/empty-user', (body) => ({ body: { ...body.request, userId: '' } }));
    const call = await target('/empty-user', 'restCall');
    await withExecution(api('request', { case: 'method', value: GET_USER }), [call.id], async () => {
      const err = await users()
        .getUserByID({ userId: alice })
        .catch((e) => e);
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toContain('user_id');
    });
  });

  it('interrupt_on_error: a failing target fails the call with a clear error and nothing is written', async () => {
    receiver.answers.set('/fail', () => ({ status: 500 }));
    const failing = await target('/fail', 'restWebhook', { interruptOnError: true });
    const username = `blocked-${Date.now()}`;
    await withExecution(api('request', { case: 'method', value: ADD_HUMAN }), [failing.id], async () => {
      const err = await users()
        .addHumanUser({
          organization: { org: { case: 'orgId', value: orgId } },
          username,
          profile: { givenName: 'B', familyName: 'L' },
          email: { email: `${username}@example.com` },
        })
        .catch((e) => e);
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(err.rawMessage).toContain(`action target ${failing.id} failed: answered HTTP 500`);
    });
    const rows = await server().app.get(DataSource).query('SELECT 1 FROM users WHERE username = $1', [username]);
    expect(rows).toHaveLength(0);
  });

  it('without interrupt_on_error a failing target is passed over and the call goes on', async () => {
    receiver.answers.set('/fail-quietly', () => ({ status: 503 }));
    const failing = await target('/fail-quietly', 'restWebhook');
    await withExecution(api('request', { case: 'method', value: GET_USER }), [failing.id], async () => {
      expect((await users().getUserByID({ userId: alice })).user?.userId).toBe(alice);
    });
    expect(receiver.at('/fail-quietly')).toHaveLength(1);
  });

  it('a target that does not answer within its timeout fails the call (interrupt_on_error), within about that time', async () => {
    receiver.answers.set('/slow', () => ({ delayMs: 3000 }));
    const slow = await target('/slow', 'restWebhook', { interruptOnError: true, timeoutMs: 300 });
    await withExecution(api('request', { case: 'method', value: GET_USER }), [slow.id], async () => {
      const started = Date.now();
      const err = await users()
        .getUserByID({ userId: alice })
        .catch((e) => e);
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(err.rawMessage).toContain('no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  it('restAsync is fire and forget: the call does not wait for it, the target still receives it', async () => {
    receiver.answers.set('/async', () => ({ delayMs: 1500, status: 500 }));
    const async = await target('/async', 'restAsync');
    await withExecution(api('request', { case: 'method', value: GET_USER }), [async.id], async () => {
      const started = Date.now();
      expect((await users().getUserByID({ userId: alice })).user?.userId).toBe(alice);
      expect(Date.now() - started).toBeLessThan(1000);
    });
    await eventually(() => receiver.at('/async')[0], 'the async target called');
  });

  it('the SSRF guard refuses targets at other loopback addresses and at cloud metadata services', async () => {
    for (const endpoint of ['http://127.0.0.2:9/x', 'http://169.254.169.254/latest']) {
      const guarded = await target('', 'restWebhook', { interruptOnError: true, endpoint });
      await withExecution(api('request', { case: 'method', value: GET_USER }), [guarded.id], async () => {
        const err = await users()
          .getUserByID({ userId: alice })
          .catch((e) => e);
        expect(err.code).toBe(Code.FailedPrecondition);
        expect(err.rawMessage).toMatch(/is a (loopback|cloud metadata service)/);
      });
    }
  });
});

describe('response executions (ZITADEL ContextInfoResponse)', () => {
  it('receive the request and the response; a restCall answer replaces the response', async () => {
    receiver.answers.set('/rename', (body) => ({
      body: { ...body.response, user: { ...body.response.user, username: 'renamed-by-target' } },
    }));
    const call = await target('/rename', 'restCall');
    await withExecution(api('response', { case: 'method', value: GET_USER }), [call.id], async () => {
      const { user } = await users().getUserByID({ userId: alice });
      expect(user?.username).toBe('renamed-by-target');
      expect(user?.userId).toBe(alice);
    });
    const [got] = receiver.at('/rename');
    expect(got.body).toMatchObject({
      fullMethod: GET_USER,
      request: { userId: alice },
      response: { user: { userId: alice } },
    });
  });

  it("an answer that is not the method's message fails the call", async () => {
    receiver.answers.set('/garbage', () => ({ body: { notAField: 1 } }));
    const call = await target('/garbage', 'restCall');
    await withExecution(
      api('response', { case: 'service', value: 'zitadel.user.v2.UserService' }),
      [call.id],
      async () => {
        expect(await codeOf(users().getUserByID({ userId: alice }))).toBe(Code.FailedPrecondition);
      },
    );
  });
});

describe('observability', () => {
  it('counts calls and failures per target on /debug/metrics', async () => {
    receiver.answers.set('/counted-fail', () => ({ status: 500 }));
    const ok = await target('/counted', 'restWebhook');
    const bad = await target('/counted-fail', 'restWebhook');
    await withExecution(api('request', { case: 'method', value: GET_USER }), [ok.id, bad.id], async () => {
      await users().getUserByID({ userId: alice });
      await users().getUserByID({ userId: alice });
    });
    const metrics = await (await fetch(`${server().baseUrl}/debug/metrics`)).text();
    expect(metrics).toContain(`portcullis_action_target_calls_total{target="${ok.id}",result="ok"} 2`);
    expect(metrics).toContain(`portcullis_action_target_calls_total{target="${bad.id}",result="failed"} 2`);
    expect(metrics).toContain(`portcullis_action_target_duration_seconds_count{target="${ok.id}"} 2`);
  });
});

describe('function executions (ZITADEL internal/api/oidc userinfoFlows, internal/api/saml)', () => {
  const LOG = (f: string) => `urn:zitadel:iam:action:function/${f}:log`;
  let world: OidcWorld;
  let config: Awaited<ReturnType<typeof rp>>;
  beforeAll(async () => {
    world = await oidcWorld(server(), { accessTokenType: 'jwt' });
    config = await rp(server(), world.web.clientId, world.web.clientSecret);
  });

  it('preaccesstoken appends claims to JWT access tokens, never reserved ones, logs, and sets user metadata', async () => {
    receiver.answers.set('/preaccesstoken', () => ({
      body: {
        append_claims: [
          { key: 'department', value: 'R&D' },
          { key: 'sub', value: 'someone-else' },
          { key: 'urn:zitadel:iam:user:resourceowner:id', value: 'forged' },
        ],
        append_log_claims: ['checked by the target'],
        set_user_metadata: [{ key: 'last-token', value: Buffer.from('issued').toString('base64') }],
      },
    }));
    const call = await target('/preaccesstoken', 'restCall', { interruptOnError: true });
    const tokens = await withExecution(fn('preaccesstoken'), [call.id], () => signIn(server(), world, config));
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      sub: world.user.id,
      department: 'R&D',
      [LOG('preaccesstoken')]: ['checked by the target'],
    });
    expect(claims['urn:zitadel:iam:user:resourceowner:id']).toBeUndefined();
    const [got] = receiver.at('/preaccesstoken');
    expect(got.body).toMatchObject({ function: 'function/preaccesstoken', user: { id: world.user.id } });
    const [metadata] = await server()
      .app.get(DataSource)
      .query(`SELECT value FROM user_metadata WHERE user_id = $1 AND key = 'last-token'`, [world.user.id]);
    expect(Buffer.from(metadata.value).toString()).toBe('issued');
  });

  it('preuserinfo appends claims to userinfo, the ID token and token introspection (ZITADEL introspect.go runs userinfoFlows); an existing claim stays and is logged', async () => {
    receiver.answers.set('/preuserinfo', () => ({
      body: {
        append_claims: [
          { key: 'favourite_colour', value: 'blue' },
          { key: 'email', value: 'forged@example.com' },
        ],
      },
    }));
    const call = await target('/preuserinfo', 'restCall');
    await withExecution(fn('preuserinfo'), [call.id], async () => {
      const tokens = await signIn(server(), world, config, 'openid email');
      expect(decodeJwt(tokens.id_token!)).toMatchObject({ favourite_colour: 'blue' });
      const res = await fetch(`${server().baseUrl}/oidc/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      const userinfo = await res.json();
      expect(userinfo).toMatchObject({ sub: world.user.id, favourite_colour: 'blue' });
      expect(userinfo.email).not.toBe('forged@example.com');
      expect(userinfo[LOG('preuserinfo')]).toEqual(['key "email" already exists']);

      const introspection = await fetch(`${server().baseUrl}/oauth/v2/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.web.clientId}:${world.web.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      const introspected = await introspection.json();
      expect(introspected).toMatchObject({
        active: true,
        sub: world.user.id,
        client_id: world.web.clientId,
        favourite_colour: 'blue',
        [LOG('preuserinfo')]: ['key "email" already exists'],
      });
      expect(introspected.email).toBe(userinfo.email);
    });
    expect(receiver.at('/preuserinfo')[0].body).toMatchObject({
      function: 'function/preuserinfo',
      userinfo: { sub: world.user.id },
    });
  });

  it("a request target learns the project of the app an OIDC access token was issued to (ZITADEL's ctxData.ProjectID)", async () => {
    const hook = await target('/project', 'restWebhook');
    const tokens = await signIn(server(), world, config, 'openid urn:zitadel:iam:org:project:id:zitadel:aud');
    await withExecution(
      api('request', { case: 'method', value: '/zitadel.auth.v1.AuthService/GetMyUser' }),
      [hook.id],
      async () => {
        expect((await rest(server().baseUrl, 'GET', '/auth/v1/users/me', { token: tokens.access_token })).status).toBe(
          200,
        );
      },
    );
    expect(receiver.at('/project')[0].body).toMatchObject({
      projectID: world.projectId,
      userID: world.user.id,
      orgID: world.orgId,
    });
  });

  it('presamlresponse appends an attribute to the SAML assertion', async () => {
    const saml = await samlWorld(server());
    const entityId = uniqueEntity('actions');
    const acs = entityId.replace(/\/metadata$/, '/acs');
    await samlApp(
      server(),
      saml.projectId,
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acs}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>`,
    );
    const authnRequest = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${Date.now()}" Version="2.0" IssueInstant="${new Date().toISOString()}" AssertionConsumerServiceURL="${acs}"><saml:Issuer>${entityId}</saml:Issuer></samlp:AuthnRequest>`;
    const sent = await browserSend({
      binding: 'redirect',
      url: `${server().baseUrl}/saml/v2/SSO?SAMLRequest=${encodeURIComponent(deflateRawSync(authnRequest).toString('base64'))}`,
    });
    const samlRequestId = samlRequestIdOf(sent.headers.get('location'));
    receiver.answers.set('/presamlresponse', () => ({
      body: {
        append_attribute: [
          { name: 'Department', name_format: '', value: ['R&D'] },
          { name: 'Email', value: ['x'] },
        ],
      },
    }));
    const call = await target('/presamlresponse', 'restCall');
    const answer = await withExecution(fn('presamlresponse'), [call.id], async () =>
      samlService(server(), saml.loginPat).createResponse({
        samlRequestId,
        responseKind: { case: 'session', value: await samlSession(server(), saml.loginPat, saml.user.username) },
      }),
    );
    const xml = Buffer.from((answer.binding.value as { samlResponse: string }).samlResponse, 'base64').toString();
    expect(xml).toMatch(/Name="Department"[^>]*>\s*<saml:AttributeValue[^>]*>R&amp;D</);
    expect(xml).toContain(`${LOG('presamlresponse')}`);
    expect(receiver.at('/presamlresponse')[0].body).toMatchObject({
      function: 'function/presamlresponse',
      user: { id: saml.user.userId },
    });
  });
});

describe('event executions (ZITADEL internal/execution worker, ContextInfoEvent)', () => {
  const event = (condition: { case: 'event' | 'group'; value: string } | { case: 'all'; value: true }): Condition => ({
    conditionType: { case: 'event', value: { condition } } as never,
  });
  const human = (username: string) => ({
    organization: { org: { case: 'orgId' as const, value: orgId } },
    username,
    profile: { givenName: 'Eve', familyName: 'Vent' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified' as const, value: true } },
  });

  it('with nothing queued nothing is due: the worker waits for a notification (or its 5 s poll), it does not poll every 200 ms', async () => {
    const db = server().app.get(DataSource);
    const store = server().app.get(ActionsStore);
    expect((await db.query('SELECT count(*)::int AS n FROM action_event_outbox'))[0].n).toBe(0);
    expect(await store.msUntilNextEventDue(db.manager)).toBeNull();
  });

  it('are delivered after commit, in order per aggregate, and retried until the target comes back', async () => {
    let failures = 2;
    receiver.answers.set('/events', () => (failures-- > 0 ? { status: 503 } : {}));
    const hook = await target('/events', 'restWebhook', { interruptOnError: true });
    await withExecution(event({ case: 'group', value: 'user.human' }), [hook.id], async () => {
      const { userId } = await users().addHumanUser(human(`eve-${Date.now()}`));
      await users().updateHumanUser({ userId, profile: { givenName: 'Evelyn', familyName: 'Vent' } });
      const delivered = await eventually(() => {
        const ok = receiver.at('/events').filter((r) => r.body.aggregateID === userId);
        return ok.some((r) => r.body.event_type === 'user.human.profile.changed') ? ok : undefined;
      }, 'the user events delivered');
      // Two failed attempts of the first event, then every event of the aggregate in sequence order.
      const sequences = delivered.map((r) => r.body.sequence);
      expect(sequences[0]).toBe(sequences[1]);
      expect(sequences[1]).toBe(sequences[2]);
      expect(sequences.slice(2)).toEqual([...sequences.slice(2)].sort((a, b) => a - b));
      expect(delivered[2].body).toMatchObject({
        aggregateType: 'user',
        event_type: 'user.human.added',
        instanceID: expect.any(String),
        resourceOwner: orgId,
      });
      expect(JSON.parse(Buffer.from(delivered[2].body.event_payload, 'base64').toString())).toBeInstanceOf(Object);
      expect(delivered.some((r) => r.body.event_type === 'user.human.profile.changed')).toBe(true);
      expect(
        verifySignature(String(delivered[2].headers['zitadel-signature']), delivered[2].raw, hook.signingKey),
      ).toBe(true);
    });
  }, 20_000);

  it('a rolled-back change queues nothing; an event no target accepts is dropped after the last attempt, with an audit event', async () => {
    receiver.answers.set('/down', () => ({ status: 500 }));
    const down = await target('/down', 'restWebhook', { interruptOnError: true });
    const db = server().app.get(DataSource);
    await withExecution(event({ case: 'event', value: 'user.human.added' }), [down.id], async () => {
      const taken = `taken-${Date.now()}`;
      await users().addHumanUser(human(taken));
      const before = (await db.query('SELECT count(*)::int AS n FROM action_event_outbox'))[0].n;
      expect(await codeOf(users().addHumanUser(human(taken)))).toBe(Code.AlreadyExists);
      expect((await db.query('SELECT count(*)::int AS n FROM action_event_outbox'))[0].n).toBe(before);
      const [dropped] = await eventually(async () => {
        const rows = await db.query(
          `SELECT payload FROM events WHERE aggregate_type = 'execution' AND aggregate_id = 'event/user.human.added'
             AND event_type = 'execution.event.dropped'`,
        );
        return rows.length ? rows : undefined;
      }, 'the drop recorded');
      expect(dropped.payload).toMatchObject({ eventType: 'user.human.added', attempts: 3 });
      expect(receiver.at('/down').length).toBe(3);
    });
  }, 20_000);
});

describe('ActionService itself', () => {
  it('runs no executions, so a target that breaks every response can be taken out again', async () => {
    receiver.answers.set('/break-all', () => ({ status: 500 }));
    const breaking = await target('/break-all', 'restWebhook', { interruptOnError: true });
    await withExecution(api('response', { case: 'all', value: true }), [breaking.id], async () => {
      expect(await codeOf(users().getUserByID({ userId: alice }))).toBe(Code.FailedPrecondition);
      expect((await actions().getTarget({ id: breaking.id })).target?.id).toBe(breaking.id);
    });
    expect((await actions().listExecutionServices({})).services).not.toContain('zitadel.action.v2beta.ActionService');
  });
});

describe('two processes on one database', () => {
  it("a process sees another's execution changes long before its cache's lifetime ends (the change feed drops its cached executions)", async () => {
    const second = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' }, server());
    try {
      const theirs = client(UserService, 'grpc', second.baseUrl, server().adminPat);
      await theirs.getUserByID({ userId: alice }); // its executions are cached now: none
      const hook = await target('/second-process', 'restWebhook');
      await withExecution(api('request', { case: 'method', value: GET_USER }), [hook.id], async () => {
        await eventually(async () => {
          await theirs.getUserByID({ userId: alice });
          return receiver.at('/second-process')[0];
        }, 'the second process calling the target');
      });
      const calls = receiver.at('/second-process').length;
      await eventually(async () => {
        await theirs.getUserByID({ userId: alice });
        return receiver.at('/second-process').length === calls ? true : undefined;
      }, 'the second process dropping the removed execution');
    } finally {
      await second.close();
    }
  }, 30_000);
});
