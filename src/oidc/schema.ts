// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Oidc1765200000000 } from './migrations/1765200000000-oidc.js';
import { UserTokensEnd1766600000000 } from './migrations/1766600000000-user-tokens-end.js';
import { OidcPayloadsUnkeyed1767100000000 } from './migrations/1767100000000-oidc-payloads-unkeyed.js';

export const OIDC_ENTITIES: Function[] = [];
export const OIDC_MIGRATIONS: Function[] = [
  Oidc1765200000000,
  UserTokensEnd1766600000000,
  OidcPayloadsUnkeyed1767100000000,
];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['oidc_payloads'];
