// Deleting an org removes what other contexts keep for it, in the same transaction: its users
// with their tokens and every membership they hold (on other orgs' resources too), and the org's
// own policies; the instance defaults and other orgs stay. Orgs reaches users and settings only
// through the steps they register (OrgLifecycle), so this proves the registrations.
import { createClient } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { machineWithoutRoles } from '../authorizations/fixtures.js';
import { client, withHeaders } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { serverForFile } from '../support/test-server.js';

const server = serverForFile();

const leftovers = async (orgId: string, userId: string) =>
  (
    await server().database.dataSource.query(
      `SELECT (SELECT count(*) FROM users WHERE resource_owner = $1)::int AS users,
              (SELECT count(*) FROM personal_access_tokens WHERE user_id = $2)::int AS tokens,
              (SELECT count(*) FROM memberships WHERE user_id = $2)::int AS memberships,
              (SELECT count(*) FROM settings_policies WHERE owner_type = 'org' AND owner = $1)::int AS policies`,
      [orgId, userId],
    )
  )[0];

describe('DeleteOrganization (ZITADEL: org.removed takes the org’s users and policies with it)', () => {
  it("removes the org's users, their tokens and memberships held elsewhere, and the org's own policies", async () => {
    const orgs = client(OrgV2beta, 'grpc', server().baseUrl, server().adminPat);
    const [doomed, keeper] = [
      (await orgs.createOrganization({ name: 'Removal doomed' })).id,
      (await orgs.createOrganization({ name: 'Removal keeper' })).id,
    ];
    const owner = await machineWithRoles(server(), doomed, { level: 'org', resourceId: doomed, roles: ['ORG_OWNER'] });
    // A user of the doomed org made an administrator of the other org: the membership belongs to
    // the other org, so only the users context's removal step finds it.
    const elsewhere = await machineWithoutRoles(server(), doomed, 'Removal elsewhere');
    await client(InternalPermissionService, 'grpc', server().baseUrl, server().adminPat).createAdministrator({
      userId: elsewhere.userId,
      resource: { resource: { case: 'organizationId', value: keeper } },
      roles: ['ORG_OWNER_VIEWER'],
    });
    const keeperOwner = await machineWithRoles(server(), keeper, {
      level: 'org',
      resourceId: keeper,
      roles: ['ORG_OWNER'],
    });
    const management = createClient(
      ManagementService,
      createServerTransport(owner.pat, {
        baseUrl: server().baseUrl,
        interceptors: [withHeaders({ 'x-zitadel-orgid': doomed })],
      }),
    );
    await management.addCustomPrivacyPolicy({
      tosLink: 'https://doomed.example.com/terms',
      privacyLink: 'https://doomed.example.com/privacy',
      helpLink: '',
      supportEmail: '',
      docsLink: '',
      customLink: '',
      customLinkText: '',
    });
    expect(await leftovers(doomed, elsewhere.userId)).toEqual({ users: 2, tokens: 1, memberships: 1, policies: 1 });

    await orgs.deleteOrganization({ id: doomed });

    expect(await leftovers(doomed, elsewhere.userId)).toEqual({ users: 0, tokens: 0, memberships: 0, policies: 0 });
    expect(await leftovers(doomed, owner.userId)).toEqual({ users: 0, tokens: 0, memberships: 0, policies: 0 });
    // The other org and its own member are untouched.
    expect(await leftovers(keeper, keeperOwner.userId)).toMatchObject({ users: 1, tokens: 1, memberships: 1 });
  });
});
