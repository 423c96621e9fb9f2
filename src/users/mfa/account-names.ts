import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrgQueries } from '../../orgs/orgs.queries.js';
import { Policies } from '../../settings/policies.queries.js';
import { preferredLoginName } from '../core/login-names.js';
import type { User } from '../user.entity.js';

/**
 * The account name authenticators show (TOTP label, WebAuthn user name): the user's preferred
 * login name, or the email when there is none, as ZITADEL's `GenerateLoginName`.
 */
@Injectable()
export class AccountNames {
  constructor(
    private readonly policies: Policies,
    private readonly orgs: OrgQueries,
  ) {}

  async of(
    db: EntityManager,
    instanceId: string,
    user: Pick<User, 'username' | 'resourceOwner' | 'email'>,
  ): Promise<string> {
    const primaryDomain = await this.orgs.primaryDomain(db, instanceId, user.resourceOwner);
    const settings = await this.policies.domainSettings(instanceId, user.resourceOwner);
    const name = preferredLoginName(user.username, primaryDomain, settings.userLoginMustBeDomain);
    return name || user.email || user.username;
  }
}
