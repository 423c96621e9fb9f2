import type { ConfigOf, IdpKind, IdpSecrets, IdpTemplate } from '../idp-config.js';

/** What an upstream said about the person, mapped to ZITADEL's profile fields. */
export interface UpstreamUser {
  /** The upstream's stable id of the person (OIDC `sub`, OAuth id attribute, SAML NameID, LDAP id attribute). */
  readonly id: string;
  readonly preferredUsername?: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly displayName?: string;
  readonly nickName?: string;
  readonly phone?: string;
  readonly phoneVerified?: boolean;
  readonly preferredLanguage?: string;
  readonly avatarUrl?: string;
  readonly profile?: string;
}

/** The outcome of a successful upstream sign-in, kept (sealed) on the intent until it is retrieved. */
export interface IdpInformation {
  readonly user: UpstreamUser;
  /** ZITADEL's `rawInformation`: the claims, user info, SAML attributes or LDAP entry as received. */
  readonly raw: Record<string, unknown>;
  readonly oauth?: { readonly accessToken?: string; readonly idToken?: string; readonly refreshToken?: string };
  readonly saml?: { readonly assertion: string };
  readonly ldap?: { readonly attributes: Record<string, readonly string[]> };
}

/** Where the browser goes to sign in upstream: a redirect, or a form it posts (SAML POST binding). */
export type UpstreamStart =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'postForm'; readonly url: string; readonly fields: Readonly<Record<string, string>> };

export interface ConnectorContext {
  /** Opaque value the upstream hands back unchanged (OAuth `state`, SAML `RelayState`): the intent's id. */
  readonly state: string;
  /** Where the upstream sends the browser back (`{issuer}/idps/callback`, or the SAML ACS URL). */
  readonly callbackUrl: string;
}

/** What came back to the callback endpoint. */
export interface UpstreamCallback {
  readonly query: URLSearchParams;
  readonly body: URLSearchParams;
  /** The request's headers, lower-case names (a JWT provider's token arrives in one). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/**
 * A provider kind reached through the browser (OIDC, OAuth, JWT, the named providers, SAML).
 * `start` returns the values the finish needs (PKCE verifier, nonce, SAML request id); they are
 * kept sealed on the intent, never in one process's memory.
 */
export interface RedirectConnector<K extends IdpKind = IdpKind> {
  readonly kinds: readonly K[];
  start(
    template: IdpTemplate & { config: ConfigOf<K> },
    secrets: IdpSecrets,
    ctx: ConnectorContext,
  ): Promise<{ start: UpstreamStart; flowState: Record<string, string> }>;
  finish(
    template: IdpTemplate & { config: ConfigOf<K> },
    secrets: IdpSecrets,
    flowState: Record<string, string>,
    callback: UpstreamCallback,
    ctx: ConnectorContext,
  ): Promise<IdpInformation>;
}

/** A provider kind that checks a username and password itself (LDAP). */
export interface CredentialConnector<K extends IdpKind = IdpKind> {
  readonly kinds: readonly K[];
  check(
    template: IdpTemplate & { config: ConfigOf<K> },
    secrets: IdpSecrets,
    username: string,
    password: string,
  ): Promise<IdpInformation>;
}
