import { create } from '@bufbuild/protobuf';
import { DurationSchema, type Duration } from '@bufbuild/protobuf/wkt';
import * as app from '@zitadel/proto/zitadel/app/v2beta/app_pb.js';
import {
  CreateApplicationResponseSchema,
  type CreateApplicationResponse,
  type CreateApplicationRequest,
  type CreateOIDCApplicationRequest,
  type UpdateApplicationRequest,
  type UpdateOIDCApplicationConfigurationRequest,
} from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { APIConfigSchema } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { LoginVersionSchema, type LoginVersion as LoginVersionPb } from '@zitadel/proto/zitadel/app/v2beta/login_pb.js';
import { OIDCConfigSchema, OIDCVersion } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { SAMLConfigSchema } from '@zitadel/proto/zitadel/app/v2beta/saml_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { textMatch, ts } from '../platform/rpc/proto-mapping.js';
import type { AppKey } from './app.entity.js';
import type { AppFilter, AppSort, AppView, KeySort } from './apps.queries.js';
import type {
  AppCreated,
  AppUpdate,
  LoginChoice,
  NewApp,
  NewAppConfig,
  OidcPatch,
  SamlMetadataSource,
} from './apps.service.js';
import {
  allowedOrigins,
  oidcCompliance,
  withDefaults,
  type AccessTokenType,
  type ApiAuthMethod,
  type OidcAppType,
  type OidcAuthMethod,
  type OidcGrantType,
  type OidcResponseType,
} from './oidc-rules.js';

// The contract's enums by number (zitadel.app.v2beta; v1 numbers all but the response types alike).
export const RESPONSE_TYPES: readonly (OidcResponseType | undefined)[] = [
  undefined,
  'code',
  'id_token',
  'id_token_token',
];
export const GRANT_TYPES: readonly OidcGrantType[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'device_code',
  'token_exchange',
];
export const APP_TYPES: readonly OidcAppType[] = ['web', 'user_agent', 'native'];
export const OIDC_AUTH: readonly OidcAuthMethod[] = ['basic', 'post', 'none', 'private_key_jwt'];
export const API_AUTH: readonly ApiAuthMethod[] = ['basic', 'private_key_jwt'];
export const TOKEN_TYPES: readonly AccessTokenType[] = ['bearer', 'jwt'];

export function enumValue<T>(values: readonly (T | undefined)[], n: number, field: string): T {
  const value = values[n];
  if (value === undefined) throw invalidField('APP-3num0', field, 'must be a defined value');
  return value;
}

function responseTypes(ns: readonly number[], field: string): OidcResponseType[] {
  return ns.map((n, i) => enumValue(RESPONSE_TYPES, n, `${field}[${i}]`));
}

function grantTypes(ns: readonly number[], field: string): OidcGrantType[] {
  return ns.map((n, i) => enumValue(GRANT_TYPES, n, `${field}[${i}]`));
}

/** Duration -> whole milliseconds (the stored precision). */
function durationMs(d: Duration | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + Math.trunc(d.nanos / 1_000_000);
}

