import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExchangeThread, type ExchangeRequest } from '../../src/platform/http/exchange-thread.js';
import { OutboundError } from '../../src/platform/http/outbound.js';

let server: Server;
let origin: string;
/** Requests to /hang get no answer until the test ends. */
const hanging: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') hanging.push(() => res.end());
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(`answered ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const answer of hanging) answer();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (path: string, timeoutMs = 5_000): ExchangeRequest => ({
  origin,
  site: origin,
  host: new URL(origin).host,
  path,
  method: 'GET',
  headers: {},
  servername: undefined,
  keepAlive: true,
  deadline: Date.now() + timeoutMs,
  maxBytes: 1_000,
  ignoreBody: false,
});

const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => 'answered',
    (err: unknown) => (err instanceof OutboundError ? `${err.failure}: ${err.message}` : String(err)),
  );

describe('outbound exchanges on a thread of their own', () => {
  it('answers with the status, headers and body read on the thread', async () => {
    const thread = new ExchangeThread();
    try {
      const answer = await thread.exchange(get('/hello'));
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/plain');
      expect(Buffer.isBuffer(answer.body) && answer.body.toString()).toBe('answered GET /hello');
    } finally {
      await thread.close();
    }
  });

  it('the deadline is kept on the thread: an answer that does not come is a timeout', async () => {
    const thread = new ExchangeThread();
    try {
      expect(await failureOf(thread.exchange(get('/hang', 200)))).toBe(`timeout: ${origin} did not answer in time`);
    } finally {
      await thread.close();
    }
  });

  it('a thread that ends fails the calls waiting on it as unreachable, and the next call starts a new one', async () => {
    const thread = new ExchangeThread();
    const waiting = failureOf(thread.exchange(get('/hang')));
    await thread.close();
    expect(await waiting).toMatch(/^unreachable: the outbound exchange thread/);
    expect(thread.started).toBe(false);
    expect((await thread.exchange(get('/again'))).body.toString()).toBe('answered GET /again');
    await thread.close();
  });

  it('ends after its idle time without exchanges, and starts again with the next one', async () => {
    const thread = new ExchangeThread(200);
    try {
      await thread.exchange(get('/first'));
      expect(thread.started).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(thread.started).toBe(false);
      expect((await thread.exchange(get('/second'))).status).toBe(200);
      expect(thread.started).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it('a socket error reaches the caller with its code, as Node reports it (the caller tries the next address)', async () => {
    const thread = new ExchangeThread();
    try {
      const refused = await thread.exchange({ ...get('/'), origin: 'http://127.0.0.1:9' }).catch((err: unknown) => err);
      expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await thread.close();
    }
  });
});
