import { Code } from '@connectrpc/connect';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { TargetFieldName } from '@zitadel/proto/zitadel/action/v2beta/query_pb.js';
import { DataSource } from 'typeorm';
import { client, codeOf, rest } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { otherInstance } from '../support/instances.js';
import { serverForFile } from '../support/test-server.js';

const server = serverForFile();
const actions = () => client(ActionService, 'grpc', server().baseUrl, server().adminPat);
let n = 0;
const webhook = (overrides: Record<string, unknown> = {}) => ({
  name: `hook-${Date.now()}-${++n}`,
  endpoint: 'http://127.0.0.1:9/hook',
  timeout: { seconds: 5n, nanos: 0 },
  targetType: { case: 'restWebhook' as const, value: { interruptOnError: true } },
  ...overrides,
});
const GET_USER = '/zitadel.user.v2.UserService/GetUserByID';

describe('targets (ZITADEL action_v2_target.go)', () => {
  it('CreateTarget returns the id and a signing key, which GetTarget returns too; the row holds it sealed', async () => {
    const created = await actions().createTarget(webhook());
    expect(created.signingKey).toMatch(/^[0-9a-f]{64}$/);
    const { target } = await actions().getTarget({ id: created.id });
    expect(target).toMatchObject({
      id: created.id,
      endpoint: 'http://127.0.0.1:9/hook',
      signingKey: created.signingKey,
      timeout: { seconds: 5n },
      targetType: { case: 'restWebhook', value: { interruptOnError: true } },
    });
    const [row] = await server()
      .app.get(DataSource)
      .query('SELECT signing_key FROM action_targets WHERE id = $1', [created.id]);
    expect(row.signing_key).toMatch(/^v1\./);
    expect(row.signing_key).not.toContain(created.signingKey);
  });

  it('UpdateTarget changes what it names and rotates the signing key only when expiration_signing_key is set', async () => {
    const created = await actions().createTarget(webhook());
    const plain = await actions().updateTarget({ id: created.id, endpoint: 'https://example.com/new' });
    expect(plain.signingKey).toBeUndefined();
    const rotated = await actions().updateTarget({
      id: created.id,
      targetType: { case: 'restAsync', value: {} },
      expirationSigningKey: { seconds: 0n, nanos: 0 },
    });
    expect(rotated.signingKey).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.signingKey).not.toBe(created.signingKey);
    const { target } = await actions().getTarget({ id: created.id });
    expect(target).toMatchObject({
      endpoint: 'https://example.com/new',
      signingKey: rotated.signingKey,
      targetType: { case: 'restAsync' },
    });
    const events = await server()
      .app.get(DataSource)
      .query(`SELECT event_type FROM events WHERE aggregate_type = 'target' AND aggregate_id = $1 ORDER BY sequence`, [
        created.id,
      ]);
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'target.added',
      'target.changed',
      'target.changed',
    ]);
  });

  it('refuses a second target of the same name (ZITADEL unique constraint): ALREADY_EXISTS', async () => {
    const first = webhook();
    await actions().createTarget(first);
    expect(await codeOf(actions().createTarget({ ...first }))).toBe(Code.AlreadyExists);
  });

  it.each([
    ['no target type', { targetType: { case: undefined } }, 'target_type'],
    ['a zero timeout (Errors.Target.NoTimeout)', { timeout: { seconds: 0n, nanos: 0 } }, 'timeout'],
    ['a relative endpoint', { endpoint: '/hook' }, 'endpoint'],
    ['an endpoint of another scheme', { endpoint: 'ftp://example.com/x' }, 'endpoint'],
    ['a timeout over 270s (the contract)', { timeout: { seconds: 271n, nanos: 0 } }, 'timeout'],
  ])('refuses %s with INVALID_ARGUMENT naming the field, writing nothing', async (_label, overrides, field) => {
    const body = webhook(overrides);
    const err = await actions()
      .createTarget(body)
      .catch((e) => e);
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(field);
    const rows = await server().app.get(DataSource).query('SELECT 1 FROM action_targets WHERE name = $1', [body.name]);
    expect(rows).toHaveLength(0);
  });

  it('DeleteTarget deletes and takes the target out of executions; a missing one answers OK without a date', async () => {
    const a = await actions().createTarget(webhook());
    const b = await actions().createTarget(webhook());
    await actions().setExecution({
      condition: { conditionType: { case: 'request', value: { condition: { case: 'method', value: GET_USER } } } },
      targets: [a.id, b.id],
    });
    const deleted = await actions().deleteTarget({ id: a.id });
    expect(deleted.deletionDate).toBeDefined();
    expect(await codeOf(actions().getTarget({ id: a.id }))).toBe(Code.NotFound);
    const { executions } = await actions().listExecutions({
      filters: [{ filter: { case: 'targetFilter', value: { targetId: b.id } } }],
    });
    expect(executions.map((e) => e.targets)).toEqual([[b.id]]);
    expect((await actions().deleteTarget({ id: a.id })).deletionDate).toBeUndefined();
    await actions().setExecution({
      condition: { conditionType: { case: 'request', value: { condition: { case: 'method', value: GET_USER } } } },
      targets: [],
    });
  });

  it('ListTargets filters by name and ids, sorts, pages, and answers the total', async () => {
    const prefix = `list-${Date.now()}`;
    const ids = [];
    for (const suffix of ['b', 'a', 'c'])
      ids.push((await actions().createTarget(webhook({ name: `${prefix}-${suffix}` }))).id);
    const named = await actions().listTargets({
      filters: [{ filter: { case: 'targetNameFilter', value: { targetName: prefix, method: 2 } } }],
      sortingColumn: TargetFieldName.NAME,
      pagination: { asc: true, limit: 2, offset: 0n },
    });
    expect(named.pagination?.totalResult).toBe(3n);
    expect(named.targets.map((t) => t.name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    const byIds = await actions().listTargets({
      filters: [{ filter: { case: 'inTargetIdsFilter', value: { targetIds: [ids[2]] } } }],
    });
    expect(byIds.targets.map((t) => t.id)).toEqual([ids[2]]);
  });
});