export function durationOf(ms: number): Duration {
  return create(DurationSchema, { seconds: BigInt(Math.trunc(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });
}

/** v1's and v2beta's LoginVersion have the same shape. */
interface LoginVersionFields {
  readonly version:
    | { readonly case: 'loginV1'; readonly value: unknown }
    | { readonly case: 'loginV2'; readonly value: { readonly baseUri?: string } }
    | { readonly case: undefined; readonly value?: undefined };
}

export function loginChoice(v: LoginVersionFields | undefined): LoginChoice {
  switch (v?.version.case) {
    case 'loginV1':
      return { version: 'v1', baseUri: null };
    case 'loginV2':
      return { version: 'v2', baseUri: v.version.value.baseUri?.trim() || null };
    default:
      return { version: null, baseUri: null };
  }
}

function loginVersionPb(version: LoginChoice['version'], baseUri: string | null): LoginVersionPb | undefined {
  if (version === 'v1') return create(LoginVersionSchema, { version: { case: 'loginV1', value: {} } });
  if (version === 'v2')
    return create(LoginVersionSchema, { version: { case: 'loginV2', value: baseUri ? { baseUri } : {} } });
  return undefined;
}

/** The OIDC fields v1's AddOIDCAppRequest and v2beta's CreateOIDCApplicationRequest share. */
export type OidcRequestFields = Omit<CreateOIDCApplicationRequest, '$typeName' | '$unknown' | 'loginVersion'> & {
  readonly loginVersion?: LoginVersionFields;
};

export function newOidc(r: OidcRequestFields, prefix: string) {
  const login = loginChoice(r.loginVersion);
  return withDefaults({
    redirectUris: r.redirectUris.map((u) => u.trim()),
    responseTypes: responseTypes(r.responseTypes, `${prefix}.response_types`),
    grantTypes: grantTypes(r.grantTypes, `${prefix}.grant_types`),
    appType: enumValue(APP_TYPES, r.appType, `${prefix}.app_type`),
    authMethod: enumValue(OIDC_AUTH, r.authMethodType, `${prefix}.auth_method_type`),
    postLogoutRedirectUris: r.postLogoutRedirectUris.map((u) => u.trim()),
    devMode: r.devMode,
    accessTokenType: enumValue(TOKEN_TYPES, r.accessTokenType, `${prefix}.access_token_type`),
    accessTokenRoleAssertion: r.accessTokenRoleAssertion,
    idTokenRoleAssertion: r.idTokenRoleAssertion,
    idTokenUserinfoAssertion: r.idTokenUserinfoAssertion,
    clockSkewMs: durationMs(r.clockSkew),
    additionalOrigins: r.additionalOrigins,
    skipNativeAppSuccessPage: r.skipNativeAppSuccessPage,
    backChannelLogoutUri: r.backChannelLogoutUri.trim(),
    loginVersion: login.version,
    loginBaseUri: login.baseUri,
  });
}

export function samlSource(
  m:
    | { case: 'metadataXml'; value: Uint8Array }
    | { case: 'metadataUrl'; value: string }
    | { case: undefined; value?: undefined },
): SamlMetadataSource | undefined {
  if (m.case === 'metadataXml') return { xml: Buffer.from(m.value).toString('utf8') };
  if (m.case === 'metadataUrl') return { url: m.value };
  return undefined;
}

export function newAppOf(req: CreateApplicationRequest): NewApp {
  let config: NewAppConfig;
  const t = req.creationRequestType;
  switch (t.case) {
    case 'oidcRequest':
      config = { kind: 'oidc', oidc: newOidc(t.value, 'oidc_request') };
      break;
    case 'apiRequest':
      config = { kind: 'api', authMethod: enumValue(API_AUTH, t.value.authMethodType, 'api_request.auth_method_type') };
      break;
    case 'samlRequest':
      config = { kind: 'saml', metadata: samlSource(t.value.metadata), login: loginChoice(t.value.loginVersion) };
      break;
    default:
      throw invalidField(
        'APP-typ30',
        'creation_request_type',
        'one of oidc_request, api_request or saml_request must be set',
      );
  }
  return { projectId: req.projectId, id: req.id, name: req.name, config };
}

/** The OIDC fields of v2beta's configuration update (all optional); v1 sends them all. */
export type OidcUpdateFields = Omit<
  UpdateOIDCApplicationConfigurationRequest,
  '$typeName' | '$unknown' | 'loginVersion' | 'clockSkew'
> & {
  readonly loginVersion?: LoginVersionFields;
  readonly clockSkew?: Duration;
};

export function oidcPatch(r: OidcUpdateFields, prefix: string): OidcPatch {
  const patch: OidcPatch = {
    redirectUris: r.redirectUris.map((u) => u.trim()),
    responseTypes: responseTypes(r.responseTypes, `${prefix}.response_types`),
    grantTypes: grantTypes(r.grantTypes, `${prefix}.grant_types`),
    postLogoutRedirectUris: r.postLogoutRedirectUris.map((u) => u.trim()),
    additionalOrigins: r.additionalOrigins,
  };
  if (r.appType !== undefined) patch.appType = enumValue(APP_TYPES, r.appType, `${prefix}.app_type`);
  if (r.authMethodType !== undefined)
    patch.authMethod = enumValue(OIDC_AUTH, r.authMethodType, `${prefix}.auth_method_type`);
  if (r.devMode !== undefined) patch.devMode = r.devMode;
  if (r.accessTokenType !== undefined)
    patch.accessTokenType = enumValue(TOKEN_TYPES, r.accessTokenType, `${prefix}.access_token_type`);
  if (r.accessTokenRoleAssertion !== undefined) patch.accessTokenRoleAssertion = r.accessTokenRoleAssertion;
  if (r.idTokenRoleAssertion !== undefined) patch.idTokenRoleAssertion = r.idTokenRoleAssertion;
  if (r.idTokenUserinfoAssertion !== undefined) patch.idTokenUserinfoAssertion = r.idTokenUserinfoAssertion;
  if (r.clockSkew !== undefined) patch.clockSkewMs = durationMs(r.clockSkew);
  if (r.skipNativeAppSuccessPage !== undefined) patch.skipNativeAppSuccessPage = r.skipNativeAppSuccessPage;
  if (r.backChannelLogoutUri !== undefined) patch.backChannelLogoutUri = r.backChannelLogoutUri.trim();
  if (r.loginVersion !== undefined) {
    const login = loginChoice(r.loginVersion);
    patch.loginVersion = login.version;
    patch.loginBaseUri = login.baseUri;
  }
  return patch;
}

export function appUpdateOf(req: UpdateApplicationRequest): AppUpdate {
  const base = { projectId: req.projectId, appId: req.id, name: req.name };
  const t = req.updateRequestType;
  switch (t.case) {
    case 'oidcConfigurationRequest':
      return { ...base, config: { kind: 'oidc', patch: oidcPatch(t.value, 'oidc_configuration_request') } };
    case 'apiConfigurationRequest':
      return {
        ...base,
        config: {
          kind: 'api',
          authMethod: enumValue(API_AUTH, t.value.authMethodType, 'api_configuration_request.auth_method_type'),
        },
      };
    case 'samlConfigurationRequest':
      return {
        ...base,
        config: {
          kind: 'saml',
          metadata: samlSource(t.value.metadata),
          login: t.value.loginVersion !== undefined ? loginChoice(t.value.loginVersion) : undefined,
        },
      };
    default:
      return base;
  }
}

// ---- lists ----------------------------------------------------------------------------------

const APP_SORTS: Record<number, AppSort> = { 0: 'id', 1: 'name', 2: 'state', 3: 'creationDate', 4: 'changeDate' };
const KEY_SORTS: Record<number, KeySort> = {
  0: 'id',
  1: 'projectId',
  2: 'appId',
  3: 'creationDate',
  4: 'orgId',
  5: 'expiration',
  6: 'type',
};

export const appSortOf = (n: number): AppSort => APP_SORTS[n] ?? 'id';
export const keySortOf = (n: number): KeySort => KEY_SORTS[n] ?? 'id';

export function appFiltersOf(filters: readonly app.ApplicationSearchFilter[]): AppFilter[] {
  return filters.flatMap((f, i): AppFilter[] => {
    const c = f.filter;
    switch (c.case) {
      case 'nameFilter':
        return [{ kind: 'name', match: textMatch(c.value.method), value: c.value.name }];
      case 'stateFilter':
        // As ZITADEL: an equality on the state; unspecified and removed match nothing.
        return [
          {
            kind: 'state',
            state: c.value === app.AppState.ACTIVE ? 'active' : c.value === app.AppState.INACTIVE ? 'inactive' : 'none',
          },
        ];
      case 'apiAppOnly':
        return c.value ? [{ kind: 'type', type: 'api' }] : [];
      case 'oidcAppOnly':
        return c.value ? [{ kind: 'type', type: 'oidc' }] : [];
      case 'samlAppOnly':
        return c.value ? [{ kind: 'type', type: 'saml' }] : [];
      default:
        throw invalidField('APP-f1lt0', `filters[${i}]`, 'one filter must be set');
    }
  });
}

// ---- responses --------------------------------------------------------------------------------

const STATE_NUMBER = { active: app.AppState.ACTIVE, inactive: app.AppState.INACTIVE } as const;

/**
 * The fields of an OIDC app's configuration v1 and v2beta show alike, with the compliance report
 * of its current settings; the response types and the login version differ in type and number.
 */
export function oidcConfigFields(view: AppView) {
  const a = view.app;
  const o = view.oidc!;
  const authMethod = a.authMethod as OidcAuthMethod;
  const compliance = oidcCompliance({
    redirectUris: o.redirectUris,
    grantTypes: o.grantTypes,
    appType: o.appType,
    authMethod,
  });
  return {
    redirectUris: o.redirectUris,
    grantTypes: o.grantTypes.map((g) => GRANT_TYPES.indexOf(g)),
    appType: APP_TYPES.indexOf(o.appType),
    clientId: a.clientId ?? '',
    authMethodType: OIDC_AUTH.indexOf(authMethod),
    postLogoutRedirectUris: o.postLogoutRedirectUris,
    version: OIDCVersion.OIDC_VERSION_1_0,
    noneCompliant: compliance.noneCompliant,
    complianceProblems: compliance.problems.map((p) => ({ key: p.key, localizedMessage: p.message })),
    devMode: o.devMode,
    accessTokenType: TOKEN_TYPES.indexOf(o.accessTokenType),
    accessTokenRoleAssertion: o.accessTokenRoleAssertion,
    idTokenRoleAssertion: o.idTokenRoleAssertion,
    idTokenUserinfoAssertion: o.idTokenUserinfoAssertion,
    clockSkew: durationOf(o.clockSkewMs),
    additionalOrigins: o.additionalOrigins,
    allowedOrigins: allowedOrigins(o.redirectUris, o.additionalOrigins),
    skipNativeAppSuccessPage: o.skipNativeAppSuccessPage,
    backChannelLogoutUri: o.backChannelLogoutUri,
  };
}

export function applicationPb(view: AppView): app.Application {
  const a = view.app;
  let config: app.Application['config'];
  if (view.oidc) {
    const o = view.oidc;
    config = {
      case: 'oidcConfig',
      value: create(OIDCConfigSchema, {
        ...oidcConfigFields(view),
        responseTypes: o.responseTypes.map((r) => RESPONSE_TYPES.indexOf(r)),
        loginVersion: loginVersionPb(o.loginVersion, o.loginBaseUri),
      }),
    };
  } else if (view.saml) {
    const s = view.saml;
    config = {
      case: 'samlConfig',
      value: create(SAMLConfigSchema, {
        metadata: s.metadataUrl
          ? { case: 'metadataUrl', value: s.metadataUrl }
          : { case: 'metadataXml', value: Buffer.from(s.metadata, 'utf8') },
        loginVersion: loginVersionPb(s.loginVersion, s.loginBaseUri),
      }),
    };
  } else {
    config = {
      case: 'apiConfig',
      value: create(APIConfigSchema, {
        clientId: a.clientId ?? '',
        authMethodType: API_AUTH.indexOf(a.authMethod as ApiAuthMethod),
      }),
    };
  }
  return create(app.ApplicationSchema, {
    id: a.id,
    creationDate: ts(a.createdAt),
    changeDate: ts(a.changedAt),
    state: STATE_NUMBER[a.state],
    name: a.name,
    config,
  });
}

export function applicationKeyPb(k: AppKey): app.ApplicationKey {
  return create(app.ApplicationKeySchema, {
    id: k.id,
    applicationId: k.appId,
    projectId: k.projectId,
    organizationId: k.resourceOwner,
    creationDate: ts(k.createdAt),
    expirationDate: ts(k.expiresAt),
  });
}

/** The secret is in here once; it is stored only as its hash. */
export function createdResponse(kind: NewAppConfig['kind'], created: AppCreated): CreateApplicationResponse {
  const base = { appId: created.id, creationDate: ts(created.createdAt) };
  switch (kind) {
    case 'oidc':
      return create(CreateApplicationResponseSchema, {
        ...base,
        creationResponseType: {
          case: 'oidcResponse',
          value: {
            clientId: created.clientId ?? '',
            clientSecret: created.clientSecret ?? '',
            noneCompliant: created.compliance?.noneCompliant ?? false,
            complianceProblems: (created.compliance?.problems ?? []).map((p) => ({
              key: p.key,
              localizedMessage: p.message,
            })),
          },
        },
      });
    case 'api':
      return create(CreateApplicationResponseSchema, {
        ...base,
        creationResponseType: {
          case: 'apiResponse',
          value: { clientId: created.clientId ?? '', clientSecret: created.clientSecret ?? '' },
        },
      });
    case 'saml':
      return create(CreateApplicationResponseSchema, {
        ...base,
        creationResponseType: { case: 'samlResponse', value: {} },
      });
  }
}
