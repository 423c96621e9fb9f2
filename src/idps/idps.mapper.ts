import type { Duration } from '@bufbuild/protobuf/wkt';
import {
  NO_LDAP_ATTRIBUTES,
  type IdpConfig,
  type IdpKind,
  type IdpOptions,
  type IdpTemplate,
  type LdapAttributes,
  type SamlBinding,
  type SamlNameIdFormat,
} from './idp-config.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import type { TemplateCommand } from './idp-templates.service.js';
import * as errors from './idps.errors.js';

// zitadel.idp.v1 and zitadel.idp.v2 number their enums alike (ProviderType / IDPType, SAMLBinding,
// SAMLNameIDFormat, AutoLinkingOption, AzureADTenantType, IDPState): one table serves both.

const KIND_NUMBER: Readonly<Record<IdpKind, number>> = {
  oidc: 1,
  jwt: 2,
  ldap: 3,
  oauth: 4,
  azureAd: 5,
  github: 6,
  githubEs: 7,
  gitlab: 8,
  gitlabSelfHosted: 9,
  google: 10,
  apple: 11,
  saml: 12,
};
const BINDINGS: readonly SamlBinding[] = ['unspecified', 'post', 'redirect', 'artifact'];
const NAME_ID_FORMATS: readonly SamlNameIdFormat[] = ['unspecified', 'emailAddress', 'persistent', 'transient'];
const AUTO_LINKING = ['none', 'username', 'email'] as const;
const TENANT_TYPES = ['common', 'organisations', 'consumers'] as const;

export const kindNumber = (kind: IdpKind): number => KIND_NUMBER[kind];

function fromEnum<T>(values: readonly T[], n: number | undefined, field: string): T {
  const v = values[n ?? 0];
  if (v === undefined) throw errors.badEnum(field);
  return v;
}

// ---- requests -> drafts ---------------------------------------------------------------------

interface OptionsMessage {
  isLinkingAllowed: boolean;
  isCreationAllowed: boolean;
  isAutoCreation: boolean;
  isAutoUpdate: boolean;
  autoLinking: number;
}

/** Absent options are all off, as a ZITADEL request without provider_options stores them. */
export function optionsFrom(o: OptionsMessage | undefined): IdpOptions {
  return {
    isLinkingAllowed: o?.isLinkingAllowed ?? false,
    isCreationAllowed: o?.isCreationAllowed ?? false,
    isAutoCreation: o?.isAutoCreation ?? false,
    isAutoUpdate: o?.isAutoUpdate ?? false,
    autoLinking: fromEnum(AUTO_LINKING, o?.autoLinking, 'provider_options.auto_linking'),
  };
}

interface Named {
  name: string;
  providerOptions?: OptionsMessage;
}

const command = (
  req: Named,
  config: IdpConfig,
  secrets: TemplateCommand['draft']['secrets'] = {},
): TemplateCommand => ({
  draft: { name: req.name, config, options: optionsFrom(req.providerOptions), secrets },
});

export const oidcCommand = (
  r: Named & {
    issuer: string;
    clientId: string;
    clientSecret: string;
    scopes: string[];
    isIdTokenMapping: boolean;
    usePkce: boolean;
  },
) =>
  command(
    r,
    {
      kind: 'oidc',
      issuer: r.issuer,
      clientId: r.clientId,
      scopes: r.scopes,
      isIdTokenMapping: r.isIdTokenMapping,
      usePkce: r.usePkce,
    },
    { clientSecret: r.clientSecret },
  );

export const oauthCommand = (
  r: Named & {
    clientId: string;
    clientSecret: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    userEndpoint: string;
    scopes: string[];
    idAttribute: string;
    usePkce: boolean;
  },
) =>
  command(
    r,
    {
      kind: 'oauth',
      clientId: r.clientId,
      authorizationEndpoint: r.authorizationEndpoint,
      tokenEndpoint: r.tokenEndpoint,
      userEndpoint: r.userEndpoint,
      scopes: r.scopes,
      idAttribute: r.idAttribute,
      usePkce: r.usePkce,
    },
    { clientSecret: r.clientSecret },
  );

export const jwtCommand = (
  r: Named & { issuer: string; jwtEndpoint: string; keysEndpoint: string; headerName: string },
) =>
  command(r, {
    kind: 'jwt',
    issuer: r.issuer,
    jwtEndpoint: r.jwtEndpoint,
    keysEndpoint: r.keysEndpoint,
    headerName: r.headerName,
  });

type ClientRequest = Named & { clientId: string; clientSecret: string; scopes: string[] };

