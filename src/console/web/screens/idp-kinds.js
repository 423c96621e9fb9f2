// The kinds of identity provider ZITADEL's v1 API adds (Add<Method> / Update<Method>), each
// described once as data: its fields in the request's own names, with how the form shows them.
// One form draws every kind from this table; the request and the form's values are made here.

/**
 * How a field is edited and sent:
 * text, url; secret (a password field, never shown, left empty on an update to keep the stored
 * one); list (words separated by spaces or commas, sent as an array); bool (a checkbox); bytes
 * (text sent as base64, as the API carries bytes in JSON); secretBytes (bytes and a secret);
 * choice (one of `choices`, the API's enum names); seconds (a google.protobuf.Duration);
 * tenant (Azure AD's tenant: common, organizations, consumers or a tenant id).
 * @typedef {'text' | 'url' | 'secret' | 'list' | 'bool' | 'bytes' | 'secretBytes' | 'choice' | 'seconds' | 'tenant'} FieldType
 * @typedef {{ key: string, type: FieldType, required?: boolean, choices?: string[], initial?: string | boolean }} FieldDef
 * @typedef {{ kind: string, method: string, fields: FieldDef[], redirect: 'oauth' | 'saml' | 'none' }} KindDef
 */

/** @param {string} key @param {FieldType} [type] @param {Partial<FieldDef>} [more] @returns {FieldDef} */
const f = (key, type = 'text', more = {}) => ({ key, type, ...more });

const CLIENT = [f('clientId', 'text', { required: true }), f('clientSecret', 'secret')];
const SCOPES = f('scopes', 'list');
const OAUTH_ENDPOINTS = [
  f('authorizationEndpoint', 'url', { required: true }),
  f('tokenEndpoint', 'url', { required: true }),
  f('userEndpoint', 'url', { required: true }),
];

/** LDAP's attribute mapping, every one of LDAPAttributes (an update replaces them all). */
export const LDAP_ATTRIBUTES = [
  'idAttribute',
  'firstNameAttribute',
  'lastNameAttribute',
  'displayNameAttribute',
  'nickNameAttribute',
  'preferredUsernameAttribute',
  'emailAttribute',
  'emailVerifiedAttribute',
  'phoneAttribute',
  'phoneVerifiedAttribute',
  'preferredLanguageAttribute',
  'avatarUrlAttribute',
  'profileAttribute',
];

/**
 * Every kind, by the key its config has in zitadel.idp.v1.ProviderConfig. `redirect` says what
 * the upstream must be told: the OAuth callback, SAML's service provider URLs, or nothing (LDAP).
 * @type {KindDef[]}
 */
