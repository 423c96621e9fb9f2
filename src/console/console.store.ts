import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../platform/database/transactions.js';
import { Instance } from '../platform/tenancy/instance.entity.js';
import { ConsoleClient } from './console-client.entity.js';

/** The console_clients rows, and the instances and domains the console is set up on. */
@Injectable()
export class ConsoleStore {
  constructor(private readonly tx: Transactions) {}

  async instanceIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.reader.query(`SELECT id FROM instances ORDER BY created_at, id`);
    return rows.map((r) => r.id);
  }

  /** The instance, locked against a second process setting up the same console at once. */
  async lockInstance(tx: EntityManager, instanceId: string): Promise<Instance | undefined> {
    const found = await tx
      .getRepository(Instance)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :instanceId', { instanceId })
      .getOne();
    return found ?? undefined;
  }

  async domains(tx: EntityManager, instanceId: string): Promise<string[]> {
    const rows: { domain: string }[] = await tx.query(
      `SELECT domain FROM instance_domains WHERE instance_id = $1 ORDER BY domain`,
      [instanceId],
    );
    return rows.map((r) => r.domain);
  }

  async client(instanceId: string, db: EntityManager = this.tx.reader): Promise<ConsoleClient | undefined> {
    return (await db.findOneBy(ConsoleClient, { instanceId })) ?? undefined;
  }

  /** ZITADEL's IAM project of the instance: the project holding the console's client. */
  async iamProjectId(instanceId: string): Promise<string | undefined> {
    return (await this.client(instanceId))?.projectId;
  }

  async save(tx: EntityManager, row: ConsoleClient): Promise<void> {
    await tx.upsert(ConsoleClient, row, ['instanceId']);
  }
}
