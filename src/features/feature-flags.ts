/**
 * ZITADEL's feature flags (internal/feature): what each level may set, how a level inherits from
 * the one above, and where the browser is sent to sign in. Pure rules, no I/O.
 */

/** The levels flags are set at, top-down; a lower level inherits what it does not set itself. */
export type FeatureLevel = 'system' | 'instance' | 'organization' | 'user';

/** ZITADEL's `LoginV2` flag: whether every app signs in at the login v2, and where that login is. */
export interface LoginV2 {
  readonly required: boolean;
  /** Absolute http(s) URL or a path on the instance's own host; absent: the server's default login. */
  readonly baseUri?: string;
}

/** The flags of the pinned contract, by the contract's field names. */
export interface FeatureValues {
  readonly loginDefaultOrg?: boolean;
  readonly userSchema?: boolean;
  readonly oidcTokenExchange?: boolean;
  /** ZITADEL's ImprovedPerformance enum numbers. */
  readonly improvedPerformance?: readonly number[];
  readonly debugOidcParentError?: boolean;
  readonly oidcSingleV1SessionTermination?: boolean;
  readonly disableUserTokenEvent?: boolean;
  readonly enableBackChannelLogout?: boolean;
  readonly loginV2?: LoginV2;
  readonly permissionCheckV2?: boolean;
  readonly consoleUseV2UserApi?: boolean;
}

export type FeatureName = keyof FeatureValues;

export const BOOLEAN_FLAGS = [
  'loginDefaultOrg',
  'userSchema',
  'oidcTokenExchange',
  'debugOidcParentError',
  'oidcSingleV1SessionTermination',
  'disableUserTokenEvent',
  'enableBackChannelLogout',
  'permissionCheckV2',
  'consoleUseV2UserApi',
] as const satisfies readonly FeatureName[];

/**
 * ZITADEL's feature keys (snake case, as in its `feature.<level>.<key>.set` event types), which
 * are also the keys of the stored JSON.
 */
export const FEATURE_KEYS: Readonly<Record<FeatureName, string>> = {
  loginDefaultOrg: 'login_default_org',
  userSchema: 'user_schema',
  oidcTokenExchange: 'token_exchange',
  improvedPerformance: 'improved_performance',
  debugOidcParentError: 'debug_oidc_parent_error',
  oidcSingleV1SessionTermination: 'oidc_single_v1_session_termination',
  disableUserTokenEvent: 'disable_user_token_event',
  enableBackChannelLogout: 'enable_back_channel_logout',
  loginV2: 'login_v2',
  permissionCheckV2: 'permission_check_v2',
  consoleUseV2UserApi: 'console_use_v2_user_api',
};

/**
 * What each level's Set request carries in the pinned contract: the system has no
 * debugOidcParentError and consoleUseV2UserApi; organizations and users have no flags yet.
 */
export const FLAGS_BY_LEVEL: Readonly<Record<FeatureLevel, readonly FeatureName[]>> = {
  system: (Object.keys(FEATURE_KEYS) as FeatureName[]).filter(
    (f) => f !== 'debugOidcParentError' && f !== 'consoleUseV2UserApi',
  ),
  instance: Object.keys(FEATURE_KEYS) as FeatureName[],
  organization: [],
  user: [],
};

/**
 * The flags every new instance starts with, as ZITADEL's `DefaultInstance.Features`
 * (cmd/defaults.yaml): the login falls back to the instance's default org, and the console uses
 * the v2 user API. ZITADEL's default also sets `LoginV2.Required` without a base URI; it is left
 * out here because Portcullis reads a required login v2 as overriding an app's own login v2 base
 * URI, which the default must not do.
 */
export const DEFAULT_INSTANCE_FEATURES: FeatureValues = Object.freeze({
  loginDefaultOrg: true,
  consoleUseV2UserApi: true,
});

/** A flag's value and the level it came from (ZITADEL's `FeatureFlag{enabled, source}`). */
export interface ResolvedFlag<V> {
  readonly value: V;
  readonly source: FeatureLevel;
}

export type ResolvedFeatures = { readonly [K in FeatureName]?: ResolvedFlag<NonNullable<FeatureValues[K]>> };

/**
 * Each flag from the lowest level that sets it; `levels` top-down (system first). A flag no
 * level sets is absent (ZITADEL answers it disabled, source unspecified).
 */
export function resolveFeatures(levels: readonly { level: FeatureLevel; values: FeatureValues }[]): ResolvedFeatures {
  const resolved: Record<string, ResolvedFlag<unknown>> = {};
  for (const { level, values } of levels) {
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined) resolved[name] = { value, source: level };
    }
  }
  return resolved as ResolvedFeatures;
}

/** The flags of `next` that differ from `current`: what a Set writes an event for. */
export function changedFlags(current: FeatureValues, next: FeatureValues): FeatureValues {
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(next)) {
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(current[name as FeatureName])) changed[name] = value;
  }
  return changed as FeatureValues;
}

/** Why a login v2 base URI is unusable, or undefined: an absolute http(s) URL, or a path on the instance's host. */
export function loginBaseUriProblem(uri: string): string | undefined {
  if (uri.startsWith('/') && !uri.startsWith('//')) return undefined;
  try {
    const url = new URL(uri);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password) return undefined;
  } catch {
    /* not a URL */
  }
  return 'must be an absolute http(s) URL or a path starting with /';
}

/** How an app asked to sign in: ZITADEL's login version of the app and its own login v2 base URI. */
export interface AppLogin {
  readonly v2: boolean;
  readonly baseUri: string | null;
}

/**
 * The login base URL the browser is sent to (ZITADEL's CreateAuthRequest): when the instance
 * requires login v2, every app goes to its base URI, whatever the app configured; otherwise an
 * app on login v2 goes to its own base URI, else the instance's; every other app goes to the
 * server's own login (`hosted`, PORTCULLIS_LOGIN_UI_URL), which is also the fallback.
 */
export function loginBase(loginV2: LoginV2 | undefined, app: AppLogin, hosted: string): string {
  if (loginV2?.required) return loginV2.baseUri || hosted;
  if (app.v2) return app.baseUri || loginV2?.baseUri || hosted;
  return hosted;
}

/** No app: the device flow's verification page, whose login is chosen by the instance alone. */
export const NO_APP: AppLogin = { v2: false, baseUri: null };
