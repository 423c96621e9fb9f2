// Entities and migrations of projects, collected by src/schema.ts.
import { Projects1764835200000 } from './migrations/1764835200000-projects.js';
import { Project, ProjectGrant, ProjectRole } from './project.entity.js';

export const PROJECTS_ENTITIES: Function[] = [Project, ProjectRole, ProjectGrant];
export const PROJECTS_MIGRATIONS: Function[] = [Projects1764835200000];
