import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which app of which project is an instance's console (ZITADEL keeps the same on its instance:
 * the IAM project and the console's app and client ids).
 */
@Entity({ name: 'console_clients' })
export class ConsoleClient {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @Column({ name: 'project_id', type: 'text' })
  projectId!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
