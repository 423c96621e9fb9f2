// Entities and migrations of this module, collected by src/schema.ts.
import { UserOtpChannel, UserTotp, UserWebAuthnCredential } from './mfa.entity.js';
import { UserMfa1764576000000 } from './migrations/1764576000000-user-mfa.js';

export const MFA_ENTITIES: Function[] = [UserTotp, UserOtpChannel, UserWebAuthnCredential];
export const MFA_MIGRATIONS: Function[] = [UserMfa1764576000000];