export const KINDS = [
  {
    kind: 'oidc',
    method: 'GenericOIDCProvider',
    redirect: 'oauth',
    fields: [
      f('issuer', 'url', { required: true }),
      ...CLIENT,
      f('scopes', 'list', { initial: 'openid profile email' }),
      f('isIdTokenMapping', 'bool'),
      f('usePkce', 'bool', { initial: true }),
    ],
  },
  {
    kind: 'oauth',
    method: 'GenericOAuthProvider',
    redirect: 'oauth',
    fields: [...CLIENT, ...OAUTH_ENDPOINTS, SCOPES, f('idAttribute', 'text', { required: true }), f('usePkce', 'bool')],
  },
  {
    kind: 'jwt',
    method: 'JWTProvider',
    redirect: 'oauth',
    fields: [
      f('issuer', 'url', { required: true }),
      f('jwtEndpoint', 'url', { required: true }),
      f('keysEndpoint', 'url', { required: true }),
      f('headerName'),
    ],
  },
  { kind: 'google', method: 'GoogleProvider', redirect: 'oauth', fields: [...CLIENT, SCOPES] },
  {
    kind: 'azureAd',
    method: 'AzureADProvider',
    redirect: 'oauth',
    fields: [...CLIENT, f('tenant', 'tenant'), f('emailVerified', 'bool'), SCOPES],
  },
  { kind: 'github', method: 'GitHubProvider', redirect: 'oauth', fields: [...CLIENT, SCOPES] },
  {
    kind: 'githubEs',
    method: 'GitHubEnterpriseServerProvider',
    redirect: 'oauth',
    fields: [...CLIENT, ...OAUTH_ENDPOINTS, SCOPES],
  },
  { kind: 'gitlab', method: 'GitLabProvider', redirect: 'oauth', fields: [...CLIENT, SCOPES] },
  {
    kind: 'gitlabSelfHosted',
    method: 'GitLabSelfHostedProvider',
    redirect: 'oauth',
    fields: [f('issuer', 'url', { required: true }), ...CLIENT, SCOPES],
  },
  {
    kind: 'apple',
    method: 'AppleProvider',
    redirect: 'oauth',
    fields: [
      f('clientId', 'text', { required: true }),
      f('teamId', 'text', { required: true }),
      f('keyId', 'text', { required: true }),
      f('privateKey', 'secretBytes'),
      SCOPES,
    ],
  },
  {
    kind: 'saml',
    method: 'SAMLProvider',
    redirect: 'saml',
    fields: [
      f('metadataUrl', 'url'),
      f('metadataXml', 'bytes'),
      f('binding', 'choice', {
        choices: ['SAML_BINDING_UNSPECIFIED', 'SAML_BINDING_POST', 'SAML_BINDING_REDIRECT', 'SAML_BINDING_ARTIFACT'],
      }),
      f('withSignedRequest', 'bool'),
      f('nameIdFormat', 'choice', {
        choices: [
          'SAML_NAME_ID_FORMAT_UNSPECIFIED',
          'SAML_NAME_ID_FORMAT_PERSISTENT',
          'SAML_NAME_ID_FORMAT_EMAIL_ADDRESS',
          'SAML_NAME_ID_FORMAT_TRANSIENT',
        ],
      }),
      f('transientMappingAttributeName'),
      f('federatedLogoutEnabled', 'bool'),
    ],
  },
  {
    kind: 'ldap',
    method: 'LDAPProvider',
    redirect: 'none',
    fields: [
      f('servers', 'list', { required: true }),
      f('startTls', 'bool'),
      f('baseDn', 'text', { required: true }),
      f('bindDn', 'text', { required: true }),
      f('bindPassword', 'secret'),
      f('userBase', 'text', { required: true }),
      f('userObjectClasses', 'list', { required: true }),
      f('userFilters', 'list', { required: true }),
      f('timeout', 'seconds'),
      ...LDAP_ATTRIBUTES.map((a) => f(`attributes.${a}`)),
      f('rootCa', 'bytes'),
    ],
  },
];

/** @param {string} kind @returns {KindDef} */
export const kindDef = (kind) => KINDS.find((k) => k.kind === kind) ?? KINDS[0];

/** @param {any} provider a zitadel.idp.v1.Provider @returns {string} its kind, the key of its config */
export const kindOf = (provider) => Object.keys(provider?.config ?? {}).find((k) => k !== 'options') ?? 'oidc';

/** The options every kind has, as a new provider starts (users may link to it and be created by it). */
export const NEW_OPTIONS = {
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: false,
  isAutoUpdate: false,
  autoLinking: 'AUTO_LINKING_OPTION_UNSPECIFIED',
};

/**
 * A stored provider's options (JSON leaves out false flags and the zero enum).
 * @param {any} [stored] zitadel.idp.v1.Options
 * @returns {typeof NEW_OPTIONS}
 */
export const optionsOf = (stored) =>
  stored
    ? {
        isLinkingAllowed: stored.isLinkingAllowed === true,
        isCreationAllowed: stored.isCreationAllowed === true,
        isAutoCreation: stored.isAutoCreation === true,
        isAutoUpdate: stored.isAutoUpdate === true,
        autoLinking: stored.autoLinking ?? NEW_OPTIONS.autoLinking,
      }
    : { ...NEW_OPTIONS };

const AZURE_TENANTS = /** @type {Record<string, string>} */ ({
  common: 'AZURE_AD_TENANT_TYPE_COMMON',
  organizations: 'AZURE_AD_TENANT_TYPE_ORGANISATIONS',
  consumers: 'AZURE_AD_TENANT_TYPE_CONSUMERS',
});

/** @param {string} text */
const toBase64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
/** @param {string} b64 */
const fromBase64 = (b64) => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

/** @param {any} object @param {string} path dotted */
const read = (object, path) => path.split('.').reduce((o, k) => o?.[k], object);

