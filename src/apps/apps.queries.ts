import { Injectable } from '@nestjs/common';
import { authorize, scopeFilter } from '../platform/authz/authorize.js';
import {
  and,
  column,
  fetchPage,
  listSql,
  type Filter,
  type Page,
  type TextMatch,
} from '../platform/database/list-query.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { joinActiveProject } from '../projects/projects.queries.js';
import { ProjectStore } from '../projects/projects.store.js';
import { App, AppKey, AppOidcConfig, AppSamlConfig, type AppKind, type AppState } from './app.entity.js';
import * as errors from './apps.errors.js';
import type { ApiAuthMethod, LoginVersion, OidcAuthMethod, OidcSettings } from './oidc-rules.js';

/** An app with its kind's configuration, as the API shows it (never the secret hash). */
export interface AppView {
  readonly app: App;
  readonly oidc?: AppOidcConfig;
  readonly saml?: AppSamlConfig;
}

export type AppFilter =
  | { readonly kind: 'name'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'state'; readonly state: AppState | 'none' }
  | { readonly kind: 'type'; readonly type: AppKind };

export type AppSort = 'id' | 'name' | 'state' | 'creationDate' | 'changeDate';
export type KeySort = 'id' | 'projectId' | 'appId' | 'creationDate' | 'orgId' | 'expiration' | 'type';
/** Which keys ListApplicationKeys covers: one app, one project, one org, or all the caller may read. */
export type KeyScope =
  | { readonly appId: string }
  | { readonly projectId: string }
  | { readonly orgId: string }
  | Record<string, never>;

/** A client the OIDC layer may let in: only when the app, its project and its org are active. */
export interface ActiveClient {
  readonly instanceId: string;
  readonly appId: string;
  readonly projectId: string;
  readonly orgId: string;
  readonly clientId: string;
  readonly kind: 'oidc' | 'api';
  readonly authMethod: OidcAuthMethod | ApiAuthMethod;
  /** SHA-256 (`hashToken`) of the client secret for basic/post; compare with `clientSecretMatches`. */
  readonly clientSecretHash: string | null;
  /** Only for OIDC apps. */
  readonly oidc?: OidcSettings;
  readonly project: {
    readonly roleAssertion: boolean;
    readonly authorizationRequired: boolean;
    readonly projectAccessRequired: boolean;
  };
}

/** A SAML service provider the SAML layer may serve: only when the app, its project and its org are active. */
export interface ActiveServiceProvider {
  readonly instanceId: string;
  readonly appId: string;
  readonly projectId: string;
  readonly orgId: string;
  readonly entityId: string;
  /** The validated SP metadata XML. */
  readonly metadata: string;
  readonly loginVersion: LoginVersion;
  readonly loginBaseUri: string | null;
  readonly project: {
    readonly roleAssertion: boolean;
    readonly authorizationRequired: boolean;
    readonly projectAccessRequired: boolean;
  };
}

/** Whitelisted columns of the app lists. */
const APP_SELECT = `a.instance_id, a.id, a.project_id, a.resource_owner, a.name, a.state, a.kind, a.client_id, a.auth_method,
  a.created_at, a.changed_at, a.sequence,
  o.redirect_uris, o.response_types, o.grant_types, o.app_type, o.post_logout_redirect_uris, o.dev_mode, o.access_token_type,
  o.access_token_role_assertion, o.id_token_role_assertion, o.id_token_userinfo_assertion, o.clock_skew_ms,
  o.additional_origins, o.skip_native_app_success_page, o.back_channel_logout_uri,
  o.login_version AS oidc_login_version, o.login_base_uri AS oidc_login_base_uri,
  s.entity_id, s.metadata, s.metadata_url, s.login_version AS saml_login_version, s.login_base_uri AS saml_login_base_uri`;
const APP_FROM = `apps a
  LEFT JOIN app_oidc_configs o ON o.instance_id = a.instance_id AND o.app_id = a.id
  LEFT JOIN app_saml_configs s ON s.instance_id = a.instance_id AND s.app_id = a.id`;
/** The app's project's settings, from `joinActiveProject`. */
const ACTIVE_PROJECT_SELECT = 'p.project_role_assertion, p.authorization_required, p.project_access_required';

