// Entities and owned tables of orgs, collected by src/schema.ts (its tables came with the
// foundation migration, which stays where it was applied from).
import { Org, OrgDomain, OrgMetadata } from './org.entity.js';

export const ORGS_ENTITIES: Function[] = [Org, OrgDomain, OrgMetadata];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['orgs', 'org_domains', 'org_metadata'];