export const simpleCommand = (kind: 'google' | 'github' | 'gitlab', r: ClientRequest) =>
  command(r, { kind, clientId: r.clientId, scopes: r.scopes }, { clientSecret: r.clientSecret });

export const githubEsCommand = (
  r: ClientRequest & { authorizationEndpoint: string; tokenEndpoint: string; userEndpoint: string },
) =>
  command(
    r,
    {
      kind: 'githubEs',
      clientId: r.clientId,
      authorizationEndpoint: r.authorizationEndpoint,
      tokenEndpoint: r.tokenEndpoint,
      userEndpoint: r.userEndpoint,
      scopes: r.scopes,
    },
    { clientSecret: r.clientSecret },
  );

export const gitlabSelfHostedCommand = (r: ClientRequest & { issuer: string }) =>
  command(
    r,
    { kind: 'gitlabSelfHosted', issuer: r.issuer, clientId: r.clientId, scopes: r.scopes },
    { clientSecret: r.clientSecret },
  );

interface TenantMessage {
  type:
    | { case: 'tenantType'; value: number }
    | { case: 'tenantId'; value: string }
    | { case: undefined; value?: undefined };
}

export const azureAdCommand = (r: ClientRequest & { tenant?: TenantMessage; emailVerified: boolean }) => {
  const t = r.tenant?.type;
  const tenant =
    t?.case === 'tenantId'
      ? { id: t.value }
      : { type: fromEnum(TENANT_TYPES, t?.case === 'tenantType' ? t.value : 0, 'tenant.tenant_type') };
  return command(
    r,
    { kind: 'azureAd', clientId: r.clientId, tenant, emailVerified: r.emailVerified, scopes: r.scopes },
    { clientSecret: r.clientSecret },
  );
};

export const appleCommand = (
  r: Named & { clientId: string; teamId: string; keyId: string; privateKey: Uint8Array; scopes: string[] },
) =>
  command(
    r,
    { kind: 'apple', clientId: r.clientId, teamId: r.teamId, keyId: r.keyId, scopes: r.scopes },
    { privateKey: Buffer.from(r.privateKey).toString('utf8') },
  );

function durationMs(d: Duration | undefined): number {
  return d ? Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6) : 0;
}

export const ldapCommand = (
  r: Named & {
    servers: string[];
    startTls: boolean;
    baseDn: string;
    bindDn: string;
    bindPassword: string;
    userBase: string;
    userObjectClasses: string[];
    userFilters: string[];
    timeout?: Duration;
    attributes?: Partial<LdapAttributes>;
    rootCa: Uint8Array;
  },
) => {
  const attributes = Object.fromEntries(
    Object.keys(NO_LDAP_ATTRIBUTES).map((k) => [
      k,
      (r.attributes?.[k as keyof LdapAttributes] as string | undefined) ?? '',
    ]),
  ) as unknown as LdapAttributes;
  const rootCa = Buffer.from(r.rootCa).toString('utf8');
  return command(
    r,
    {
      kind: 'ldap',
      servers: r.servers,
      startTls: r.startTls,
      baseDn: r.baseDn,
      bindDn: r.bindDn,
      userBase: r.userBase,
      userObjectClasses: r.userObjectClasses,
      userFilters: r.userFilters,
      timeoutMs: durationMs(r.timeout),
      attributes,
      ...(rootCa ? { rootCa } : {}),
    },
    { bindPassword: r.bindPassword },
  );
};

export const samlCommand = (
  r: Named & {
    metadata:
      | { case: 'metadataXml'; value: Uint8Array }
      | { case: 'metadataUrl'; value: string }
      | { case: undefined; value?: undefined };
    binding: number;
    withSignedRequest: boolean;
    nameIdFormat?: number;
    transientMappingAttributeName?: string;
    federatedLogoutEnabled?: boolean;
  },
): TemplateCommand => {
  const base = command(r, {
    kind: 'saml',
    metadataXml: r.metadata.case === 'metadataXml' ? Buffer.from(r.metadata.value).toString('utf8') : '',
    binding: fromEnum(BINDINGS, r.binding, 'binding'),
    withSignedRequest: r.withSignedRequest,
    // ZITADEL's default when the request leaves name_id_format out.
    nameIdFormat:
      r.nameIdFormat === undefined ? 'persistent' : fromEnum(NAME_ID_FORMATS, r.nameIdFormat, 'name_id_format'),
    transientMappingAttributeName: r.transientMappingAttributeName,
    federatedLogoutEnabled: r.federatedLogoutEnabled ?? false,
  });
  return r.metadata.case === 'metadataUrl' ? { ...base, metadataUrl: r.metadata.value } : base;
};

// ---- templates -> messages ------------------------------------------------------------------

