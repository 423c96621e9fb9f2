import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { hashToken, randomToken } from '../platform/crypto/master-key.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { ProjectStore } from '../projects/projects.store.js';
import { expirationOf, generateRsaKeyPair } from '../users/credentials/machine-keys.js';
import { App, AppKey, AppOidcConfig, AppSamlConfig, type AppState } from './app.entity.js';
import { applicationKeyFile, clientIdFor } from './app-rules.js';
import * as errors from './apps.errors.js';
import { keyMatches, oidcSettingsOf } from './apps.queries.js';
import {
  loginBaseUriProblem,
  oidcCompliance,
  oidcViolations,
  unique,
  usesClientSecret,
  type ApiAuthMethod,
  type ComplianceProblem,
  type LoginVersion,
  type OidcSettings,
} from './oidc-rules.js';
import { SamlMetadataFetcher } from './saml-metadata-fetcher.js';
import { parseSpMetadata } from './saml-metadata.js';
import type { Permission } from '../platform/authz/permissions.js';

/** What the app commands read of an app's project (from the projects context). */
type ProjectOfApp = { readonly id: string; readonly resourceOwner: string; readonly name: string };

/** Bytes of entropy in a client secret (64 URL-safe characters, as ZITADEL's 64-character secrets). */
const SECRET_BYTES = 48;

export type SamlMetadataSource = { readonly xml: string } | { readonly url: string };
export interface LoginChoice {
  readonly version: LoginVersion;
  readonly baseUri: string | null;
}

export type NewAppConfig =
  | { readonly kind: 'oidc'; readonly oidc: OidcSettings }
  | { readonly kind: 'api'; readonly authMethod: ApiAuthMethod }
  | { readonly kind: 'saml'; readonly metadata: SamlMetadataSource | undefined; readonly login: LoginChoice };

export interface NewApp {
  readonly projectId: string;
  readonly id?: string;
  readonly name: string;
  readonly config: NewAppConfig;
}

export interface AppCreated {
  readonly id: string;
  readonly createdAt: Date;
  /** The org owning the app's project. */
  readonly resourceOwner: string;
  readonly clientId?: string;
  /** Only here, once: stored as its hash. */
  readonly clientSecret?: string;
  readonly compliance?: { noneCompliant: boolean; problems: ComplianceProblem[] };
}

/** Fields of an OIDC configuration to change; unset (or empty lists) stay as they are. */
export type OidcPatch = { -readonly [K in keyof OidcSettings]?: OidcSettings[K] };

export interface AppUpdate {
  readonly projectId: string;
  readonly appId: string;
  /** Blank: the name stays. */
  readonly name: string;
  readonly config?:
    | { readonly kind: 'oidc'; readonly patch: OidcPatch }
    | { readonly kind: 'api'; readonly authMethod: ApiAuthMethod }
    | { readonly kind: 'saml'; readonly metadata?: SamlMetadataSource; readonly login?: LoginChoice };
}

const OIDC_CREATE = 'oidc_request';
const OIDC_UPDATE = 'oidc_configuration_request';
const SAML_CREATE = 'saml_request';
const SAML_UPDATE = 'saml_configuration_request';

/**
 * Commands on applications: OIDC, API and SAML apps of a project, their secrets and keys. As
 * ZITADEL, each needs project.app.write (delete: project.app.delete) on the project's org or on
 * the project itself; a caller who cannot even read the project is told it does not exist.
 * Events go on the project's aggregate, in the same transaction as the change.
 */
