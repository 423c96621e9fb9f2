import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One audit event. The primary key makes the per-aggregate sequence unique, so two writers can
 * never both claim the same position in an aggregate's history. */
@Entity({ name: 'events' })
export class StoredEvent {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'aggregate_type', type: 'text' })
  aggregateType!: string;

  @PrimaryColumn({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @PrimaryColumn({ type: 'bigint' })
  sequence!: string;

  /** Global order of events across all aggregates. */
  @Column({ type: 'bigint', insert: false, update: false })
  position!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'text' })
  creator!: string;

  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
