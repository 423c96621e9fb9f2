// How each named provider's user answer maps to the profile, on the shapes their documentation
// shows. Pure functions; the connectors fetch, these read.
import type { UpstreamUser } from './connector.js';
import { bool, compact, standardClaimsUser, str } from './oidc-claims.js';

/**
 * Google (OpenID Connect userinfo): the standard claims. Google's `hd` (hosted domain) stays in
 * the raw information.
 */
export const googleUser = (claims: Record<string, unknown>): UpstreamUser => standardClaimsUser(claims);

/** GitLab (OpenID Connect userinfo): the standard claims; `nickname` is the GitLab username. */
export function gitlabUser(claims: Record<string, unknown>): UpstreamUser {
  const user = standardClaimsUser(claims);
  return compact({ ...user, preferredUsername: user.preferredUsername ?? user.nickName });
}

/**
 * Microsoft Graph `GET /v1.0/me` (ZITADEL reads Azure AD users from Graph, by their `id`): the
 * user principal name is the username, `mail` the email, which counts as verified only when the
 * template says the tenant verifies emails.
 */
export function azureAdUser(me: Record<string, unknown>, emailVerified: boolean): UpstreamUser {
  const id = str(me.id);
  if (!id) throw new Error("Microsoft Graph's user has no id");
  const email = str(me.mail) ?? undefined;
  return compact({
    id,
    preferredUsername: str(me.userPrincipalName),
    email,
    emailVerified: email ? emailVerified : undefined,
    givenName: str(me.givenName),
    familyName: str(me.surname),
    displayName: str(me.displayName),
    phone: str(me.mobilePhone),
    preferredLanguage: str(me.preferredLanguage),
  });
}

/** One entry of GitHub's `GET /user/emails`. */
export interface GithubEmail {
  readonly email: string;
  readonly primary: boolean;
  readonly verified: boolean;
}

/**
 * GitHub `GET /user` (and `GET /user/emails` when the `user:email` scope allows it): the numeric
 * id, the login as username, the public email or else the primary one, verified as GitHub says.
 */
export function githubUser(user: Record<string, unknown>, emails: readonly GithubEmail[] = []): UpstreamUser {
  const id = str(user.id);
  if (!id) throw new Error("GitHub's user has no id");
  const primary = emails.find((e) => e.primary);
  const publicEmail = str(user.email);
  const email = publicEmail ?? primary?.email;
  const listed = emails.find((e) => e.email === email);
  return compact({
    id,
    preferredUsername: str(user.login),
    email,
    emailVerified: email ? (listed?.verified ?? false) : undefined,
    displayName: str(user.name),
    nickName: str(user.login),
    avatarUrl: str(user.avatar_url),
    profile: str(user.html_url),
  });
}

/** The `user` form field Apple posts on the first sign-in only: `{"name":{"firstName","lastName"},"email"}`. */
export interface AppleFirstSignIn {
  readonly name?: { readonly firstName?: string; readonly lastName?: string };
  readonly email?: string;
}

/**
 * Apple: the ID token's claims (there is no userinfo endpoint); `email_verified` may be the
 * string "true". The name comes only in the first sign-in's `user` form field.
 */
export function appleUser(claims: Record<string, unknown>, firstSignIn?: AppleFirstSignIn): UpstreamUser {
  const id = str(claims.sub);
  if (!id) throw new Error("Apple's ID token has no sub");
  const email = str(claims.email) ?? firstSignIn?.email;
  const givenName = firstSignIn?.name?.firstName || undefined;
  const familyName = firstSignIn?.name?.lastName || undefined;
  return compact({
    id,
    preferredUsername: email,
    email,
    emailVerified: bool(claims.email_verified),
    givenName,
    familyName,
    displayName: givenName || familyName ? [givenName, familyName].filter(Boolean).join(' ') : undefined,
  });
}

/** Apple's `user` field, when present and well formed. */
export function parseAppleUser(value: string | undefined): AppleFirstSignIn | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as AppleFirstSignIn) : undefined;
  } catch {
    return undefined;
  }
}