const APP_SORT: Record<AppSort, string> = {
  id: 'a.id',
  name: 'a.name',
  state: 'a.state',
  creationDate: 'a.created_at',
  changeDate: 'a.changed_at',
};

const KEY_SORT: Record<KeySort, string> = {
  id: 'k.id',
  projectId: 'k.project_id',
  appId: 'k.app_id',
  creationDate: 'k.created_at',
  orgId: 'k.resource_owner',
  expiration: 'k.expires_at',
  type: 'k.type',
};

type Row = Record<string, any>;

function oidcOf(r: Row): AppOidcConfig {
  return {
    instanceId: r.instance_id,
    appId: r.id,
    redirectUris: r.redirect_uris,
    responseTypes: r.response_types,
    grantTypes: r.grant_types,
    appType: r.app_type,
    postLogoutRedirectUris: r.post_logout_redirect_uris,
    devMode: r.dev_mode,
    accessTokenType: r.access_token_type,
    accessTokenRoleAssertion: r.access_token_role_assertion,
    idTokenRoleAssertion: r.id_token_role_assertion,
    idTokenUserinfoAssertion: r.id_token_userinfo_assertion,
    clockSkewMs: r.clock_skew_ms,
    additionalOrigins: r.additional_origins,
    skipNativeAppSuccessPage: r.skip_native_app_success_page,
    backChannelLogoutUri: r.back_channel_logout_uri,
    loginVersion: r.oidc_login_version,
    loginBaseUri: r.oidc_login_base_uri,
  };
}

export function appViewOf(r: Row): AppView {
  const app: App = {
    instanceId: r.instance_id,
    id: r.id,
    projectId: r.project_id,
    resourceOwner: r.resource_owner,
    name: r.name,
    state: r.state,
    kind: r.kind,
    clientId: r.client_id,
    clientSecretHash: null,
    authMethod: r.auth_method,
    createdAt: r.created_at,
    changedAt: r.changed_at,
    sequence: r.sequence,
  };
  if (r.kind === 'oidc') return { app, oidc: oidcOf(r) };
  if (r.kind === 'saml') {
    return {
      app,
      saml: {
        instanceId: r.instance_id,
        appId: r.id,
        entityId: r.entity_id,
        metadata: r.metadata,
        metadataUrl: r.metadata_url,
        loginVersion: r.saml_login_version,
        loginBaseUri: r.saml_login_base_uri,
      },
    };
  }
  return { app };
}

export function oidcSettingsOf(c: AppOidcConfig, authMethod: OidcAuthMethod): OidcSettings {
  return {
    redirectUris: c.redirectUris,
    responseTypes: c.responseTypes,
    grantTypes: c.grantTypes,
    appType: c.appType,
    authMethod,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    devMode: c.devMode,
    accessTokenType: c.accessTokenType,
    accessTokenRoleAssertion: c.accessTokenRoleAssertion,
    idTokenRoleAssertion: c.idTokenRoleAssertion,
    idTokenUserinfoAssertion: c.idTokenUserinfoAssertion,
    clockSkewMs: c.clockSkewMs,
    additionalOrigins: c.additionalOrigins,
    skipNativeAppSuccessPage: c.skipNativeAppSuccessPage,
    backChannelLogoutUri: c.backChannelLogoutUri,
    loginVersion: c.loginVersion,
    loginBaseUri: c.loginBaseUri,
  };
}

/** Reads of applications and their keys: the API's, and the ones the OIDC and SAML layers use. */
@Injectable()
export class AppsQueries {
  constructor(
    private readonly tx: Transactions,
    private readonly projects: ProjectStore,
  ) {}

  // ---- API reads (permission-checked) ------------------------------------------------------

  /** The app; with `projectId` (v1 addresses apps within their project) only if it is that project's. */
  async get(caller: Caller, appId: string, projectId?: string): Promise<AppView> {
    const [row] = await this.tx.reader.query(
      `SELECT ${APP_SELECT} FROM ${APP_FROM} WHERE a.instance_id = $1 AND a.id = $2`,
      [caller.instance.id, appId],
    );
    if (!row || (projectId !== undefined && row.project_id !== projectId)) throw errors.appNotFound();
    authorize(caller, 'project.app.read', { orgId: row.resource_owner, projectId: row.project_id }, errors.appNotFound);
    return appViewOf(row);
  }

