import { Injectable } from '@nestjs/common';
import { ConsoleClients } from '../console/console-clients.service.js';
import { ConsoleStore } from '../console/console.store.js';
import { Transactions } from '../platform/database/transactions.js';
import { systemCaller } from '../platform/rpc/call-context.js';

/**
 * Each start, every instance's console client, made where missing (an instance from before the
 * console, an app someone deleted) and its redirect URIs moved to the instance's current domains.
 * One instance at a time, its row locked, so processes starting together take turns.
 */
@Injectable()
export class ConsoleSetup {
  constructor(
    private readonly tx: Transactions,
    private readonly store: ConsoleStore,
    private readonly clients: ConsoleClients,
  ) {}

  async run(): Promise<void> {
    for (const instanceId of await this.store.instanceIds()) {
      await this.tx.run(async (tx) => {
        const instance = await this.store.lockInstance(tx, instanceId);
        if (instance) await this.clients.ensureIn(tx, systemCaller(instance, 'bootstrap'));
      });
    }
  }
}
