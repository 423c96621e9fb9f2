import type { UpstreamUser } from './connector.js';

/** A string claim, or undefined; numbers (GitHub's ids) are written out. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Booleans as providers send them: true, or the string "true" (Apple). */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Drops absent fields, so the stored profile has only what the upstream said. */
export function compact(user: UpstreamUser): UpstreamUser {
  return Object.fromEntries(Object.entries(user).filter(([, v]) => v !== undefined)) as unknown as UpstreamUser;
}

/**
 * The OpenID Connect standard claims (OIDC Core §5.1) to the profile, as ZITADEL's OIDC and
 * generic OAuth providers read them; `id` is `sub`, or the template's id attribute for OAuth.
 */
export function standardClaimsUser(claims: Record<string, unknown>, idAttribute = 'sub'): UpstreamUser {
  const id = str(claims[idAttribute]);
  if (!id) throw new Error(`the upstream's user has no ${idAttribute}`);
  return compact({
    id,
    preferredUsername: str(claims.preferred_username),
    email: str(claims.email),
    emailVerified: bool(claims.email_verified),
    givenName: str(claims.given_name),
    familyName: str(claims.family_name),
    displayName: str(claims.name),
    nickName: str(claims.nickname),
    phone: str(claims.phone_number),
    phoneVerified: bool(claims.phone_number_verified),
    preferredLanguage: str(claims.locale),
    avatarUrl: str(claims.picture),
    profile: str(claims.profile),
  });
}
