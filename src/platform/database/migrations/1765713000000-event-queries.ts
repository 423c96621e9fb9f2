import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read side of the audit trail (admin ListEvents, the List*Changes methods): one index per
 * filter that can stand alone, each ending in the global order the lists page by. Aggregate
 * type + id is the primary key already; event types have events_type.
 */
export class EventQueries1765713000000 implements MigrationInterface {
  name = 'EventQueries1765713000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_aggregate_id ON events (instance_id, aggregate_id, position)`);
    await q.query(`CREATE INDEX events_resource_owner ON events (instance_id, resource_owner, position)`);
    await q.query(`CREATE INDEX events_creator ON events (instance_id, creator, position)`);
    await q.query(`CREATE INDEX events_created_at ON events (instance_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['events_aggregate_id', 'events_resource_owner', 'events_creator', 'events_created_at'])
      await q.query(`DROP INDEX IF EXISTS ${index}`);
  }
}
