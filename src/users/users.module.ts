import { Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { IdpLinkUsers } from '../idps/link-users.js';
import { IdpsModule } from '../idps/idps.module.js';
import { Authenticator } from '../platform/auth/authenticator.js';
import { OrgLifecycle } from '../orgs/org-lifecycle.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { RpcRegistry } from '../platform/rpc/registry.js';
import { UsersCoreHandler } from './core/users-core.handler.js';
import { UserCredentialsModule } from './credentials/credentials.module.js';
import { UserMfaModule } from './mfa/mfa.module.js';
import { OrgAdminUsers } from './org-people.js';
import { PatStrategy } from './pat.strategy.js';
import { UserContacts } from './user-contacts.service.js';
import { UserImportService } from './user-import.service.js';
import { UsernameClaims } from './username-claims.js';
import { UserMetadataService } from './user-metadata.service.js';
import { UserQueries } from './users.queries.js';
import { UserLookups } from './user-lookups.queries.js';
import { UserServiceParts } from './user-service-parts.js';
import { UsersAuthHandler } from './users-auth.handler.js';
import { USER_HTTP_BINDINGS } from './users.http-bindings.js';
import { UsersSharedModule } from './users-shared.module.js';
import { UsersService } from './users.service.js';
import { UsersV1Handler } from './users-v1.handler.js';
import { UsersV1CredentialsHandler } from './users-v1-credentials.handler.js';
import { UserStore } from './users.store.js';

/**
 * zitadel.user.v2.UserService: core methods here, credentials and MFA in their sub-modules; the
 * user methods of zitadel.management.v1 (UsersV1Handler) on the same services, and the caller's
 * own user in zitadel.auth.v1.AuthService.
 */
@Module({
  imports: [OrgsModule, IdpsModule, UsersSharedModule, UserCredentialsModule, UserMfaModule],
  providers: [
    OrgAdminUsers,
    UsernameClaims,
    UsersService,
    UserContacts,
    UserMetadataService,
    PatStrategy,
    UserQueries,
    UserLookups,
    UsersCoreHandler,
    UserImportService,
    UsersV1Handler,
    UsersV1CredentialsHandler,
    UsersAuthHandler,
  ],
  exports: [
    UsersService,
    UserMetadataService,
    UserQueries,
    UserLookups,
    PatStrategy,
    UsersSharedModule,
    UserCredentialsModule,
    UserMfaModule,
  ],
})
export class UsersModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly pats: PatStrategy,
    private readonly registry: RpcRegistry,
    private readonly parts: UserServiceParts,
    private readonly orgLifecycle: OrgLifecycle,
    private readonly orgAdmins: OrgAdminUsers,
    private readonly store: UserStore,
    private readonly idpLinkUsers: IdpLinkUsers,
  ) {}

  onModuleInit(): void {
    this.authenticator.use(this.pats);
    this.orgLifecycle.attachPeople(this.orgAdmins);
    this.orgLifecycle.onRemoval((tx, instanceId, orgId) => this.store.removeAllOfOrg(tx, instanceId, orgId));
    this.idpLinkUsers.attach({
      find: (db, instanceId, userId, lock) => this.store.owner(db, instanceId, userId, lock),
      push: (tx, caller, user, events) => this.store.push(tx, caller, user, events),
    });
  }

  /** After every part has been added (module init), register the whole service once. */
  onApplicationBootstrap(): void {
    const { impl, access } = this.parts.combined();
    this.registry.register({ service: UserService, impl, access });
    this.registry.addHttpBindings(USER_HTTP_BINDINGS);
  }
}
