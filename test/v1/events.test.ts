import { Code } from '@connectrpc/connect';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { project } from '../authorizations/fixtures.js';
import { client } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { adminV1, authV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

let t: TwoOrgs;
let userId: string;
const base = () => t.env.server.baseUrl;
const mgmt = (pat: string, orgId?: string) => managementV1(base(), pat, orgId);
const admin = () => adminV1(base(), t.env.server.adminPat);

beforeAll(async () => {
  t = await twoOrgs('v1 events');
  const userName = unique('v1-evt');
  userId = (
    await mgmt(t.ownerA).addHumanUser({
      userName,
      profile: { firstName: 'Eve', lastName: 'Ents' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
    })
  ).userId;
  await mgmt(t.ownerA).updateHumanProfile({ userId, firstName: 'Eva', lastName: 'Ents', displayName: 'Eva Ents' });
  await mgmt(t.ownerA).lockUser({ id: userId });
}, 60_000);
afterAll(() => t?.env.stop());

const types = (changes: { eventType?: { key: string } }[]) => changes.map((c) => c.eventType!.key);

describe('management v1 List*Changes: a resource history read from the audit events', () => {
  it('ListUserChanges shows the user events in order, after a sequence, newest first by default', async () => {
    const m = mgmt(t.ownerA);
    const asc = await m.listUserChanges({ userId, query: { asc: true } });
    expect(types(asc.result)).toEqual([
      'EventTypes.user.human.added',
      'EventTypes.user.human.email.verified',
      'EventTypes.user.human.profile.changed',
      'EventTypes.user.locked',
    ]);
    expect(asc.result[0]).toMatchObject({ editorId: t.ownerAId, resourceOwnerId: t.orgA });
    const desc = await m.listUserChanges({ userId });
    expect(types(desc.result)[0]).toBe('EventTypes.user.locked');
    const later = await m.listUserChanges({ userId, query: { sequence: 2, asc: true, limit: 1 } });
    expect(types(later.result)).toEqual(['EventTypes.user.human.profile.changed']);
  });

  it("refuses org B's owner, with or without naming org A, and finds nothing of org A's user in org B", async () => {
    expect(await v1Code(mgmt(t.ownerB, t.orgA).listUserChanges({ userId }))).toBe(Code.NotFound);
    expect((await mgmt(t.ownerB).listUserChanges({ userId })).result).toEqual([]);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).listOrgChanges({}))).toBe(Code.NotFound);
  });

  it('ListOrgChanges, ListProjectChanges and ListAppChanges in the org context', async () => {
    const orgChanges = await mgmt(t.ownerA).listOrgChanges({ query: { asc: true } });
    expect(types(orgChanges.result)).toContain('EventTypes.org.added');
    expect(types(orgChanges.result)).toContain('EventTypes.org.member.added');

    const projectId = await project(t.env.server, t.orgA, unique('Evt project'), ['r']);
    const apps = client(AppService, 'grpc', base(), t.env.server.adminPat);
    const { appId } = await apps.createApplication({
      projectId,
      name: 'evt api',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
      },
    });
    const projectChanges = await mgmt(t.ownerA).listProjectChanges({ projectId, query: { asc: true } });
    expect(types(projectChanges.result).slice(0, 2)).toEqual([
      'EventTypes.project.added',
      'EventTypes.project.role.added',
    ]);
    expect(types(projectChanges.result)).toContain('EventTypes.project.application.added');
    const appChanges = await mgmt(t.ownerA).listAppChanges({ projectId, appId, query: { asc: true } });
    expect(types(appChanges.result)[0]).toBe('EventTypes.project.application.added');
    expect(types(appChanges.result)).not.toContain('EventTypes.project.added');
    expect(await v1Code(mgmt(t.ownerB, t.orgA).listProjectChanges({ projectId }))).toBe(Code.NotFound);
    // A uint64 sequence beyond PostgreSQL's bigint is after every change (the fuzzer found it answered INTERNAL).
    const beyond = await client(ManagementService, 'grpc', base(), t.ownerA).listProjectChanges({
      projectId,
      query: { sequence: 15869169816581715488n, asc: true },
    });
    expect(beyond.result).toEqual([]);
    expect((await mgmt(t.ownerB).listAppChanges({ projectId, appId })).result).toEqual([]);
  });

  it('ListProjectGrantChanges: the project events in the org whose payload names the grant, as ZITADEL', async () => {
    const projectId = await project(t.env.server, t.orgA, unique('Evt grant project'), ['r', 's']);
    const m = mgmt(t.ownerA);
    const { grantId } = await m.addProjectGrant({ projectId, grantedOrgId: t.orgB, roleKeys: ['r'] });
    await m.updateProjectGrant({ projectId, grantId, roleKeys: ['r', 's'] });
    await m.deactivateProjectGrant({ projectId, grantId });
    const asc = await m.listProjectGrantChanges({ projectId, grantId, query: { asc: true } });
    expect(types(asc.result)).toEqual([
      'EventTypes.project.grant.added',
      'EventTypes.project.grant.changed',
      'EventTypes.project.grant.deactivated',
    ]);
    expect(asc.result[0]).toMatchObject({ editorId: t.ownerAId, resourceOwnerId: t.orgA });
    const desc = await m.listProjectGrantChanges({ projectId, grantId, query: { limit: 1 } });
    expect(types(desc.result)).toEqual(['EventTypes.project.grant.deactivated']);
    expect((await m.listProjectGrantChanges({ projectId, grantId: 'nope' })).result).toEqual([]);
    // Org B (the granted org) reads in its own org context: the events belong to org A, so none show.
    expect((await mgmt(t.ownerB).listProjectGrantChanges({ projectId, grantId })).result).toEqual([]);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).listProjectGrantChanges({ projectId, grantId }))).toBe(Code.NotFound);
    const r = await restV1(
      base(),
      t.ownerA,
      'POST',
      `/management/v1/projects/${projectId}/grants/${grantId}/changes/_search`,
      { query: { asc: true } },
    );
    expect(r.status).toBe(200);
    expect(r.body.result).toHaveLength(3);
  });

  it('auth ListMyUserChanges: the caller own history, no permission needed', async () => {
    const mine = await authV1(base(), t.ownerA).listMyUserChanges({ query: { asc: true } });
    expect(types(mine.result)[0]).toBe('EventTypes.user.machine.added');
  });

  it('REST: POST /management/v1/users/{id}/changes/_search', async () => {
    const r = await restV1(base(), t.ownerA, 'POST', `/management/v1/users/${userId}/changes/_search`, {
      query: { asc: true, limit: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual([
      expect.objectContaining({
        eventType: { key: 'EventTypes.user.human.added', localizedMessage: 'user.human.added' },
      }),
    ]);
  });
});

describe('admin v1 ListEvents, ListEventTypes, ListAggregateTypes (events.read on the instance)', () => {
  it('filters by aggregate, event type, editor, resource owner and sequence', async () => {
    const byUser = await admin().listEvents({ aggregateTypes: ['user'], aggregateId: userId, asc: true });
    expect(byUser.events.map((e) => e.type?.type)).toEqual([
      'user.human.added',
      'user.human.email.verified',
      'user.human.profile.changed',
      'user.locked',
    ]);
    expect(byUser.events[0]).toMatchObject({
      editor: { userId: t.ownerAId },
      aggregate: { id: userId, type: { type: 'user' }, resourceOwner: t.orgA },
    });
    expect(byUser.events[2].payload).toMatchObject({ givenName: 'Eva' });

    const locked = await admin().listEvents({ eventTypes: ['user.locked'], resourceOwner: t.orgA });
    expect(locked.events.map((e) => e.aggregate?.id)).toEqual([userId]);
    const byEditor = await admin().listEvents({ editorUserId: t.ownerAId, aggregateId: userId });
    expect(byEditor.events).toHaveLength(4);
    expect(byEditor.events[0].type?.type).toBe('user.locked'); // newest first by default
    const afterTwo = await admin().listEvents({ aggregateId: userId, sequence: 2, asc: true, limit: 1 });
    expect(afterTwo.events.map((e) => Number(e.sequence))).toEqual([3]);
    expect((await admin().listEvents({ resourceOwner: t.orgB, aggregateId: userId })).events).toEqual([]);
  });

  it('filters by creation date: from, and a since/until range', async () => {
    const all = await admin().listEvents({ aggregateId: userId, asc: true });
    const third = all.events[2].creationDate!;
    const from = await admin().listEvents({ aggregateId: userId, from: new Date(third.getTime() - 1), asc: true });
    expect(from.events.map((e) => e.type?.type)).toEqual(['user.human.profile.changed', 'user.locked']);
    const range = await admin().listEvents({
      aggregateId: userId,
      range: { since: all.events[0].creationDate!, until: third },
      asc: true,
    });
    expect(range.events.map((e) => Number(e.sequence))).toEqual([1, 2, 3]);
  });

  it('lists the event and aggregate types written', async () => {
    const eventTypes = (await admin().listEventTypes({})).eventTypes.map((e) => e.type);
    expect(eventTypes).toEqual(expect.arrayContaining(['user.human.added', 'user.locked', 'org.added']));
    const aggregateTypes = (await admin().listAggregateTypes({})).aggregateTypes;
    expect(aggregateTypes).toEqual(
      expect.arrayContaining([{ type: 'user', localized: { key: 'AggregateTypes.user', localizedMessage: 'user' } }]),
    );
  });

  it('refuses an org owner (no events.read on the instance) over gRPC and REST', async () => {
    expect(await v1Code(adminV1(base(), t.ownerA).listEvents({}))).toBe(Code.PermissionDenied);
    expect((await restV1(base(), t.ownerA, 'POST', '/admin/v1/events/_search', {})).status).toBe(403);
    expect((await restV1(base(), t.env.server.adminPat, 'POST', '/admin/v1/events/types/_search', {})).status).toBe(
      200,
    );
  });

  it("never shows another instance's events", async () => {
    const other = await otherInstance(t.env.server);
    const theirs = await restV1(other.baseUrl, other.adminPat, 'POST', '/admin/v1/events/_search', {
      aggregateId: userId,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.events ?? []).toEqual([]);
    const own = await restV1(other.baseUrl, other.adminPat, 'POST', '/admin/v1/events/_search', {
      resourceOwner: other.orgId,
    });
    expect(own.body.events.length).toBeGreaterThan(0);
    expect(
      own.body.events.every((e: { aggregate: { resourceOwner: string } }) => e.aggregate.resourceOwner === other.orgId),
    ).toBe(true);
  });
});
