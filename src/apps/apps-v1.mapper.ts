import { create } from '@bufbuild/protobuf';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import * as v1 from '@zitadel/proto/zitadel/app_pb.js';
import { KeySchema, type Key } from '@zitadel/proto/zitadel/auth_n_key_pb.js';
import type {
  AddOIDCAppRequest,
  AddSAMLAppRequest,
  UpdateOIDCAppConfigRequest,
  UpdateSAMLAppConfigRequest,
} from '@zitadel/proto/zitadel/management_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV1, textMatch, ts } from '../platform/rpc/proto-mapping.js';
import type { AppKey } from './app.entity.js';
import {
  API_AUTH,
  RESPONSE_TYPES,
  enumValue,
  loginChoice,
  newOidc,
  oidcConfigFields,
  oidcPatch,
  samlSource,
} from './apps.mapper.js';
import type { AppFilter, AppView } from './apps.queries.js';
import type { AppUpdate, NewApp } from './apps.service.js';
import type { ApiAuthMethod } from './oidc-rules.js';

// zitadel.app.v1 <-> the app commands. v1 numbers OIDC response types from 0 (CODE); v2beta
// keeps 0 for UNSPECIFIED, so they shift by one. Every other enum is numbered alike.

const responseTypesV2 = (types: readonly number[]) => types.map((t) => t + 1);

export function newOidcAppV1(req: AddOIDCAppRequest): NewApp {
  const oidc = newOidc({ ...req, responseTypes: responseTypesV2(req.responseTypes) }, 'oidc');
  return { projectId: req.projectId, name: req.name, config: { kind: 'oidc', oidc } };
}

export function newApiAppV1(req: { projectId: string; name: string; authMethodType: number }): NewApp {
  const authMethod = enumValue(API_AUTH, req.authMethodType, 'auth_method_type');
  return { projectId: req.projectId, name: req.name, config: { kind: 'api', authMethod } };
}

export function newSamlAppV1(req: AddSAMLAppRequest): NewApp {
  return {
    projectId: req.projectId,
    name: req.name,
    config: { kind: 'saml', metadata: samlSource(req.metadata), login: loginChoice(req.loginVersion) },
  };
}

/** v1 sends the whole OIDC configuration: every field is part of the change. */
export function oidcConfigUpdateV1(req: UpdateOIDCAppConfigRequest): AppUpdate {
  const patch = oidcPatch({ ...req, responseTypes: responseTypesV2(req.responseTypes) }, 'oidc');
  return { projectId: req.projectId, appId: req.appId, name: '', config: { kind: 'oidc', patch } };
}

export function apiConfigUpdateV1(req: { projectId: string; appId: string; authMethodType: number }): AppUpdate {
  const authMethod = enumValue(API_AUTH, req.authMethodType, 'auth_method_type');
  return { projectId: req.projectId, appId: req.appId, name: '', config: { kind: 'api', authMethod } };
}

export function samlConfigUpdateV1(req: UpdateSAMLAppConfigRequest): AppUpdate {
  const login = req.loginVersion ? loginChoice(req.loginVersion) : undefined;
  return {
    projectId: req.projectId,
    appId: req.appId,
    name: '',
    config: { kind: 'saml', metadata: samlSource(req.metadata), login },
  };
}

export function appQueryV1(q: v1.AppQuery, field: string): AppFilter {
  if (q.query.case !== 'nameQuery') throw invalidField('APP-f1lt1', field, 'one query must be set');
  return { kind: 'name', match: textMatch(q.query.value.method), value: q.query.value.name };
}

/** zitadel.authn.v1.KeyType: JSON is the only key format. */
export function keyTypeV1(type: number): 'json' {
  if (type !== 1) throw invalidField('APP-k3yty', 'type', 'must be KEY_TYPE_JSON');
  return 'json';
}

export const expirationV1 = (t: Timestamp | undefined) => (t ? timestampDate(t) : undefined);

function loginVersionV1(version: 'v1' | 'v2' | null, baseUri: string | null): v1.LoginVersion | undefined {
  if (version === 'v1') return create(v1.LoginVersionSchema, { version: { case: 'loginV1', value: {} } });
  if (version === 'v2')
    return create(v1.LoginVersionSchema, { version: { case: 'loginV2', value: baseUri ? { baseUri } : {} } });
  return undefined;
}

function oidcConfigV1(view: AppView): v1.OIDCConfig {
  const o = view.oidc!;
  return create(v1.OIDCConfigSchema, {
    ...oidcConfigFields(view),
    responseTypes: o.responseTypes.map((r) => RESPONSE_TYPES.indexOf(r) - 1),
    loginVersion: loginVersionV1(o.loginVersion, o.loginBaseUri),
  });
}

export function appV1(view: AppView): v1.App {
  const a = view.app;
  let config: v1.App['config'];
  if (view.oidc) config = { case: 'oidcConfig', value: oidcConfigV1(view) };
  else if (view.saml)
    config = {
      case: 'samlConfig',
      value: create(v1.SAMLConfigSchema, {
        metadata: view.saml.metadataUrl
          ? { case: 'metadataUrl', value: view.saml.metadataUrl }
          : { case: 'metadataXml', value: Buffer.from(view.saml.metadata, 'utf8') },
        loginVersion: loginVersionV1(view.saml.loginVersion, view.saml.loginBaseUri),
      }),
    };
  else
    config = {
      case: 'apiConfig',
      value: create(v1.APIConfigSchema, {
        clientId: a.clientId ?? '',
        authMethodType: API_AUTH.indexOf(a.authMethod as ApiAuthMethod),
      }),
    };
  return create(v1.AppSchema, {
    id: a.id,
    name: a.name,
    state: a.state === 'active' ? v1.AppState.ACTIVE : v1.AppState.INACTIVE,
    config,
    details: detailsV1({
      sequence: BigInt(a.sequence),
      creationDate: a.createdAt,
      changeDate: a.changedAt,
      resourceOwner: a.resourceOwner,
    }),
  });
}

export function appKeyV1(k: AppKey): Key {
  return create(KeySchema, {
    id: k.id,
    type: 1,
    expirationDate: ts(k.expiresAt),
    details: detailsV1({
      sequence: 0n,
      creationDate: k.createdAt,
      changeDate: k.createdAt,
      resourceOwner: k.resourceOwner,
    }),
  });
}
