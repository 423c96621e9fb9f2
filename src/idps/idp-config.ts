// The identity provider templates' domain model: one configuration shape per provider kind, as
// ZITADEL's zitadel.idp.v2.IDPConfig describes them, and the options every kind shares.
// Secrets (client secrets, the Apple key, the LDAP bind password, the SAML request-signing key)
// are not part of the configuration: they live sealed beside it (IdpSecrets) and are never returned.

export type IdpKind =
  | 'oidc'
  | 'jwt'
  | 'oauth'
  | 'ldap'
  | 'azureAd'
  | 'github'
  | 'githubEs'
  | 'gitlab'
  | 'gitlabSelfHosted'
  | 'google'
  | 'apple'
  | 'saml';

export type IdpState = 'active' | 'inactive';

/** How an upstream identity is matched to an existing user when none is linked yet. */
export type AutoLinking = 'none' | 'username' | 'email';

export interface IdpOptions {
  readonly isLinkingAllowed: boolean;
  readonly isCreationAllowed: boolean;
  readonly isAutoCreation: boolean;
  readonly isAutoUpdate: boolean;
  readonly autoLinking: AutoLinking;
}

export interface LdapAttributes {
  readonly idAttribute: string;
  readonly firstNameAttribute: string;
  readonly lastNameAttribute: string;
  readonly displayNameAttribute: string;
  readonly nickNameAttribute: string;
  readonly preferredUsernameAttribute: string;
  readonly emailAttribute: string;
  readonly emailVerifiedAttribute: string;
  readonly phoneAttribute: string;
  readonly phoneVerifiedAttribute: string;
  readonly preferredLanguageAttribute: string;
  readonly avatarUrlAttribute: string;
  readonly profileAttribute: string;
}

/** ZITADEL's LDAP attribute mapping when none is given: every user field unmapped. */
export const NO_LDAP_ATTRIBUTES: LdapAttributes = Object.freeze({
  idAttribute: '',
  firstNameAttribute: '',
  lastNameAttribute: '',
  displayNameAttribute: '',
  nickNameAttribute: '',
  preferredUsernameAttribute: '',
  emailAttribute: '',
  emailVerifiedAttribute: '',
  phoneAttribute: '',
  phoneVerifiedAttribute: '',
  preferredLanguageAttribute: '',
  avatarUrlAttribute: '',
  profileAttribute: '',
});

export type AzureTenant = { readonly type: 'common' | 'organisations' | 'consumers' } | { readonly id: string };

/** ZITADEL's OIDCMappingField: which claim the old IDP API maps to the display name or username. */
export type OidcMappingField = 'unspecified' | 'preferredUsername' | 'email';

/**
 * What ZITADEL's old IDP configuration API (AddOIDCIDP, AddJWTIDP, AddOrgOIDCIDP …) keeps beyond
 * a template: present only on templates made through it, which that API lists and changes.
 */
export interface LegacyIdpSettings {
  readonly stylingType: 'unspecified' | 'google';
  readonly displayNameMapping: OidcMappingField;
  readonly usernameMapping: OidcMappingField;
}

export type SamlBinding = 'unspecified' | 'post' | 'redirect' | 'artifact';
export type SamlNameIdFormat = 'unspecified' | 'emailAddress' | 'persistent' | 'transient';

export type IdpConfig =
  | {
      readonly kind: 'oidc';
      readonly issuer: string;
      readonly clientId: string;
      readonly scopes: readonly string[];
      readonly isIdTokenMapping: boolean;
      readonly usePkce: boolean;
      readonly legacy?: LegacyIdpSettings;
    }
  | {
      readonly kind: 'oauth';
      readonly clientId: string;
      readonly authorizationEndpoint: string;
      readonly tokenEndpoint: string;
      readonly userEndpoint: string;
      readonly scopes: readonly string[];
      readonly idAttribute: string;
      readonly usePkce: boolean;
    }
  | {
      readonly kind: 'jwt';
      readonly jwtEndpoint: string;
      readonly issuer: string;
      readonly keysEndpoint: string;
      readonly headerName: string;
      readonly legacy?: LegacyIdpSettings;
    }
  | { readonly kind: 'google'; readonly clientId: string; readonly scopes: readonly string[] }
  | { readonly kind: 'github'; readonly clientId: string; readonly scopes: readonly string[] }
  | {
      readonly kind: 'githubEs';
      readonly clientId: string;
      readonly authorizationEndpoint: string;
      readonly tokenEndpoint: string;
      readonly userEndpoint: string;
      readonly scopes: readonly string[];
    }
  | { readonly kind: 'gitlab'; readonly clientId: string; readonly scopes: readonly string[] }
  | {
      readonly kind: 'gitlabSelfHosted';
      readonly issuer: string;
      readonly clientId: string;
      readonly scopes: readonly string[];
    }
  | {
      readonly kind: 'azureAd';
      readonly clientId: string;
      readonly tenant: AzureTenant;
      readonly emailVerified: boolean;
      readonly scopes: readonly string[];
    }
  | {
      readonly kind: 'apple';
      readonly clientId: string;
      readonly teamId: string;
      readonly keyId: string;
      readonly scopes: readonly string[];
    }
  | {
      readonly kind: 'saml';
      readonly metadataXml: string;
      readonly binding: SamlBinding;
      readonly withSignedRequest: boolean;
      readonly nameIdFormat: SamlNameIdFormat;
      readonly transientMappingAttributeName?: string;
      readonly federatedLogoutEnabled: boolean;
    }
  | {
      readonly kind: 'ldap';
      readonly servers: readonly string[];
      readonly startTls: boolean;
      readonly baseDn: string;
      readonly bindDn: string;
      readonly userBase: string;
      readonly userObjectClasses: readonly string[];
      readonly userFilters: readonly string[];
      readonly timeoutMs: number;
      readonly attributes: LdapAttributes;
      readonly rootCa?: string;
    };

/** The configuration of one kind, e.g. `ConfigOf<'oidc'>`. */
export type ConfigOf<K extends IdpKind> = Extract<IdpConfig, { kind: K }>;

/**
 * The secrets of a template, sealed together with the master key in one column. Which ones a
 * kind has: clientSecret (every OAuth-based kind), privateKey (Apple's signing key, PEM),
 * bindPassword (LDAP), samlKey and samlCertificate (the key pair the SAML service provider signs
 * its requests with and publishes in its metadata; generated when the template is created).
 */
export interface IdpSecrets {
  readonly clientSecret?: string;
  readonly privateKey?: string;
  readonly bindPassword?: string;
  readonly samlKey?: string;
  readonly samlCertificate?: string;
}

/** A stored template; `orgId` null means an instance-level provider (admin API). */
export interface IdpTemplate {
  readonly instanceId: string;
  readonly id: string;
  readonly orgId: string | null;
  readonly name: string;
  readonly state: IdpState;
  readonly config: IdpConfig;
  readonly options: IdpOptions;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
}
