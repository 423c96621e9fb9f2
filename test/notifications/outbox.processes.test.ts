import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { enqueue, eventually, MailCatcher, outboxRows, uniqueEmail } from '../support/receivers.js';

let smtp: MailCatcher;
const servers: TestServer[] = [];

const smtpAt = (port: number) => ({
  PORTCULLIS_SMTP_HOST: '127.0.0.1',
  PORTCULLIS_SMTP_PORT: String(port),
  PORTCULLIS_SMTP_TLS: 'none',
  PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
});

/** A loopback port nothing listens on: connecting is refused, as with an SMTP server that is down. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function boot(env: Record<string, string>, sameDataAs?: TestServer): Promise<TestServer> {
  const server = await bootTestServer(env, sameDataAs);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  smtp = await new MailCatcher().start();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await smtp?.stop();
});

describe('the outbox across processes', () => {
  let first: TestServer;
  let second: TestServer;

  it('keeps pending notifications over a restart and delivers them from the next process', async () => {
    first = await boot(smtpAt(await deadPort()));
    const recipients = [uniqueEmail('restart-a'), uniqueEmail('restart-b')];
    for (const to of recipients) await enqueue(first, { channel: 'email', to });
    // Both were tried, refused, and wait for their retry.
    await eventually(async () => {
      const rows = await outboxRows(first);
      return rows.length === 2 && rows.every((r) => r.attempts >= 1) ? rows : undefined;
    }, 'a failed first attempt of both');
    const pending = await outboxRows(first);
    expect(pending.every((r) => r.state === 'pending' && r.payload !== null)).toBe(true);
    expect(pending[0].last_error).toMatch(/ECONNREFUSED/);
    await first.close();

    second = await boot(smtpAt(smtp.port), first);
    for (const to of recipients) expect(await smtp.waitFor(to)).toHaveLength(1);
    await eventually(
      async () => ((await outboxRows(second)).every((r) => r.state === 'sent') ? true : undefined),
      'every row sent',
    );
  });

  it('sends every notification exactly once with two servers on one database', async () => {
    const third = await boot(smtpAt(smtp.port), second);
    const recipients = Array.from({ length: 24 }, (_, i) => uniqueEmail(`pair-${i}`));
    await Promise.all(recipients.map((to, i) => enqueue(i % 2 ? second : third, { channel: 'email', to })));
    for (const to of recipients) await smtp.waitFor(to);
    await eventually(
      async () => ((await outboxRows(third)).every((r) => r.state === 'sent') ? true : undefined),
      'every row sent',
    );
    // Give a duplicate (were there one) time to arrive before counting.
    await new Promise((r) => setTimeout(r, 300));
    for (const to of recipients) expect(smtp.to(to)).toHaveLength(1);
    const rows = await outboxRows(third);
    expect(rows.filter((r) => r.attempts !== 1).map((r) => r.attempts)).toEqual([2, 2]); // the two from the restart
  });
});
