import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { AppsQueries } from '../apps/apps.queries.js';
import { AppsService } from '../apps/apps.service.js';
import { APP_ERRORS } from '../apps/apps.errors.js';
import { Config } from '../platform/config/config.js';
import { isError } from '../platform/errors/domain-error.js';
import { EventStore } from '../platform/events/event-store.js';
import { LOGGER } from '../platform/platform.module.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { ProjectsService } from '../projects/projects.service.js';
import { PROJECT_ERRORS } from '../projects/projects.errors.js';
import {
  CONSOLE_APP_NAME,
  CONSOLE_PROJECT_NAME,
  consoleOidcSettings,
  consoleOrigins,
  sameUris,
} from './console-rules.js';
import { ConsoleStore } from './console.store.js';

/**
 * The console's OIDC client on each instance, as ZITADEL's setup makes it: a project in the
 * instance's default org holding a public user agent app (code + PKCE). Idempotent: each start
 * makes what is missing (an instance from before the console, an app someone deleted) and moves
 * the redirect URIs to the instance's current domains; what it changes is audited like an API call.
 * The caller is always given: only the bootstrap and instance setup act as the system.
 */
@Injectable()
export class ConsoleClients {
  constructor(
    @Inject(Config) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly store: ConsoleStore,
    private readonly projects: ProjectsService,
    private readonly apps: AppsService,
    private readonly appQueries: AppsQueries,
    private readonly events: EventStore,
  ) {}

  /**
   * The console's client id on the instance; none while its app is gone (deleted through the API)
   * or it has never had one, until the next start sets it up again (src/bootstrap).
   */
  async clientIdOf(instance: Instance): Promise<string | undefined> {
    const row = await this.store.client(instance.id);
    return row && (await this.appQueries.activeClient(instance.id, row.clientId)) ? row.clientId : undefined;
  }

  /**
   * Makes or repairs the instance's console client in the caller's unit of work, as the caller
   * (the setup of a new instance, after its default org; each start, for every instance); its
   * client id, or none for an instance without a default org.
   */
  async ensureIn(tx: EntityManager, caller: Caller): Promise<string | undefined> {
    const instance = caller.instance;
    if (!instance.defaultOrgId) return undefined;
    const settings = consoleOidcSettings(
      this.config.externalUrl,
      consoleOrigins(this.config.externalUrl, await this.store.domains(tx, instance.id)),
    );
    const row = await this.store.client(instance.id, tx);
    const current = row ? await this.existingApp(caller, row.appId) : undefined;
    if (row && current) {
      if (
        !sameUris(current.redirectUris, settings.redirectUris) ||
        !sameUris(current.postLogoutRedirectUris, settings.postLogoutRedirectUris)
      ) {
        const patch = {
          redirectUris: settings.redirectUris,
          postLogoutRedirectUris: settings.postLogoutRedirectUris,
          devMode: settings.devMode,
        };
        await this.apps.update(
          caller,
          { projectId: row.projectId, appId: row.appId, name: '', config: { kind: 'oidc', patch } },
          tx,
        );
      }
      return row.clientId;
    }
    const projectId = (row && (await this.projectExists(caller, row.projectId))) || (await this.newProject(tx, caller));
    const app = await this.apps.create(
      caller,
      { projectId, name: CONSOLE_APP_NAME, config: { kind: 'oidc', oidc: settings } },
      tx,
    );
    await this.store.save(tx, {
      instanceId: instance.id,
      projectId,
      appId: app.id,
      clientId: app.clientId!,
      createdAt: new Date(),
    });
    await this.push(tx, caller, 'instance.iam.console.set', { appId: app.id, clientId: app.clientId });
    this.log.info({ instanceId: instance.id, clientId: app.clientId }, 'console client set up');
    return app.clientId;
  }

  private async existingApp(caller: Caller, appId: string) {
    try {
      const view = await this.appQueries.get(caller, appId);
      return view.oidc
        ? { redirectUris: view.oidc.redirectUris, postLogoutRedirectUris: view.oidc.postLogoutRedirectUris }
        : undefined;
    } catch (err) {
      if (isError(err, APP_ERRORS.appNotFound)) return undefined;
      throw err;
    }
  }

  private async projectExists(caller: Caller, projectId: string): Promise<string | undefined> {
    try {
      return (await this.projects.get(caller, projectId)).id;
    } catch (err) {
      if (isError(err, PROJECT_ERRORS.projectNotFound)) return undefined;
      throw err;
    }
  }

  private async newProject(tx: EntityManager, caller: Caller): Promise<string> {
    const created = await this.projects.create(
      caller,
      {
        organizationId: caller.instance.defaultOrgId!,
        name: CONSOLE_PROJECT_NAME,
        projectRoleAssertion: false,
        authorizationRequired: false,
        projectAccessRequired: false,
        privateLabelingSetting: 0,
      },
      tx,
    );
    await this.push(tx, caller, 'instance.iam.project.set', { iamProjectId: created.id });
    return created.id;
  }

  private async push(tx: EntityManager, caller: Caller, type: string, payload: Record<string, unknown>): Promise<void> {
    const id = caller.instance.id;
    await this.events.push(tx, id, creatorOf(caller), [
      { aggregateType: 'instance', aggregateId: id, type, payload, resourceOwner: id },
    ]);
  }
}
