import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every mutation writes events, and each btree index on `events` cost about 7 % of a token
 * insert's throughput (pgbench, the client_credentials statement, 16 clients). The indexes kept
 * are those ZITADEL's event store has for the same reads: the primary key (an aggregate's
 * events), position per instance (the global order every list pages by), event type, and
 * aggregate id (the List*Changes methods). The editor and resource-owner filters of admin
 * ListEvents, which ZITADEL does not index either, are read along the instance's position order.
 * The creation-date filter gets a BRIN index: events are appended in creation order, so block
 * ranges narrow a date range for almost nothing per insert.
 */
export class EventWriteIndexes1767100000001 implements MigrationInterface {
  name = 'EventWriteIndexes1767100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_creator`);
    await q.query(`DROP INDEX IF EXISTS events_resource_owner`);
    await q.query(`DROP INDEX IF EXISTS events_created_at`);
    await q.query(`CREATE INDEX events_created_at ON events USING brin (created_at) WITH (autosummarize = on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_created_at`);
    await q.query(`CREATE INDEX events_created_at ON events (instance_id, created_at)`);
    await q.query(`CREATE INDEX events_creator ON events (instance_id, creator, position)`);
    await q.query(`CREATE INDEX events_resource_owner ON events (instance_id, resource_owner, position)`);
  }
}
