import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A machine user's personal access token; only the SHA-256 of the token is stored. */
@Entity({ name: 'personal_access_tokens' })
export class PersonalAccessToken {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
