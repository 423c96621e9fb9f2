/**
 * The rules a provider template must keep before it is stored, per kind, as ZITADEL's commands
 * check them (internal/command/instance_idp.go, org_idp.go): the fields each kind needs, secrets
 * required when a template is added and optional when it is updated (empty keeps the stored one),
 * endpoints as absolute URLs, LDAP servers as ldap(s) URLs, Apple's ten-character ids, SAML
 * metadata that is an identity provider's EntityDescriptor. Pure: no I/O.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { DomainError } from '../platform/errors/domain-error.js';
import { childElements, MD_NS, readEntityDescriptor } from '../platform/xml/metadata-xml.js';
import type { IdpConfig, IdpKind, IdpOptions, IdpSecrets } from './idp-config.js';
import * as errors from './idps.errors.js';

export type TemplateLevel = 'instance' | 'org';
export type TemplateChange = 'added' | 'changed';

/** What a caller sends to add or update a template; secrets in clear, absent or empty when not given. */
export interface TemplateDraft {
  readonly name: string;
  readonly config: IdpConfig;
  readonly options: IdpOptions;
  readonly secrets: Pick<IdpSecrets, 'clientSecret' | 'privateKey' | 'bindPassword'>;
}

/** The kinds ZITADEL names itself in the login when the template has no name. */
const NAME_OPTIONAL: ReadonlySet<IdpKind> = new Set(['google', 'github', 'gitlab', 'apple']);

/** The kinds whose client authenticates with a client secret. */
const CLIENT_SECRET_KINDS: ReadonlySet<IdpKind> = new Set([
  'oidc',
  'oauth',
  'azureAd',
  'github',
  'githubEs',
  'gitlab',
  'gitlabSelfHosted',
  'google',
]);

/** ZITADEL's event type segment per kind: `instance.idp.<segment>.added`, `org.idp.<segment>.changed`. */
const EVENT_SEGMENT: Readonly<Record<IdpKind, string>> = {
  oidc: 'oidc',
  jwt: 'jwt',
  oauth: 'oauth',
  ldap: 'ldap',
  azureAd: 'azure',
  github: 'github',
  githubEs: 'github_enterprise',
  gitlab: 'gitlab',
  gitlabSelfHosted: 'gitlab_self_hosted',
  google: 'google',
  apple: 'apple',
  saml: 'saml',
};

export function templateEventType(level: TemplateLevel, kind: IdpKind, change: TemplateChange): string {
  return `${level}.idp.${EVENT_SEGMENT[kind]}.${change}`;
}

export function templateRemovedEventType(level: TemplateLevel): string {
  return `${level}.idp.removed`;
}

/** Apple's team id and key id are ten characters (Sign in with Apple, "Create the client secret"). */
export const APPLE_ID_LENGTH = 10;

const trim = (s: string | undefined) => (s ?? '').trim();
const list = (values: readonly string[]) => values.map((v) => v.trim()).filter((v) => v.length > 0);

function need(value: string, field: string): string {
  const v = trim(value);
  if (!v) throw errors.required(field);
  return v;
}

/** An absolute http(s) URL without user info (credentials in a stored URL would leak in answers). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

function url(value: string, field: string): string {
  const v = need(value, field);
  if (!isHttpUrl(v)) throw errors.notUrl(field);
  return v;
}

function ldapServer(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'ldap:' || u.protocol === 'ldaps:') && u.hostname.length > 0 && !u.username;
  } catch {
    return false;
  }
}

/**
 * The draft with its strings trimmed and empty list entries dropped, or the first broken rule as
 * INVALID_ARGUMENT naming the field (the request's own field name). `mode` 'update' lets secrets
 * be empty: the stored ones stay.
 */
export function checkedDraft(draft: TemplateDraft, mode: 'add' | 'update'): TemplateDraft {
  const c = draft.config;
  const name = NAME_OPTIONAL.has(c.kind) ? trim(draft.name) : need(draft.name, 'name');
  const secrets: { clientSecret?: string; privateKey?: string; bindPassword?: string } = {};
  if (CLIENT_SECRET_KINDS.has(c.kind)) {
    const secret = trim(draft.secrets.clientSecret);
    if (mode === 'add' && !secret) throw errors.required('client_secret');
    if (secret) secrets.clientSecret = secret;
  }
  const config = checkedConfig(c);
  if (c.kind === 'apple') {
    const key = trim(draft.secrets.privateKey);
    if (mode === 'add' && !key) throw errors.required('private_key');
    if (key) secrets.privateKey = privateKeyPem(key, 'private_key');
  }
  if (c.kind === 'ldap') {
    const password = draft.secrets.bindPassword ?? '';
    if (mode === 'add' && !password.trim()) throw errors.required('bind_password');
    if (password.trim()) secrets.bindPassword = password;
  }
  return { name, config, options: draft.options, secrets };
}