const durationOf = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

export function optionsMessage(o: IdpOptions) {
  return {
    isLinkingAllowed: o.isLinkingAllowed,
    isCreationAllowed: o.isCreationAllowed,
    isAutoCreation: o.isAutoCreation,
    isAutoUpdate: o.isAutoUpdate,
    autoLinking: AUTO_LINKING.indexOf(o.autoLinking),
  };
}

/**
 * The `config` oneof of zitadel.idp.v1.ProviderConfig / zitadel.idp.v2.IDPConfig. Secrets are
 * not part of the configuration and so never in the answer. `withPkce`: only v1 has use_pkce.
 */
export function configOneof(c: IdpConfig, withPkce: boolean) {
  switch (c.kind) {
    case 'oidc':
      return {
        case: 'oidc' as const,
        value: {
          issuer: c.issuer,
          clientId: c.clientId,
          scopes: [...c.scopes],
          isIdTokenMapping: c.isIdTokenMapping,
          ...(withPkce ? { usePkce: c.usePkce } : {}),
        },
      };
    case 'oauth':
      return {
        case: 'oauth' as const,
        value: {
          clientId: c.clientId,
          authorizationEndpoint: c.authorizationEndpoint,
          tokenEndpoint: c.tokenEndpoint,
          userEndpoint: c.userEndpoint,
          scopes: [...c.scopes],
          idAttribute: c.idAttribute,
          ...(withPkce ? { usePkce: c.usePkce } : {}),
        },
      };
    case 'jwt':
      return {
        case: 'jwt' as const,
        value: { jwtEndpoint: c.jwtEndpoint, issuer: c.issuer, keysEndpoint: c.keysEndpoint, headerName: c.headerName },
      };
    case 'google':
    case 'github':
    case 'gitlab':
      return { case: c.kind, value: { clientId: c.clientId, scopes: [...c.scopes] } };
    case 'githubEs':
      return {
        case: 'githubEs' as const,
        value: {
          clientId: c.clientId,
          authorizationEndpoint: c.authorizationEndpoint,
          tokenEndpoint: c.tokenEndpoint,
          userEndpoint: c.userEndpoint,
          scopes: [...c.scopes],
        },
      };
    case 'gitlabSelfHosted':
      return {
        case: 'gitlabSelfHosted' as const,
        value: { issuer: c.issuer, clientId: c.clientId, scopes: [...c.scopes] },
      };
    case 'azureAd':
      return {
        case: 'azureAd' as const,
        value: {
          clientId: c.clientId,
          tenant: {
            type:
              'id' in c.tenant
                ? { case: 'tenantId' as const, value: c.tenant.id }
                : { case: 'tenantType' as const, value: TENANT_TYPES.indexOf(c.tenant.type) },
          },
          emailVerified: c.emailVerified,
          scopes: [...c.scopes],
        },
      };
    case 'apple':
      return {
        case: 'apple' as const,
        value: { clientId: c.clientId, teamId: c.teamId, keyId: c.keyId, scopes: [...c.scopes] },
      };
    case 'ldap':
      return {
        case: 'ldap' as const,
        value: {
          servers: [...c.servers],
          startTls: c.startTls,
          baseDn: c.baseDn,
          bindDn: c.bindDn,
          userBase: c.userBase,
          userObjectClasses: [...c.userObjectClasses],
          userFilters: [...c.userFilters],
          timeout: durationOf(c.timeoutMs),
          attributes: { ...c.attributes },
          rootCa: new Uint8Array(Buffer.from(c.rootCa ?? '', 'utf8')),
        },
      };
    case 'saml':
      return {
        case: 'saml' as const,
        value: {
          metadataXml: new Uint8Array(Buffer.from(c.metadataXml, 'utf8')),
          binding: BINDINGS.indexOf(c.binding),
          withSignedRequest: c.withSignedRequest,
          nameIdFormat: NAME_ID_FORMATS.indexOf(c.nameIdFormat),
          ...(c.transientMappingAttributeName !== undefined
            ? { transientMappingAttributeName: c.transientMappingAttributeName }
            : {}),
          federatedLogoutEnabled: c.federatedLogoutEnabled,
        },
      };
  }
}

/** IDPState: 1 active, 2 inactive. */
export const stateNumber = (t: IdpTemplate) => (t.state === 'active' ? 1 : 2);

/** A template's object details (v1 and v2 alike): owned by its org, or by the instance. */
export const templateChange = (t: IdpTemplate): ChangeInfo => ({
  sequence: t.sequence,
  creationDate: t.createdAt,
  changeDate: t.changedAt,
  resourceOwner: t.orgId ?? t.instanceId,
});
