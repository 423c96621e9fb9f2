import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A machine user's client secret (client credentials grant); at most one per user, replaced by
 * AddSecret. Random and high-entropy, so only its SHA-256 is kept (`hashToken`).
 */
@Entity({ name: 'machine_secrets' })
export class MachineSecret {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