function checkedConfig(c: IdpConfig): IdpConfig {
  switch (c.kind) {
    case 'oidc':
      return {
        ...c,
        issuer: url(c.issuer, 'issuer'),
        clientId: need(c.clientId, 'client_id'),
        scopes: list(c.scopes),
      };
    case 'oauth':
      return {
        ...c,
        clientId: need(c.clientId, 'client_id'),
        authorizationEndpoint: url(c.authorizationEndpoint, 'authorization_endpoint'),
        tokenEndpoint: url(c.tokenEndpoint, 'token_endpoint'),
        userEndpoint: url(c.userEndpoint, 'user_endpoint'),
        idAttribute: need(c.idAttribute, 'id_attribute'),
        scopes: list(c.scopes),
      };
    case 'jwt':
      return {
        ...c,
        issuer: need(c.issuer, 'issuer'),
        jwtEndpoint: url(c.jwtEndpoint, 'jwt_endpoint'),
        keysEndpoint: url(c.keysEndpoint, 'keys_endpoint'),
        headerName: need(c.headerName, 'header_name'),
      };
    case 'google':
    case 'github':
    case 'gitlab':
      return { ...c, clientId: need(c.clientId, 'client_id'), scopes: list(c.scopes) };
    case 'githubEs':
      return {
        ...c,
        clientId: need(c.clientId, 'client_id'),
        authorizationEndpoint: url(c.authorizationEndpoint, 'authorization_endpoint'),
        tokenEndpoint: url(c.tokenEndpoint, 'token_endpoint'),
        userEndpoint: url(c.userEndpoint, 'user_endpoint'),
        scopes: list(c.scopes),
      };
    case 'gitlabSelfHosted':
      return { ...c, issuer: url(c.issuer, 'issuer'), clientId: need(c.clientId, 'client_id'), scopes: list(c.scopes) };
    case 'azureAd': {
      const tenant = 'id' in c.tenant ? { id: need(c.tenant.id, 'tenant.tenant_id') } : c.tenant;
      return { ...c, clientId: need(c.clientId, 'client_id'), tenant, scopes: list(c.scopes) };
    }
    case 'apple': {
      const teamId = need(c.teamId, 'team_id');
      if (teamId.length !== APPLE_ID_LENGTH) throw errors.badLength('team_id', APPLE_ID_LENGTH);
      const keyId = need(c.keyId, 'key_id');
      if (keyId.length !== APPLE_ID_LENGTH) throw errors.badLength('key_id', APPLE_ID_LENGTH);
      return { ...c, clientId: need(c.clientId, 'client_id'), teamId, keyId, scopes: list(c.scopes) };
    }
    case 'ldap': {
      const servers = list(c.servers);
      if (servers.length === 0) throw errors.required('servers');
      if (!servers.every(ldapServer)) throw errors.notLdapUrl('servers');
      const userObjectClasses = list(c.userObjectClasses);
      if (userObjectClasses.length === 0) throw errors.required('user_object_classes');
      const userFilters = list(c.userFilters);
      if (userFilters.length === 0) throw errors.required('user_filters');
      if (!Number.isFinite(c.timeoutMs) || c.timeoutMs < 0) throw errors.badEnum('timeout');
      const rootCa = trim(c.rootCa);
      if (rootCa && !isCertificate(rootCa)) throw errors.badCertificate('root_ca');
      const attributes = Object.fromEntries(
        Object.entries(c.attributes).map(([k, v]) => [k, trim(v)]),
      ) as unknown as typeof c.attributes;
      return {
        ...c,
        servers,
        baseDn: need(c.baseDn, 'base_dn'),
        bindDn: need(c.bindDn, 'bind_dn'),
        userBase: need(c.userBase, 'user_base'),
        userObjectClasses,
        userFilters,
        attributes,
        ...(rootCa ? { rootCa } : { rootCa: undefined }),
      };
    }
    case 'saml': {
      checkIdpMetadata(c.metadataXml, 'metadata_xml');
      const transient = trim(c.transientMappingAttributeName);
      return { ...c, transientMappingAttributeName: transient || undefined };
    }
  }
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/** The key normalised to PKCS #8 PEM; Apple hands out `.p8` files in exactly that form. */
function privateKeyPem(pem: string, field: string): string {
  try {
    return createPrivateKey({ key: pem, format: 'pem' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch {
    throw errors.badPrivateKey(field);
  }
}

/**
 * SAML identity provider metadata (SAML Metadata §2.4.3): well-formed XML without a DOCTYPE (no
 * entity can be declared or fetched), an md:EntityDescriptor with an entityID holding an
 * IDPSSODescriptor with at least one SingleSignOnService at an absolute URL. Returns the entityID.
 */
export function checkIdpMetadata(xml: string, field: string): string {
  const refuse = (why: string): DomainError => errors.badMetadata(field, why);
  if (!xml.trim()) throw errors.required(field);
  const { root, entityId } = readEntityDescriptor(xml, (p) => {
    switch (p.problem) {
      case 'malformed':
        return refuse('is not well-formed XML');
      case 'doctype':
        return refuse('must not contain a DOCTYPE');
      case 'root':
        return refuse(`must have an EntityDescriptor in the ${MD_NS} namespace as its root element`);
      case 'entityId':
        return refuse('the EntityDescriptor must have an entityID');
    }
  });
  const idps = childElements(root, MD_NS, 'IDPSSODescriptor');
  if (idps.length === 0) throw refuse('must describe an identity provider (an IDPSSODescriptor)');
  const sso = idps.flatMap((d) => childElements(d, MD_NS, 'SingleSignOnService'));
  if (!sso.some((s) => isHttpUrl(s.getAttribute('Location')?.trim() ?? ''))) {
    throw refuse('the IDPSSODescriptor needs a SingleSignOnService with an absolute URL Location');
  }
  return entityId;
}

/** Whether an update changes anything stored (secrets count when given). */
export function changesTemplate(
  stored: { name: string; config: IdpConfig; options: IdpOptions },
  next: TemplateDraft,
): boolean {
  if (next.secrets.clientSecret || next.secrets.privateKey || next.secrets.bindPassword) return true;
  return (
    stored.name !== next.name ||
    canonicalJson(stored.config) !== canonicalJson(next.config) ||
    canonicalJson(stored.options) !== canonicalJson(next.options)
  );
}

/** JSON with object keys sorted and undefined values dropped: jsonb does not keep key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
