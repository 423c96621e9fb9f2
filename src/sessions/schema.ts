// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Sessions1764748800000 } from './migrations/1764748800000-sessions.js';
import { SessionOtpCodesMoved1765613200000 } from './migrations/1765613200000-session-otp-codes-moved.js';
import { Session, UserLockout } from './session.entity.js';

export const SESSIONS_ENTITIES: Function[] = [Session, UserLockout];
export const SESSIONS_MIGRATIONS: Function[] = [Sessions1764748800000, SessionOtpCodesMoved1765613200000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['sessions', 'user_lockouts'];
