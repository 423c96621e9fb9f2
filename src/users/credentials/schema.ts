// Entities and migrations of this module, collected by src/schema.ts.
import { MachineKey } from './machine-key.entity.js';
import { MachineSecret } from './machine-secret.entity.js';
import { UserCredentials1764489600000 } from './migrations/1764489600000-user-credentials.js';

export const CREDENTIALS_ENTITIES: Function[] = [MachineKey, MachineSecret];
export const CREDENTIALS_MIGRATIONS: Function[] = [UserCredentials1764489600000];