  async list(
    caller: Caller,
    projectId: string,
    filters: readonly AppFilter[],
    sort: AppSort,
    page: Page,
  ): Promise<{ items: AppView[]; total: bigint }> {
    const project = await this.projects.findProject(this.tx.reader, caller.instance.id, projectId);
    if (!project) throw errors.projectNotFound();
    authorize(caller, 'project.app.read', { orgId: project.resourceOwner, projectId }, errors.projectNotFound);
    const where = and(
      { op: 'eq', column: column('a.instance_id'), value: caller.instance.id },
      { op: 'eq', column: column('a.project_id'), value: projectId },
      ...filters.map(appFilter),
    );
    const q = listSql({
      select: APP_SELECT,
      from: APP_FROM,
      countFrom: 'apps a',
      where,
      sort: column(APP_SORT[sort]),
      tieBreaker: column('a.id'),
      page,
    });
    const { rows, total } = await fetchPage<Row>(this.tx.reader, q);
    return { items: rows.map(appViewOf), total };
  }

  async getKey(
    caller: Caller,
    keyId: string,
    match: { projectId?: string; appId?: string; orgId?: string },
  ): Promise<AppKey> {
    const key = await this.tx.reader.findOneBy(AppKey, { instanceId: caller.instance.id, id: keyId });
    if (!key || !keyMatches(key, match)) throw errors.keyNotFound();
    authorize(caller, 'project.app.read', { orgId: key.resourceOwner, projectId: key.projectId }, errors.keyNotFound);
    return key;
  }

  async listKeys(
    caller: Caller,
    scope: KeyScope,
    sort: KeySort,
    page: Page,
  ): Promise<{ items: AppKey[]; total: bigint }> {
    const resource: Filter =
      'appId' in scope
        ? { op: 'eq', column: column('k.app_id'), value: scope.appId as string }
        : 'projectId' in scope
          ? { op: 'eq', column: column('k.project_id'), value: scope.projectId as string }
          : 'orgId' in scope
            ? { op: 'eq', column: column('k.resource_owner'), value: scope.orgId as string }
            : { op: 'true' };
    const where = and(
      { op: 'eq', column: column('k.instance_id'), value: caller.instance.id },
      scopeFilter(caller, 'project.app.read', { orgs: column('k.resource_owner'), projects: column('k.project_id') }),
      resource,
    );
    const q = listSql({
      select: 'k.id, k.app_id, k.project_id, k.resource_owner, k.type, k.expires_at, k.created_at',
      from: 'app_keys k',
      where,
      sort: column(KEY_SORT[sort]),
      tieBreaker: column('k.id'),
      page,
    });
    const { rows, total } = await fetchPage<Row>(this.tx.reader, q);
    return {
      total,
      items: rows.map((r) => ({
        instanceId: caller.instance.id,
        id: r.id,
        appId: r.app_id,
        projectId: r.project_id,
        resourceOwner: r.resource_owner,
        type: r.type,
        publicKey: '',
        expiresAt: r.expires_at,
        createdAt: r.created_at,
      })),
    };
  }

  // ---- for the OIDC and SAML layers (no caller: the client is who asks) --------------------

  /**
   * The OIDC or API client with this id, or undefined when there is none or when the app, its
   * project or the project's org is deactivated. What the OIDC layer must check before it lets a
   * client authenticate or sign anyone in.
   */
  async activeClient(instanceId: string, clientId: string): Promise<ActiveClient | undefined> {
    const [r] = await this.tx.reader.query(
      `SELECT ${APP_SELECT}, a.client_secret_hash, ${ACTIVE_PROJECT_SELECT}
         FROM ${APP_FROM}
         ${joinActiveProject('p', { instanceId: 'a.instance_id', id: 'a.project_id' })}
        WHERE a.instance_id = $1 AND a.client_id = $2 AND a.kind IN ('oidc', 'api') AND a.state = 'active'`,
      [instanceId, clientId],
    );
    if (!r) return undefined;
    const view = appViewOf(r);
    return {
      instanceId,
      appId: r.id,
      projectId: r.project_id,
      orgId: r.resource_owner,
      clientId: r.client_id,
      kind: r.kind,
      authMethod: r.auth_method,
      clientSecretHash: r.client_secret_hash ?? null,
      ...(view.oidc ? { oidc: oidcSettingsOf(view.oidc, r.auth_method) } : {}),
      project: projectSettingsOf(r),
    };
  }

