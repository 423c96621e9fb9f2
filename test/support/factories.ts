import type { INestApplicationContext } from '@nestjs/common';
import { AppsService, type NewAppConfig } from '../../src/apps/apps.service.js';
import { OIDC_OPTION_DEFAULTS, type OidcSettings } from '../../src/apps/oidc-rules.js';
import { OrgsService } from '../../src/orgs/orgs.service.js';
import type { MembershipLevel } from '../../src/platform/authz/permissions.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { systemCaller, type Caller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { ProjectGrantsService } from '../../src/projects/project-grants.service.js';
import { ProjectRolesService } from '../../src/projects/project-roles.service.js';
import { ProjectsService, type NewProject } from '../../src/projects/projects.service.js';
import { UsersService, type NewHumanUser } from '../../src/users/users.service.js';
import { machineWithRoles } from './principals.js';

/** Whatever holds the booted application: a medium app or a large test's server. */
export interface AppHolder {
  readonly app: INestApplicationContext;
}

/** Who a test calls as: a machine user with roles at one level, and its PAT. */
export interface TestPrincipal {
  readonly userId: string;
  readonly pat: string;
}

/** An OIDC web app with ZITADEL's defaults (code flow, client secret over basic auth). */
export const OIDC_WEB_APP: OidcSettings = {
  ...OIDC_OPTION_DEFAULTS,
  redirectUris: ['https://app.example.com/callback'],
  responseTypes: ['code'],
  grantTypes: ['authorization_code'],
  appType: 'web',
  authMethod: 'basic',
};

const inAnHour = (): Date => new Date(Date.now() + 3600_000);

let sequence = 0;
/** A name no other row of this test process has, so tests do not collide on unique columns. */
export const unique = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++sequence}`;

/**
 * Valid resources made through the real services as the system (so every rule and audit event of
 * a real creation applies), in the first instance; each takes overrides for what a test cares about.
 */
export function factories(holder: AppHolder) {
  const { app } = holder;
  const system = async (): Promise<Caller> =>
    systemCaller(await app.get(InstanceResolver).resolve('127.0.0.1'), 'test-factory');

  return {
    system,

    async org(overrides: { name?: string } = {}): Promise<string> {
      const created = await app
        .get(OrgsService)
        .create(await system(), { name: unique('Org'), admins: [], ...overrides });
      return created.id;
    },

    async human(orgId: string, overrides: Partial<Omit<NewHumanUser, 'fieldPath'>> = {}): Promise<string> {
      const caller = await system();
      const username = overrides.username ?? unique('human');
      const { userId } = await app.get(Transactions).run((tx) =>
        app.get(UsersService).addHuman(tx, caller, orgId, {
          username,
          givenName: 'Given',
          familyName: 'Family',
          email: `${username}@example.com`,
          emailVerified: true,
          returnEmailCode: false,
          fieldPath: '',
          ...overrides,
        }),
      );
      return userId;
    },

    async machine(orgId: string, overrides: { username?: string; name?: string } = {}): Promise<string> {
      const caller = await system();
      return app
        .get(Transactions)
        .run((tx) =>
          app
            .get(UsersService)
            .addMachine(tx, caller, orgId, { username: unique('machine'), name: 'machine', ...overrides }),
        );
    },

    /** A project of `orgId`, with the given role keys (display name: the key) and grants to other orgs. */
    async project(
      orgId: string,
      overrides: Partial<Omit<NewProject, 'organizationId'>> & {
        roles?: readonly string[];
        grants?: readonly { orgId: string; roles: readonly string[] }[];
      } = {},
    ): Promise<string> {
      const caller = await system();
      const { roles = [], grants = [], ...settings } = overrides;
      const { id } = await app.get(ProjectsService).create(caller, {
        organizationId: orgId,
        name: unique('Project'),
        projectRoleAssertion: false,
        authorizationRequired: false,
        projectAccessRequired: false,
        privateLabelingSetting: 0,
        ...settings,
      });
      for (const key of roles) await app.get(ProjectRolesService).add(caller, id, { key, displayName: key });
      for (const grant of grants) await app.get(ProjectGrantsService).create(caller, id, grant.orgId, grant.roles);
      return id;
    },

    /** An OIDC web app by default; `config` makes another kind. */
    async app(projectId: string, overrides: { name?: string; config?: NewAppConfig } = {}) {
      return app.get(AppsService).create(await system(), {
        projectId,
        name: overrides.name ?? unique('App'),
        config: overrides.config ?? { kind: 'oidc', oidc: OIDC_WEB_APP },
      });
    },

    /** A PAT for any user (the API issues them to machines only), to call as that user. */
    async pat(user: { userId: string; orgId: string }): Promise<string> {
      const caller = await system();
      const { token } = await app
        .get(Transactions)
        .run((tx) =>
          app
            .get(UsersService)
            .addPersonalAccessToken(tx, caller, { id: user.userId, resourceOwner: user.orgId }, inAnHour()),
        );
      return token;
    },

    /**
     * A caller: a machine user of `orgId` holding `roles` at `level` on `resourceId` (default: the
     * org itself, or the instance for instance roles), with a PAT.
     */
    async principal(
      orgId: string,
      roles: readonly string[],
      level: MembershipLevel = 'org',
      resourceId?: string,
    ): Promise<TestPrincipal> {
      const instanceId = (await system()).instance.id;
      return machineWithRoles(holder, orgId, {
        level,
        resourceId: resourceId ?? (level === 'instance' ? instanceId : orgId),
        roles: [...roles],
      });
    },
  };
}

export type Factories = ReturnType<typeof factories>;