describe('executions (ZITADEL action_v2_execution.go)', () => {
  const method = (value: string) => ({
    conditionType: { case: 'request' as const, value: { condition: { case: 'method' as const, value } } },
  });

  it('SetExecution stores the targets in order; ListExecutions shows the condition back; empty targets remove it', async () => {
    const a = await actions().createTarget(webhook());
    const b = await actions().createTarget(webhook());
    const set = await actions().setExecution({ condition: method(GET_USER), targets: [b.id, a.id] });
    expect(set.setDate).toBeDefined();
    const listed = await actions().listExecutions({
      filters: [{ filter: { case: 'inConditionsFilter', value: { conditions: [method(GET_USER)] } } }],
    });
    expect(listed.executions).toHaveLength(1);
    expect(listed.executions[0].targets).toEqual([b.id, a.id]);
    expect(listed.executions[0].condition?.conditionType).toMatchObject({
      case: 'request',
      value: { condition: { case: 'method', value: GET_USER } },
    });
    await actions().setExecution({ condition: method(GET_USER), targets: [] });
    const after = await actions().listExecutions({
      filters: [{ filter: { case: 'inConditionsFilter', value: { conditions: [method(GET_USER)] } } }],
    });
    expect(after.executions).toHaveLength(0);
  });

  it('event and function conditions read back as set, and the execution type filter finds them', async () => {
    const t = await actions().createTarget(webhook());
    const conditions = [
      { event: { group: 'user.human' } },
      { event: { event: 'org.added' } },
      { event: { all: true } },
      { function: { name: 'preuserinfo' } },
    ];
    for (const condition of conditions) {
      const put = await rest(server().baseUrl, 'PUT', '/v2beta/actions/executions', {
        token: server().adminPat,
        body: { condition, targets: [t.id] },
      });
      expect(put.status).toBe(200);
    }
    const listed = await rest(server().baseUrl, 'POST', '/v2beta/actions/executions/search', {
      token: server().adminPat,
      body: {
        filters: [
          { executionTypeFilter: { executionType: 'EXECUTION_TYPE_EVENT' } },
          { targetFilter: { targetId: t.id } },
        ],
      },
    });
    expect(listed.body.executions.map((e: { condition: unknown }) => e.condition)).toEqual(
      expect.arrayContaining(conditions.filter((c) => 'event' in c)),
    );
    expect(listed.body.executions).toHaveLength(3);
    const bad = await rest(server().baseUrl, 'PUT', '/v2beta/actions/executions', {
      token: server().adminPat,
      body: { condition: { event: { event: 'Not An Event' } }, targets: [t.id] },
    });
    expect(bad.status).toBe(404);
    await actions().deleteTarget({ id: t.id });
    const gone = await actions().listExecutions({
      filters: [{ filter: { case: 'targetFilter', value: { targetId: t.id } } }],
    });
    expect(gone.executions).toHaveLength(0);
  });

  it('refuses a method, service or function the server does not know (Errors.Execution.ConditionInvalid: NOT_FOUND)', async () => {
    const t = await actions().createTarget(webhook());
    expect(
      await codeOf(actions().setExecution({ condition: method('/zitadel.user.v2.UserService/Nope'), targets: [t.id] })),
    ).toBe(Code.NotFound);
    expect(
      await codeOf(
        actions().setExecution({
          condition: {
            conditionType: { case: 'response', value: { condition: { case: 'service', value: 'nope.Service' } } },
          },
          targets: [t.id],
        }),
      ),
    ).toBe(Code.NotFound);
    expect(
      await codeOf(
        actions().setExecution({
          condition: { conditionType: { case: 'function', value: { name: 'nofunction' } } },
          targets: [t.id],
        }),
      ),
    ).toBe(Code.NotFound);
  });

  it('refuses an unknown target (Errors.Target.NotFound) and a condition without a kind (INVALID_ARGUMENT)', async () => {
    expect(await codeOf(actions().setExecution({ condition: method(GET_USER), targets: ['404'] }))).toBe(Code.NotFound);
    const err = await actions()
      .setExecution({ condition: { conditionType: { case: undefined } }, targets: [] })
      .catch((e) => e);
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain('condition');
  });

  it("the discovery methods list implemented methods and services and ZITADEL's functions, to any authenticated caller", async () => {
    const { methods } = await actions().listExecutionMethods({});
    expect(methods).toContain(GET_USER);
    expect(methods).not.toContain('/zitadel.resources.user.v3alpha.ZITADELUsers/CreateUser');
    const { services } = await actions().listExecutionServices({});
    expect(services).toContain('zitadel.user.v2.UserService');
    const { functions } = await actions().listExecutionFunctions({});
    expect(functions).toEqual(['preuserinfo', 'preaccesstoken', 'presamlresponse']);
  });

  it("is served on ZITADEL's REST paths", async () => {
    const created = await rest(server().baseUrl, 'POST', '/v2beta/actions/targets', {
      token: server().adminPat,
      body: {
        name: `rest-${Date.now()}`,
        endpoint: 'http://127.0.0.1:9/x',
        timeout: '3s',
        restCall: { interruptOnError: false },
      },
    });
    expect(created.status).toBe(200);
    const got = await rest(server().baseUrl, 'GET', `/v2beta/actions/targets/${created.body.id}`, {
      token: server().adminPat,
    });
    expect(got.body.target).toMatchObject({ id: created.body.id, timeout: '3s', restCall: {} });
    const put = await rest(server().baseUrl, 'PUT', '/v2beta/actions/executions', {
      token: server().adminPat,
      body: { condition: { response: { service: 'zitadel.user.v2.UserService' } }, targets: [created.body.id] },
    });
    expect(put.status).toBe(200);
    const listed = await rest(server().baseUrl, 'POST', '/v2beta/actions/executions/search', {
      token: server().adminPat,
      body: { filters: [{ targetFilter: { targetId: created.body.id } }] },
    });
    expect(listed.body.executions[0].condition).toEqual({ response: { service: 'zitadel.user.v2.UserService' } });
    await rest(server().baseUrl, 'DELETE', `/v2beta/actions/targets/${created.body.id}`, { token: server().adminPat });
  });
});

