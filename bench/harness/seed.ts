import type { Client } from 'pg';

/** First id of the bulk-seeded users: `SEED_ID_BASE + i` for i = 1…n. */
export const SEED_ID_BASE = 800000000000000000n;

/**
 * Seeds `count` users into `orgId` with one INSERT … SELECT generate_series (100,000 users in a
 * few seconds), then VACUUM ANALYZE as autovacuum would have by now. Every fifth is inactive,
 * every fourth a machine; names repeat (GivenN mod 100, FamilyN mod 1000) so filters match sets.
 */
export async function seedUsers(db: Client, instanceId: string, orgId: string, count: number): Promise<number> {
  const started = Date.now();
  await db.query(
    `INSERT INTO users (instance_id, id, resource_owner, type, state, username, username_scope, given_name, family_name, nick_name, display_name,
                        email, email_verified, phone, created_at, changed_at, sequence)
     SELECT $1, ($4::bigint + i)::text, $2, CASE WHEN i % 4 = 0 THEN 'machine' ELSE 'human' END,
            CASE WHEN i % 5 = 0 THEN 'inactive' ELSE 'active' END, 'bench-' || i, '', 'Given' || (i % 100), 'Family' || (i % 1000),
            'n' || (i % 13), 'Given' || (i % 100) || ' Family' || (i % 1000), 'bench' || i || '@ex' || (i % 3) || '.com', true,
            '+4179' || lpad(i::text, 7, '0'), now() - (i || ' seconds')::interval, now(), 1
       FROM generate_series(1, $3) AS i`,
    [instanceId, orgId, count, SEED_ID_BASE.toString()],
  );
  await db.query('VACUUM ANALYZE users');
  return Date.now() - started;
}

/** The id of the i-th seeded user (1-based). */
export function seededUserId(i: number): string {
  return (SEED_ID_BASE + BigInt(i)).toString();
}
