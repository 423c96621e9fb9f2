import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import type { TestServer } from '../support/test-server.js';

let n = 0;
const unique = () => `${Date.now()}-${n++}`;

export async function instanceIdOf(server: TestServer): Promise<string> {
  return (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
}

/** A project in the org with these roles, made by the admin through ProjectService. */
export async function project(
  server: TestServer,
  orgId: string,
  name: string,
  roles: readonly string[],
): Promise<string> {
  const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
  const { id } = await projects.createProject({ organizationId: orgId, name });
  for (const roleKey of roles) await projects.addProjectRole({ projectId: id, roleKey, displayName: roleKey });
  return id;
}

/**
 * Grants the project to an org with a subset of its roles through ProjectService, and answers the
 * grant's id (which the v2beta contract does not return, but authorizations and administrators name).
 */
export async function projectGrant(
  server: TestServer,
  projectId: string,
  grantedOrgId: string,
  roleKeys: readonly string[],
): Promise<string> {
  const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
  await projects.createProjectGrant({ projectId, grantedOrganizationId: grantedOrgId, roleKeys: [...roleKeys] });
  const [row]: { id: string }[] = await server.database.dataSource.query(
    `SELECT id FROM project_grants WHERE project_id = $1 AND granted_org_id = $2`,
    [projectId, grantedOrgId],
  );
  return row.id;
}

/** A human user in the org, made by the admin through UserService. */
export async function human(server: TestServer, orgId: string, givenName: string, familyName: string): Promise<string> {
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { userId } = await users.addHumanUser({
    username: `${givenName.toLowerCase()}-${unique()}`,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName, familyName },
    email: { email: `${givenName.toLowerCase()}@example.com`, verification: { case: 'isVerified', value: true } },
  });
  return userId;
}

/** A machine user in the org with a PAT and no roles at all, made by the admin through UserService. */
export async function machineWithoutRoles(
  server: TestServer,
  orgId: string,
  name = 'Machine',
): Promise<{ userId: string; pat: string }> {
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { id } = await users.createUser({
    organizationId: orgId,
    username: `machine-${unique()}`,
    userType: { case: 'machine', value: { name } },
  });
  const { token } = await users.addPersonalAccessToken({
    userId: id,
    expirationDate: timestampFromDate(new Date(Date.now() + 3600_000)),
  });
  return { userId: id, pat: token };
}

/** The events of one aggregate, oldest first. */
export async function eventsOf(
  server: TestServer,
  aggregateType: string,
  aggregateId: string,
): Promise<{ type: string; resourceOwner: string; payload: any }[]> {
  const rows: { event_type: string; resource_owner: string; payload: unknown }[] =
    await server.database.dataSource.query(
      `SELECT event_type, resource_owner, payload FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence`,
      [aggregateType, aggregateId],
    );
  return rows.map((r) => ({ type: r.event_type, resourceOwner: r.resource_owner, payload: r.payload }));
}
