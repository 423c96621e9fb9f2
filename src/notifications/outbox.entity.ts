import { Column, Entity, PrimaryColumn } from 'typeorm';

export type OutboxState = 'pending' | 'sent' | 'failed';

/**
 * One queued notification. Only what operators may see is in clear (channel, template, user,
 * state, attempts, errors); the recipient, the code and the link template are in `payload`,
 * sealed with the master key, and cleared once the row is finished.
 */
@Entity({ name: 'notification_outbox' })
export class OutboxNotification {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  channel!: 'email' | 'sms';

  @Column({ type: 'text' })
  template!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  /** `MasterKey.encrypt(JSON.stringify(OutboundNotification))`; null once sent or failed. */
  @Column({ type: 'text', nullable: true })
  payload!: string | null;

  @Column({ type: 'text' })
  state!: OutboxState;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Why the last attempt failed, with the notification's secrets scrubbed out. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
