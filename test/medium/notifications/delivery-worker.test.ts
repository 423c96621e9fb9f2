import { pino } from 'pino';
import { DataSource } from 'typeorm';
import type { DeliveryChannels } from '../../../src/notifications/channels.js';
import { NotificationDelivery } from '../../../src/notifications/delivery-worker.js';
import type { Config } from '../../../src/platform/config/config.js';
import type { MasterKey } from '../../../src/platform/crypto/master-key.js';
import { dataSourceOptions } from '../../../src/platform/database/data-source.js';
import type { PgNotifications } from '../../../src/platform/database/pg-notifications.js';
import { Transactions } from '../../../src/platform/database/transactions.js';
import { EventStore } from '../../../src/platform/events/event-store.js';
import { cloneDatabase } from '../../support/database.js';

// The notification worker's poll on real PostgreSQL, every statement it sends recorded by the
// DataSource's logger. Nothing is queued, so the channels, key and settings are never reached.

const sent: string[] = [];
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = new DataSource({
    ...dataSourceOptions({ url: await cloneDatabase() }, 2),
    logging: ['query'],
    logger: {
      logQuery: (query: string) => void sent.push(query),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    },
  });
  await dataSource.initialize();
}, 60_000);
afterAll(() => dataSource?.destroy());

const quietNotifications = { subscribe: async () => undefined, unsubscribe: () => undefined };
const noChannels = { configured: [], close: () => undefined };

describe('the notification worker', () => {
  it("polls in PostgreSQL's default isolation (READ COMMITTED) without naming it: no SET TRANSACTION round trip", async () => {
    const transactions = new Transactions(dataSource);
    const worker = new NotificationDelivery(
      transactions,
      noChannels as unknown as DeliveryChannels,
      {} as MasterKey,
      {} as Config,
      new EventStore(transactions),
      quietNotifications as unknown as PgNotifications,
      pino({ level: 'silent' }),
    );
    sent.length = 0;
    // Starting runs one pass (a claim per lane); stopping waits for it.
    await worker.onApplicationBootstrap();
    await worker.onApplicationShutdown();
    expect(sent.filter((q) => q === 'START TRANSACTION').length).toBeGreaterThan(0);
    expect(sent.some((q) => /FROM notification_outbox/i.test(q))).toBe(true);
    expect(sent.filter((q) => /SET TRANSACTION/i.test(q))).toEqual([]);
  });
});
