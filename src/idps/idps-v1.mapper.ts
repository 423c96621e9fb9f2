import type {
  ConfigOf,
  IdpConfig,
  IdpOptions,
  IdpTemplate,
  LegacyIdpSettings,
  OidcMappingField,
} from './idp-config.js';
import type { TemplateDraft } from './idp-template-rules.js';
import { badEnum } from './idps.errors.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import type { TemplateQuery } from './idp-templates.service.js';
import { IDP_LIST_COLUMNS } from './idps.queries.js';
import { configOneof, kindNumber, optionsMessage, stateNumber, templateChange } from './idps.mapper.js';

/** zitadel.idp.v1.Provider: owner SYSTEM (1) for the instance's, ORG (2) for an org's. */
export function providerV1(t: IdpTemplate) {
  return {
    id: t.id,
    details: detailsV1(templateChange(t)),
    state: stateNumber(t),
    name: t.name,
    owner: t.orgId === null ? 1 : 2,
    type: kindNumber(t.config.kind),
    config: { options: optionsMessage(t.options), config: configOneof(t.config, true) },
  };
}

type ProviderQueryV1 =
  | { case: 'idpIdQuery'; value: { id: string } }
  | { case: 'idpNameQuery'; value: { name: string; method: number } }
  | { case: 'ownerTypeQuery'; value: { ownerType: number } }
  | { case: undefined; value?: undefined };

/** ListProviders' queries; an empty query matches everything, as ZITADEL skips it. */
export function providerQueriesV1(queries: readonly { query: ProviderQueryV1 }[]): TemplateQuery[] {
  return queries.flatMap((q): TemplateQuery[] => {
    const query = q.query;
    switch (query.case) {
      case 'idpIdQuery':
        return [{ kind: 'id', id: query.value.id }];
      case 'idpNameQuery':
        return [
          {
            kind: 'name',
            filter: {
              op: 'text',
              column: IDP_LIST_COLUMNS.name,
              match: textMatch(query.value.method),
              value: query.value.name,
            },
          },
        ];
      case 'ownerTypeQuery':
        // IDP_OWNER_TYPE_SYSTEM is the instance's; ORG the org's own; UNSPECIFIED filters nothing.
        if (query.value.ownerType === 1) return [{ kind: 'owner', owner: 'instance' }];
        if (query.value.ownerType === 2) return [{ kind: 'owner', owner: 'org' }];
        return [];
      default:
        return [];
    }
  });
}

/** zitadel.idp.v1.IDPLoginPolicyLink: the old IDPType knows only OIDC (1) and JWT (3). */
export function loginPolicyLinkV1(link: { idpId: string; name: string; kind: string }) {
  return { idpId: link.idpId, idpName: link.name, idpType: link.kind === 'oidc' ? 1 : link.kind === 'jwt' ? 3 : 0 };
}

// ---- ZITADEL's old IDP configuration API ----------------------------------------------------

const STYLING = ['unspecified', 'google'] as const;
const MAPPING: readonly OidcMappingField[] = ['unspecified', 'preferredUsername', 'email'];

const enumOf = <T>(values: readonly T[], n: number, field: string): T => {
  const v = values[n];
  if (v === undefined) throw badEnum(field);
  return v;
};

/**
 * The old API's providers may be linked and create users; `auto_register` creates them without
 * asking (ZITADEL maps old IDP configs onto templates this way).
 */
const legacyOptions = (autoRegister: boolean): IdpOptions => ({
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: autoRegister,
  isAutoUpdate: false,
  autoLinking: 'none',
});

function legacySettings(r: {
  stylingType: number;
  displayNameMapping?: number;
  usernameMapping?: number;
}): LegacyIdpSettings {
  return {
    stylingType: enumOf(STYLING, r.stylingType, 'styling_type'),
    displayNameMapping: enumOf(MAPPING, r.displayNameMapping ?? 0, 'display_name_mapping'),
    usernameMapping: enumOf(MAPPING, r.usernameMapping ?? 0, 'username_mapping'),
  };
}

/** AddOIDCIDP / AddOrgOIDCIDP. */
export function legacyOidcDraft(r: {
  name: string;
  stylingType: number;
  clientId: string;
  clientSecret: string;
  issuer: string;
  scopes: string[];
  displayNameMapping: number;
  usernameMapping: number;
  autoRegister: boolean;
}): TemplateDraft {
  return {
    name: r.name,
    config: {
      kind: 'oidc',
      issuer: r.issuer,
      clientId: r.clientId,
      scopes: r.scopes,
      isIdTokenMapping: false,
      usePkce: false,
      legacy: legacySettings(r),
    },
    options: legacyOptions(r.autoRegister),
    secrets: { clientSecret: r.clientSecret },
  };
}