  /** The public key (SPKI PEM) of an unexpired key of an active client, for RFC 7523 client assertions. */
  async activeClientKey(
    instanceId: string,
    clientId: string,
    keyId: string,
    now = new Date(),
  ): Promise<{ publicKey: string; expiresAt: Date } | undefined> {
    const client = await this.activeClient(instanceId, clientId);
    if (client?.authMethod !== 'private_key_jwt') return undefined;
    const key = await this.tx.reader.findOneBy(AppKey, { instanceId, id: keyId, appId: client.appId });
    if (!key || key.expiresAt.getTime() <= now.getTime()) return undefined;
    return { publicKey: key.publicKey, expiresAt: key.expiresAt };
  }

  /** The SAML service provider with this entity id, or undefined when missing or deactivated (app, project or org). */
  async activeServiceProvider(instanceId: string, entityId: string): Promise<ActiveServiceProvider | undefined> {
    const [r] = await this.tx.reader.query(
      `SELECT a.id, a.project_id, a.resource_owner, s.entity_id, s.metadata, s.login_version, s.login_base_uri,
              ${ACTIVE_PROJECT_SELECT}
         FROM app_saml_configs s
         JOIN apps a ON a.instance_id = s.instance_id AND a.id = s.app_id
         ${joinActiveProject('p', { instanceId: 'a.instance_id', id: 'a.project_id' })}
        WHERE s.instance_id = $1 AND s.entity_id = $2 AND a.state = 'active'`,
      [instanceId, entityId],
    );
    if (!r) return undefined;
    return {
      instanceId,
      appId: r.id,
      projectId: r.project_id,
      orgId: r.resource_owner,
      entityId: r.entity_id,
      metadata: r.metadata,
      loginVersion: r.login_version,
      loginBaseUri: r.login_base_uri,
      project: projectSettingsOf(r),
    };
  }

  /** The name of an app by id, whatever its kind and state (the login pages name the SAML SP). */
  async name(instanceId: string, appId: string): Promise<string | undefined> {
    const [row]: { name: string }[] = await this.tx.reader.query(
      'SELECT name FROM apps WHERE instance_id = $1 AND id = $2',
      [instanceId, appId],
    );
    return row?.name;
  }

  /** The name and project of the app with the client id, whatever its kind and state. */
  async nameByClientId(instanceId: string, clientId: string): Promise<{ name: string; projectId: string } | undefined> {
    const [row] = await this.tx.reader.query(
      'SELECT name, project_id FROM apps WHERE instance_id = $1 AND client_id = $2',
      [instanceId, clientId],
    );
    return row ? { name: row.name, projectId: row.project_id } : undefined;
  }

  /** The app's unexpired public keys (PEM), by id. */
  async publicKeys(instanceId: string, appId: string): Promise<{ id: string; publicKey: string; expiresAt: Date }[]> {
    const rows: { id: string; public_key: string; expires_at: Date }[] = await this.tx.reader.query(
      'SELECT id, public_key, expires_at FROM app_keys WHERE instance_id = $1 AND app_id = $2 AND expires_at > now() ORDER BY id',
      [instanceId, appId],
    );
    return rows.map((r) => ({ id: r.id, publicKey: r.public_key, expiresAt: r.expires_at }));
  }
}

/** What the OIDC and SAML layers read of an app's project. */
function projectSettingsOf(r: Row): ActiveClient['project'] {
  return {
    roleAssertion: r.project_role_assertion,
    authorizationRequired: r.authorization_required,
    projectAccessRequired: r.project_access_required,
  };
}

export function keyMatches(key: AppKey, match: { projectId?: string; appId?: string; orgId?: string }): boolean {
  return (
    (!match.projectId || match.projectId === key.projectId) &&
    (!match.appId || match.appId === key.appId) &&
    (!match.orgId || match.orgId === key.resourceOwner)
  );
}

function appFilter(f: AppFilter): Filter {
  switch (f.kind) {
    case 'name':
      return { op: 'text', column: column('a.name'), match: f.match, value: f.value };
    case 'state':
      return f.state === 'none' ? { op: 'false' } : { op: 'eq', column: column('a.state'), value: f.state };
    case 'type':
      return { op: 'eq', column: column('a.kind'), value: f.type };
  }
}
