import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event executions' outbox. A trigger on `events` queues, in the transaction that writes the
 * event, one row for the most specific event execution of the instance that matches it (the
 * event type, then its groups from the narrowest, `user.human.*` before `user.*`, then all
 * events), so a rolled-back change queues nothing and a committed one is never missed, whichever
 * process wrote it. The worker (event-delivery.ts) delivers the rows after commit. The event's
 * data is copied: the row is self-contained. Drop audits (`execution.event.dropped`) are never
 * queued, or a failing target for all events would feed itself.
 */
export class ActionEventOutbox1766000100000 implements MigrationInterface {
  name = 'ActionEventOutbox1766000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE action_event_outbox (
      id bigserial PRIMARY KEY,
      instance_id text NOT NULL,
      execution_id text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      sequence bigint NOT NULL,
      event_type text NOT NULL,
      payload jsonb NOT NULL,
      creator text NOT NULL,
      resource_owner text NOT NULL,
      event_created_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text
    )`);
    await q.query(`CREATE INDEX action_event_outbox_due ON action_event_outbox (next_attempt_at)`);
    // Delivery in order per aggregate: an event waits while an earlier one of its aggregate is queued.
    await q.query(
      `CREATE INDEX action_event_outbox_aggregate ON action_event_outbox (instance_id, aggregate_type, aggregate_id, sequence)`,
    );
    await q.query(
      `CREATE INDEX action_executions_events ON action_executions (instance_id) WHERE execution_type = 'event'`,
    );
    await q.query(`CREATE FUNCTION portcullis_queue_event_execution() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        parts text[];
        candidates text[];
        chosen text;
      BEGIN
        IF NEW.event_type = 'execution.event.dropped' THEN RETURN NULL; END IF;
        IF NOT EXISTS (SELECT 1 FROM action_executions
                        WHERE instance_id = NEW.instance_id AND execution_type = 'event') THEN
          RETURN NULL;
        END IF;
        parts := string_to_array(NEW.event_type, '.');
        candidates := ARRAY['event/' || NEW.event_type];
        FOR i IN REVERSE coalesce(array_length(parts, 1), 1) - 1 .. 1 LOOP
          candidates := candidates || ('event/' || array_to_string(parts[1:i], '.') || '.*');
        END LOOP;
        candidates := candidates || 'event'::text;
        SELECT e.id INTO chosen
          FROM unnest(candidates) WITH ORDINALITY AS c(id, n)
          JOIN action_executions e ON e.instance_id = NEW.instance_id AND e.id = c.id
         ORDER BY c.n LIMIT 1;
        IF chosen IS NULL THEN RETURN NULL; END IF;
        INSERT INTO action_event_outbox (instance_id, execution_id, aggregate_type, aggregate_id, sequence,
            event_type, payload, creator, resource_owner, event_created_at)
          VALUES (NEW.instance_id, chosen, NEW.aggregate_type, NEW.aggregate_id, NEW.sequence,
            NEW.event_type, NEW.payload, NEW.creator, NEW.resource_owner, NEW.created_at);
        PERFORM pg_notify('portcullis_action_events', NEW.instance_id);
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER queue_event_execution AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION portcullis_queue_event_execution()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS queue_event_execution ON events`);
    await q.query(`DROP FUNCTION IF EXISTS portcullis_queue_event_execution()`);
    await q.query(`DROP INDEX IF EXISTS action_executions_events`);
    await q.query(`DROP TABLE IF EXISTS action_event_outbox`);
  }
}