describe('who may manage actions (ZITADEL: action.target.* / action.execution.* on the instance)', () => {
  it('an org owner is refused every write and read; a target of another instance is not found', async () => {
    const make = factories(server());
    const org = await make.org();
    const owner = await make.principal(org, ['ORG_OWNER']);
    const theirs = client(ActionService, 'grpc', server().baseUrl, owner.pat);
    const mine = await actions().createTarget(webhook());
    expect(await codeOf(theirs.createTarget(webhook()))).toBe(Code.PermissionDenied);
    expect(await codeOf(theirs.getTarget({ id: mine.id }))).toBe(Code.PermissionDenied);
    expect(await codeOf(theirs.listTargets({}))).toBe(Code.PermissionDenied);
    expect(await codeOf(theirs.deleteTarget({ id: mine.id }))).toBe(Code.PermissionDenied);
    expect(
      await codeOf(
        theirs.setExecution({
          condition: { conditionType: { case: 'request', value: { condition: { case: 'all', value: true } } } },
          targets: [mine.id],
        }),
      ),
    ).toBe(Code.PermissionDenied);
    expect(await codeOf(theirs.listExecutions({}))).toBe(Code.PermissionDenied);
    expect(await codeOf(theirs.listExecutionFunctions({}))).toBe('ok');

    const other = await otherInstance(server());
    const otherAdmin = client(ActionService, 'grpc', other.baseUrl, other.adminPat);
    expect(await codeOf(otherAdmin.getTarget({ id: mine.id }))).toBe(Code.NotFound);
    expect(await codeOf(otherAdmin.updateTarget({ id: mine.id, name: 'x' }))).toBe(Code.NotFound);
    expect((await otherAdmin.deleteTarget({ id: mine.id })).deletionDate).toBeUndefined();
    expect(
      await codeOf(
        otherAdmin.setExecution({
          condition: { conditionType: { case: 'request', value: { condition: { case: 'all', value: true } } } },
          targets: [mine.id],
        }),
      ),
    ).toBe(Code.NotFound);
    expect((await actions().getTarget({ id: mine.id })).target?.id).toBe(mine.id);
  });
});
