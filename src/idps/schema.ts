// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { IdentityProviders1765900000000 } from './migrations/1765900000000-identity-providers.js';
import { LoginPolicyIdps1765910000000 } from './migrations/1765910000000-login-policy-idps.js';

export const IDPS_ENTITIES: Function[] = [];
export const IDPS_MIGRATIONS: Function[] = [IdentityProviders1765900000000, LoginPolicyIdps1765910000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['idp_templates', 'idp_intents', 'idp_links', 'login_policy_idps'];
