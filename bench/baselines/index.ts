import type { Baseline } from '../harness/types.js';
import { argon2Verify } from './argon2.js';
import { oidcClientCredentials, oidcIntrospection, oidcRefresh, oidcUserinfo } from './oidc-provider.js';
import { httpPgSelect, httpPgSession, httpPgToken } from './http-pg.js';
import { pgInsert, pgList, pgSelect } from './raw-pg.js';

/** Measured in the same run as the scenarios, so ratios survive a noisy machine. */
export const BASELINES: readonly Baseline[] = [
  pgSelect,
  httpPgSelect,
  httpPgToken,
  pgInsert,
  pgList,
  argon2Verify,
  httpPgSession,
  oidcClientCredentials,
  oidcIntrospection,
  oidcRefresh,
  oidcUserinfo,
];
