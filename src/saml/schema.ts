// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Saml1765300000000 } from './migrations/1765300000000-saml.js';
import { SamlForceAuthn1765500000000 } from './migrations/1765500000000-saml-force-authn.js';
import { SamlCertificate, SamlRequest } from './saml.entity.js';

export const SAML_ENTITIES: Function[] = [SamlCertificate, SamlRequest];
export const SAML_MIGRATIONS: Function[] = [Saml1765300000000, SamlForceAuthn1765500000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['saml_certificates', 'saml_requests'];