/** @param {Record<string, any>} object @param {string} path dotted @param {unknown} value */
function write(object, path, value) {
  const keys = path.split('.');
  const last = /** @type {string} */ (keys.pop());
  let at = object;
  for (const k of keys) at = at[k] ??= {};
  at[last] = value;
}

/** @param {FieldDef} field @returns {string | boolean} an empty field's value */
const blank = (field) => (field.type === 'bool' ? false : field.type === 'choice' ? (field.choices?.[0] ?? '') : '');

/**
 * The form's values of a kind: empty for a new provider, or a stored one's config (its secrets
 * are never answered, so they stay empty).
 * @param {KindDef} def @param {any} [config] the provider's config of this kind
 * @returns {Record<string, string | boolean>}
 */
export function formValues(def, config) {
  /** @type {Record<string, string | boolean>} */
  const values = {};
  for (const field of def.fields) {
    const stored = config ? read(config, field.key) : undefined;
    // A stored provider's missing field is an empty one (JSON leaves out false and empty values).
    values[field.key] = config
      ? stored === undefined
        ? blank(field)
        : shown(field, stored)
      : (field.initial ?? blank(field));
  }
  return values;
}

/** @param {FieldDef} field @param {any} stored @returns {string | boolean} */
function shown(field, stored) {
  switch (field.type) {
    case 'bool':
      return stored === true;
    case 'list':
      return (stored ?? []).join(' ');
    case 'bytes':
      return fromBase64(String(stored));
    case 'seconds':
      return String(Number.parseFloat(String(stored)));
    case 'tenant':
      return (
        stored.tenantId ?? Object.keys(AZURE_TENANTS).find((k) => AZURE_TENANTS[k] === stored.tenantType) ?? 'common'
      );
    case 'secret':
    case 'secretBytes':
      return '';
    default:
      return String(stored);
  }
}

/**
 * The Add…/Update… request of a kind from the form. Empty optional fields are left out, so the
 * server's defaults apply; an empty secret on an update is left out, so the stored one stays.
 * @param {KindDef} def @param {string} name @param {Record<string, string | boolean>} values
 * @param {Record<string, unknown>} options zitadel.idp.v1.Options
 * @returns {Record<string, unknown>}
 */
export function providerRequest(def, name, values, options) {
  /** @type {Record<string, any>} */
  const body = { name: name.trim(), providerOptions: options };
  for (const field of def.fields) {
    const value = values[field.key];
    if (field.type === 'bool') {
      write(body, field.key, value === true);
      continue;
    }
    const text = String(value ?? '').trim();
    if (!text) continue;
    write(body, field.key, sent(field, text));
  }
  // SAML's metadata is one of the two: the URL to fetch it from wins over the pasted XML.
  if (def.kind === 'saml' && body.metadataUrl) delete body.metadataXml;
  return body;
}

/** @param {FieldDef} field @param {string} text not empty */
function sent(field, text) {
  switch (field.type) {
    case 'list':
      return text.split(/[\s,]+/).filter(Boolean);
    case 'bytes':
    case 'secretBytes':
      return toBase64(text);
    case 'seconds':
      return `${Number(text)}s`;
    case 'tenant':
      return AZURE_TENANTS[text.toLowerCase()] ? { tenantType: AZURE_TENANTS[text.toLowerCase()] } : { tenantId: text };
    default:
      return text;
  }
}

/**
 * What to register at the upstream so it sends users back: the OAuth/OIDC/JWT callback of the
 * instance, or for SAML the service provider's metadata and assertion consumer service (the URLs
 * ZITADEL names); LDAP has none.
 * @param {KindDef} def @param {string} issuer the instance's origin @param {string} id the provider's id
 * @returns {{ label: string, url: string }[]} label: an i18n key
 */
export function redirectUrls(def, issuer, id) {
  if (def.redirect === 'oauth') return [{ label: 'idps.callbackUrl', url: `${issuer}/idps/callback` }];
  if (def.redirect === 'saml') {
    return [
      { label: 'idps.samlMetadata', url: `${issuer}/idps/${id}/saml/metadata` },
      { label: 'idps.samlAcs', url: `${issuer}/idps/${id}/saml/acs` },
    ];
  }
  return [];
}