/** AddJWTIDP / AddOrgJWTIDP. */
export function legacyJwtDraft(r: {
  name: string;
  stylingType: number;
  jwtEndpoint: string;
  issuer: string;
  keysEndpoint: string;
  headerName: string;
  autoRegister: boolean;
}): TemplateDraft {
  return {
    name: r.name,
    config: {
      kind: 'jwt',
      jwtEndpoint: r.jwtEndpoint,
      issuer: r.issuer,
      keysEndpoint: r.keysEndpoint,
      headerName: r.headerName,
      legacy: legacySettings(r),
    },
    options: legacyOptions(r.autoRegister),
    secrets: {},
  };
}

/** UpdateIDP: name, styling and auto registration; the configuration stays. */
export function legacyUpdatedIdp(
  current: IdpTemplate,
  r: { name: string; stylingType: number; autoRegister: boolean },
): TemplateDraft {
  const config = current.config as Extract<IdpConfig, { kind: 'oidc' | 'jwt' }>;
  const legacy = { ...config.legacy!, stylingType: enumOf(STYLING, r.stylingType, 'styling_type') };
  return {
    name: r.name,
    config: { ...config, legacy },
    options: { ...current.options, isAutoCreation: r.autoRegister },
    secrets: {},
  };
}

/** UpdateIDPOIDCConfig: issuer, client, scopes and mappings; an empty secret keeps the stored one. */
export function legacyUpdatedOidc(
  current: IdpTemplate,
  r: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    scopes: string[];
    displayNameMapping: number;
    usernameMapping: number;
  },
): TemplateDraft {
  const config = current.config as ConfigOf<'oidc'>;
  return {
    name: current.name,
    config: {
      ...config,
      issuer: r.issuer,
      clientId: r.clientId,
      scopes: r.scopes,
      legacy: {
        ...config.legacy!,
        displayNameMapping: enumOf(MAPPING, r.displayNameMapping, 'display_name_mapping'),
        usernameMapping: enumOf(MAPPING, r.usernameMapping, 'username_mapping'),
      },
    },
    options: current.options,
    secrets: { clientSecret: r.clientSecret },
  };
}

/** UpdateIDPJWTConfig. */
export function legacyUpdatedJwt(
  current: IdpTemplate,
  r: { jwtEndpoint: string; issuer: string; keysEndpoint: string; headerName: string },
): TemplateDraft {
  const config = current.config as ConfigOf<'jwt'>;
  return {
    name: current.name,
    config: {
      ...config,
      jwtEndpoint: r.jwtEndpoint,
      issuer: r.issuer,
      keysEndpoint: r.keysEndpoint,
      headerName: r.headerName,
    },
    options: current.options,
    secrets: {},
  };
}

/** zitadel.idp.v1.IDP, the old API's view of a template it made. */
export function legacyIdpV1(t: IdpTemplate) {
  const c = t.config as Extract<IdpConfig, { kind: 'oidc' | 'jwt' }>;
  const legacy = c.legacy ?? {
    stylingType: 'unspecified',
    displayNameMapping: 'unspecified',
    usernameMapping: 'unspecified',
  };
  return {
    id: t.id,
    details: detailsV1(templateChange(t)),
    state: stateNumber(t),
    name: t.name,
    stylingType: STYLING.indexOf(legacy.stylingType),
    owner: t.orgId === null ? 1 : 2,
    config:
      c.kind === 'oidc'
        ? {
            case: 'oidcConfig' as const,
            value: {
              clientId: c.clientId,
              issuer: c.issuer,
              scopes: [...c.scopes],
              displayNameMapping: MAPPING.indexOf(legacy.displayNameMapping),
              usernameMapping: MAPPING.indexOf(legacy.usernameMapping),
            },
          }
        : {
            case: 'jwtConfig' as const,
            value: {
              jwtEndpoint: c.jwtEndpoint,
              issuer: c.issuer,
              keysEndpoint: c.keysEndpoint,
              headerName: c.headerName,
            },
          },
    autoRegister: t.options.isAutoCreation,
  };
}