@Injectable()
export class AppsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly fetcher: SamlMetadataFetcher,
    private readonly projects: ProjectStore,
  ) {}

  /** With `outer`, joins that transaction (the console client made with its project at boot). */
  async create(caller: Caller, input: NewApp, outer?: EntityManager): Promise<AppCreated> {
    const name = input.name.trim();
    if (!name) throw invalidField('APP-n4m3e', 'name', 'must not be blank');
    const config = input.config;
    if (config.kind === 'oidc') {
      const violations = oidcViolations(config.oidc, OIDC_CREATE);
      if (violations.length) throw errors.invalidConfig(violations);
    }
    // Network and parsing before the transaction: a slow metadata URL must not hold it open.
    const saml =
      config.kind === 'saml' ? await this.samlMetadata(config.metadata, config.login, SAML_CREATE) : undefined;

    return this.tx.run(async (tx) => {
      const project = await this.loadProject(tx, caller, input.projectId);
      const id = input.id?.trim() || this.ids.next();
      const now = new Date();
      const secret =
        config.kind !== 'saml' && usesClientSecret(config.kind === 'oidc' ? config.oidc.authMethod : config.authMethod)
          ? randomToken(SECRET_BYTES)
          : undefined;
      const clientId = config.kind === 'saml' ? null : clientIdFor(this.ids.next(), project.name);
      await underSavepoint(
        tx,
        () =>
          tx.insert(App, {
            instanceId: caller.instance.id,
            id,
            projectId: project.id,
            resourceOwner: project.resourceOwner,
            name,
            state: 'active',
            kind: config.kind,
            clientId,
            clientSecretHash: secret ? hashToken(secret) : null,
            authMethod:
              config.kind === 'oidc' ? config.oidc.authMethod : config.kind === 'api' ? config.authMethod : null,
            createdAt: now,
            changedAt: now,
            sequence: '0',
          }),
        (err) => (isUniqueViolation(err, 'apps_pkey') ? errors.appIdTaken() : err),
      );
      const events: { type: string; payload: Record<string, unknown> }[] = [
        { type: 'project.application.added', payload: { appId: id, name } },
      ];
      if (config.kind === 'oidc') {
        await tx.insert(AppOidcConfig, oidcRow(caller.instance.id, id, config.oidc));
        events.push({
          type: 'project.application.config.oidc.added',
          payload: { appId: id, clientId, ...oidcPayload(config.oidc) },
        });
      } else if (config.kind === 'api') {
        events.push({
          type: 'project.application.config.api.added',
          payload: { appId: id, clientId, authMethodType: config.authMethod },
        });
      } else {
        await this.insertSaml(tx, { instanceId: caller.instance.id, appId: id, ...saml! });
        events.push({
          type: 'project.application.config.saml.added',
          payload: { appId: id, entityId: saml!.entityId, metadataUrl: saml!.metadataUrl },
        });
      }
      const written = await this.push(tx, caller, project, id, events);
      return {
        id,
        createdAt: written.createdAt,
        resourceOwner: project.resourceOwner,
        ...(clientId ? { clientId } : {}),
        ...(secret ? { clientSecret: secret } : {}),
        ...(config.kind === 'oidc' ? { compliance: oidcCompliance(config.oidc) } : {}),
      };
    }, outer);
  }

  async update(caller: Caller, input: AppUpdate, outer?: EntityManager): Promise<WrittenEvent> {
    const name = input.name.trim();
    if (!name && !input.config) throw errors.nothingToUpdate();
    const cfg = input.config;
    const saml =
      cfg?.kind === 'saml' && cfg.metadata ? await this.samlMetadata(cfg.metadata, undefined, SAML_UPDATE) : undefined;

    return this.tx.run(async (tx) => {
      const { app, project } = await this.loadApp(tx, caller, input.projectId, input.appId, 'project.app.write');
      const events: { type: string; payload: Record<string, unknown> }[] = [];
      const appChanges: Partial<App> = {};
      if (name && name !== app.name) {
        appChanges.name = name;
        events.push({ type: 'project.application.changed', payload: { appId: app.id, name } });
      }
      if (cfg?.kind === 'oidc') {
        if (app.kind !== 'oidc') throw errors.wrongKind(OIDC_UPDATE, 'an OIDC application');
        const current = await tx.findOneByOrFail(AppOidcConfig, { instanceId: caller.instance.id, appId: app.id });
        const before = oidcSettingsOf(current, app.authMethod as OidcSettings['authMethod']);
        const after = mergeOidc(before, cfg.patch);
        const violations = oidcViolations(after, OIDC_UPDATE);
        if (violations.length) throw errors.invalidConfig(violations);
        const changed = changedOidcFields(before, after);
        if (Object.keys(changed).length) {
          await tx.update(
            AppOidcConfig,
            { instanceId: caller.instance.id, appId: app.id },
            oidcRow(caller.instance.id, app.id, after),
          );
          Object.assign(appChanges, authMethodChange(app, after.authMethod));
          events.push({ type: 'project.application.config.oidc.changed', payload: { appId: app.id, ...changed } });
        }
      } else if (cfg?.kind === 'api') {
        if (app.kind !== 'api') throw errors.wrongKind('api_configuration_request', 'an API application');
        if (cfg.authMethod !== app.authMethod) {
          Object.assign(appChanges, authMethodChange(app, cfg.authMethod));
          events.push({
            type: 'project.application.config.api.changed',
            payload: { appId: app.id, authMethodType: cfg.authMethod },
          });
        }
      } else if (cfg?.kind === 'saml') {
        if (app.kind !== 'saml') throw errors.wrongKind(SAML_UPDATE, 'a SAML application');
        const current = await tx.findOneByOrFail(AppSamlConfig, { instanceId: caller.instance.id, appId: app.id });
        const next: Partial<AppSamlConfig> = {};
        if (saml && (saml.metadata !== current.metadata || saml.metadataUrl !== current.metadataUrl)) {
          Object.assign(next, { entityId: saml.entityId, metadata: saml.metadata, metadataUrl: saml.metadataUrl });
        }
        if (cfg.login) {
          const problem = loginBaseUriProblem(cfg.login.baseUri);
          if (problem) throw invalidField('APP-l0g1n', `${SAML_UPDATE}.login_version.login_v2.base_uri`, problem);
          if (cfg.login.version !== current.loginVersion || cfg.login.baseUri !== current.loginBaseUri) {
            Object.assign(next, { loginVersion: cfg.login.version, loginBaseUri: cfg.login.baseUri });
          }
        }
        if (Object.keys(next).length) {
          await underSavepoint(
            tx,
            () => tx.update(AppSamlConfig, { instanceId: caller.instance.id, appId: app.id }, next),
            (err) =>
              isUniqueViolation(err, 'app_saml_configs_entity_id') ? errors.entityIdTaken(next.entityId ?? '') : err,
          );
          const { metadata: _omitted, ...payload } = next;
          events.push({
            type: 'project.application.config.saml.changed',
            payload: { appId: app.id, ...payload, metadataChanged: 'metadata' in next },
          });
        }
      }
      if (events.length === 0) throw cfg ? errors.configUnchanged() : errors.nameUnchanged();
      if (Object.keys(appChanges).length)
        await tx.update(App, { instanceId: caller.instance.id, id: app.id }, appChanges);
      return this.push(tx, caller, project, app.id, events);
    }, outer);
  }

  async setState(caller: Caller, projectId: string, appId: string, state: AppState): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const { app, project } = await this.loadApp(tx, caller, projectId, appId, 'project.app.write');
      if (app.state === state) throw state === 'active' ? errors.appAlreadyActive() : errors.appAlreadyInactive();
      await tx.update(App, { instanceId: caller.instance.id, id: app.id }, { state });
      const type = state === 'active' ? 'project.application.reactivated' : 'project.application.deactivated';
      return this.push(tx, caller, project, app.id, [{ type, payload: { appId: app.id } }]);
    });
  }

  /** Deletes the app with its configuration and keys. */
  async delete(caller: Caller, projectId: string, appId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const { app, project } = await this.loadApp(tx, caller, projectId, appId, 'project.app.delete');
      const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'project',
          aggregateId: project.id,
          resourceOwner: project.resourceOwner,
          type: 'project.application.removed',
          payload: { appId: app.id, name: app.name },
        },
      ]);
      await tx.delete(App, { instanceId: caller.instance.id, id: app.id }); // configuration and keys cascade
      return written;
    });
  }

  /** A new client secret for a basic/post app, replacing the old one; returned once. */
  async regenerateSecret(
    caller: Caller,
    projectId: string,
    appId: string,
    kind: 'oidc' | 'api',
  ): Promise<{ secret: string; createdAt: Date; resourceOwner: string }> {
    return this.tx.run(async (tx) => {
      const { app, project } = await this.loadApp(tx, caller, projectId, appId, 'project.app.write');
      if (app.kind !== kind)
        throw errors.wrongKind(
          kind === 'oidc' ? 'is_oidc' : 'is_api',
          kind === 'oidc' ? 'an OIDC application' : 'an API application',
        );
      if (!app.authMethod || !usesClientSecret(app.authMethod)) throw errors.noClientSecret();
      const secret = randomToken(SECRET_BYTES);
      await tx.update(App, { instanceId: caller.instance.id, id: app.id }, { clientSecretHash: hashToken(secret) });
      const written = await this.push(tx, caller, project, app.id, [
        { type: `project.application.config.${kind}.secret.changed`, payload: { appId: app.id } },
      ]);
      return { secret, createdAt: written.createdAt, resourceOwner: project.resourceOwner };
    });
  }

  /**
   * A generated RSA 2048 key for a private_key_jwt app. The private half is only in the returned
   * key file (ZITADEL's application key JSON).
   */
  async addKey(
    caller: Caller,
    projectId: string,
    appId: string,
    expiration: Date | undefined,
  ): Promise<{ id: string; createdAt: Date; resourceOwner: string; keyFile: Buffer }> {
    const expiresAt = expirationOf(expiration, 'expiration_date');
    const pair = await generateRsaKeyPair();
    return this.tx.run(async (tx) => {
      const { app, project } = await this.loadApp(tx, caller, projectId, appId, 'project.app.write');
      if (app.kind === 'saml' || app.authMethod !== 'private_key_jwt') throw errors.keysNeedPrivateKeyJwt();
      const id = this.ids.next();
      await tx.insert(AppKey, {
        instanceId: caller.instance.id,
        id,
        appId: app.id,
        projectId: project.id,
        resourceOwner: project.resourceOwner,
        type: 'json',
        publicKey: pair.publicKey,
        expiresAt,
        createdAt: new Date(),
      });
      const written = await this.push(tx, caller, project, app.id, [
        {
          type: 'project.application.oidc.key.added',
          payload: { appId: app.id, keyId: id, keyType: 'json', expiration: expiresAt.toISOString() },
        },
      ]);
      return {
        id,
        createdAt: written.createdAt,
        resourceOwner: project.resourceOwner,
        keyFile: applicationKeyFile({ keyId: id, privateKey: pair.privateKey, appId: app.id, clientId: app.clientId! }),
      };
    });
  }

  async deleteKey(
    caller: Caller,
    keyId: string,
    match: { projectId: string; appId: string; orgId?: string },
  ): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const key = await tx.findOneBy(AppKey, { instanceId: caller.instance.id, id: keyId });
      if (!key || !keyMatches(key, match)) throw errors.keyNotFound();
      authorize(
        caller,
        'project.app.write',
        { orgId: key.resourceOwner, projectId: key.projectId },
        errors.keyNotFound,
        'project.app.read',
      );
      const { project } = await this.loadApp(tx, caller, key.projectId, key.appId, 'project.app.write');
      await tx.delete(AppKey, { instanceId: caller.instance.id, id: key.id });
      return this.push(tx, caller, project, key.appId, [
        { type: 'project.application.oidc.key.removed', payload: { appId: key.appId, keyId: key.id } },
      ]);
    });
  }

  // ---- internals --------------------------------------------------------------------------

  private async loadProject(tx: EntityManager, caller: Caller, projectId: string): Promise<ProjectOfApp> {
    const project = await this.projects.findProject(tx, caller.instance.id, projectId);
    if (!project) throw errors.projectNotFound();
    authorize(
      caller,
      'project.app.write',
      { orgId: project.resourceOwner, projectId },
      errors.projectNotFound,
      'project.app.read',
    );
    return project;
  }

  /** Checks the permission on the app's project and org, then locks the app's row. */
  private async loadApp(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    appId: string,
    permission: Permission,
  ): Promise<{ app: App; project: ProjectOfApp }> {
    const app = await tx
      .getRepository(App)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.instance_id = :i AND a.id = :id AND a.project_id = :p', {
        i: caller.instance.id,
        id: appId,
        p: projectId,
      })
      .getOne();
    if (!app) throw errors.appNotFound();
    authorize(
      caller,
      permission,
      { orgId: app.resourceOwner, projectId: app.projectId },
      errors.appNotFound,
      'project.app.read',
    );
    const project = await this.projects.findProject(tx, caller.instance.id, app.projectId);
    // The foreign key keeps an app's project; none would be an app that is going away.
    if (!project) throw errors.appNotFound();
    return { app, project };
  }

  private async samlMetadata(
    source: SamlMetadataSource | undefined,
    login: LoginChoice | undefined,
    prefix: string,
  ): Promise<{
    entityId: string;
    metadata: string;
    metadataUrl: string | null;
    loginVersion: LoginVersion;
    loginBaseUri: string | null;
  }> {
    if (!source)
      throw invalidField('APP-s4mnm', `${prefix}.metadata_xml`, 'give the SP metadata as metadata_xml or metadata_url');
    const field = 'xml' in source ? `${prefix}.metadata_xml` : `${prefix}.metadata_url`;
    const metadata = 'xml' in source ? source.xml : await this.fetcher.fetch(source.url, field);
    const { entityId } = parseSpMetadata(metadata, field);
    if (login) {
      const problem = loginBaseUriProblem(login.baseUri);
      if (problem) throw invalidField('APP-l0g1n', `${prefix}.login_version.login_v2.base_uri`, problem);
    }
    return {
      entityId,
      metadata,
      metadataUrl: 'url' in source ? source.url.trim() : null,
      loginVersion: login?.version ?? null,
      loginBaseUri: login?.baseUri ?? null,
    };
  }

  private async insertSaml(tx: EntityManager, row: AppSamlConfig): Promise<void> {
    await underSavepoint(
      tx,
      () => tx.insert(AppSamlConfig, row),
      (err) => (isUniqueViolation(err, 'app_saml_configs_entity_id') ? errors.entityIdTaken(row.entityId) : err),
    );
  }

  /** Appends events to the project's aggregate and moves the app's sequence to the last one. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    project: ProjectOfApp,
    appId: string,
    events: { type: string; payload: Record<string, unknown> }[],
  ): Promise<WrittenEvent> {
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      events.map((e) => ({
        aggregateType: 'project',
        aggregateId: project.id,
        resourceOwner: project.resourceOwner,
        ...e,
      })),
    );
    const last = written[written.length - 1];
    await tx.update(
      App,
      { instanceId: caller.instance.id, id: appId },
      { sequence: last.sequence.toString(), changedAt: last.createdAt },
    );
    return last;
  }
}

function oidcRow(instanceId: string, appId: string, s: OidcSettings): AppOidcConfig {
  return {
    instanceId,
    appId,
    redirectUris: [...s.redirectUris],
    responseTypes: [...s.responseTypes],
    grantTypes: [...s.grantTypes],
    appType: s.appType,
    postLogoutRedirectUris: [...s.postLogoutRedirectUris],
    devMode: s.devMode,
    accessTokenType: s.accessTokenType,
    accessTokenRoleAssertion: s.accessTokenRoleAssertion,
    idTokenRoleAssertion: s.idTokenRoleAssertion,
    idTokenUserinfoAssertion: s.idTokenUserinfoAssertion,
    clockSkewMs: s.clockSkewMs,
    additionalOrigins: s.additionalOrigins.map((o) => o.trim()),
    skipNativeAppSuccessPage: s.skipNativeAppSuccessPage,
    backChannelLogoutUri: s.backChannelLogoutUri,
    loginVersion: s.loginVersion,
    loginBaseUri: s.loginBaseUri,
  };
}

/** What the audit trail records of an OIDC configuration: everything (there is no secret in it). */
function oidcPayload(s: OidcSettings): Record<string, unknown> {
  return { ...s };
}

/** Empty lists in a patch mean "unchanged" (proto3 repeated fields cannot say "clear"). */
function mergeOidc(before: OidcSettings, patch: OidcPatch): OidcSettings {
  const merged: Record<string, unknown> = { ...before };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length) merged[key] = unique(value);
      continue;
    }
    merged[key] = value;
  }
  return merged as unknown as OidcSettings;
}

function changedOidcFields(before: OidcSettings, after: OidcSettings): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof OidcSettings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = after[key];
  }
  return changed;
}

/**
 * A new auth method: a method without a secret drops the stored one; one that needs a secret
 * keeps the old one (basic <-> post) or has none until RegenerateClientSecret (as ZITADEL).
 */
function authMethodChange(app: App, next: NonNullable<App['authMethod']>): Partial<App> {
  if (next === app.authMethod) return {};
  return usesClientSecret(next) ? { authMethod: next } : { authMethod: next, clientSecretHash: null };
}
