import type Provider from 'oidc-provider';
import { DEFAULT_OIDC_SETTINGS, type OidcSettings } from '../settings/policies.queries.js';

/** The instance's OIDC settings in the seconds oidc-provider counts in. */
export interface OidcLifetimes {
  readonly accessTokenSeconds: number;
  readonly idTokenSeconds: number;
  readonly refreshTokenIdleSeconds: number;
  readonly refreshTokenAbsoluteSeconds: number;
}

export function lifetimesFrom(settings: OidcSettings): OidcLifetimes {
  const seconds = (ms: number) => Math.max(1, Math.floor(ms / 1000));
  return {
    accessTokenSeconds: seconds(settings.accessTokenLifetimeMs),
    idTokenSeconds: seconds(settings.idTokenLifetimeMs),
    refreshTokenIdleSeconds: seconds(settings.refreshTokenIdleExpirationMs),
    refreshTokenAbsoluteSeconds: seconds(settings.refreshTokenExpirationMs),
  };
}

/** Each provider is built for one instance's settings; tokens minted beside its grants use the same. */
const BY_PROVIDER = new WeakMap<Provider, OidcLifetimes>();

export function attachLifetimes(provider: Provider, lifetimes: OidcLifetimes): void {
  BY_PROVIDER.set(provider, lifetimes);
}

export function lifetimesOf(provider: Provider): OidcLifetimes {
  return BY_PROVIDER.get(provider) ?? lifetimesFrom(DEFAULT_OIDC_SETTINGS);
}
