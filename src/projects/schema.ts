// Entities, migrations and owned tables of projects, collected by src/schema.ts.
import { Projects1764835200000 } from './migrations/1764835200000-projects.js';
import { Project, ProjectGrant, ProjectRole } from './project.entity.js';

export const PROJECTS_ENTITIES: Function[] = [Project, ProjectRole, ProjectGrant];
export const PROJECTS_MIGRATIONS: Function[] = [Projects1764835200000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['projects', 'project_roles', 'project_grants'];
