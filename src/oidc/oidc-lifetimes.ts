export interface OidcLifetimes {
  readonly accessTokenSeconds: number;
  readonly idTokenSeconds: number;
  readonly refreshTokenIdleSeconds: number;
  readonly refreshTokenAbsoluteSeconds: number;
}

/** ZITADEL's default OIDC settings (its v1 admin API changes them; Portcullis does not serve that yet). */
export const OIDC_LIFETIMES: OidcLifetimes = {
  accessTokenSeconds: 12 * 3600,
  idTokenSeconds: 12 * 3600,
  refreshTokenIdleSeconds: 30 * 24 * 3600,
  refreshTokenAbsoluteSeconds: 90 * 24 * 3600,
};
