import { Injectable } from '@nestjs/common';
import { AppsQueries } from '../apps/apps.queries.js';
import { ConsoleStore } from '../console/console.store.js';
import { AuthorizationsService } from './authorizations.service.js';
import { memberOrgs } from '../platform/authz/permissions.js';
import { MAX_LIMIT, type Page } from '../platform/database/list-query.js';
import type { AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { OrgQueries, type OrgFilter, type OrgSort } from '../orgs/orgs.queries.js';

/**
 * ZITADEL's ListMyProjectOrgs: the orgs a user may switch to. Called with a token of an app, the
 * orgs whose authorizations give the user roles on the app's project; with a token of an app of
 * the instance's own project (the console's, ZITADEL's IAM project) or one naming no app (PATs,
 * session tokens), the orgs the user is a member of.
 */
@Injectable()
export class ProjectOrgs {
  constructor(
    private readonly orgs: OrgQueries,
    private readonly apps: AppsQueries,
    private readonly authorizations: AuthorizationsService,
    private readonly console: ConsoleStore,
  ) {}

  async list(
    caller: AuthenticatedCaller,
    filters: readonly OrgFilter[],
    sort: OrgSort,
    page: Page,
  ): ReturnType<OrgQueries['list']> {
    return this.orgs.list(caller, filters, sort, page, await this.scope(caller));
  }

  private async scope(caller: AuthenticatedCaller): Promise<'all' | string[]> {
    const { clientId, userId, grants } = caller.principal;
    const app = clientId ? await this.apps.activeClient(caller.instance.id, clientId) : undefined;
    if (!app || app.projectId === (await this.console.iamProjectId(caller.instance.id)))
      return memberOrgs(grants, caller.instance.id);
    const authorized = await this.authorizations.list(
      caller,
      [
        { kind: 'user', id: userId },
        { kind: 'project', id: app.projectId },
      ],
      'creationDate',
      { offset: 0, limit: MAX_LIMIT, asc: true },
    );
    return [...new Set(authorized.items.map((a) => a.orgId))];
  }
}
