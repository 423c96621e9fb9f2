// A bare HTTP/2 (h2c) connect-node server on a free loopback port, for tests that drive service
// bindings with real gRPC clients without booting the whole application.
import { createServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { ServiceBinding } from '../../src/platform/rpc/registry.js';

export interface H2cServer {
  /** `127.0.0.1:PORT`, as gRPC clients take it. */
  readonly target: string;
  close(): Promise<void>;
}

export async function serveBindings(bindings: readonly ServiceBinding[]): Promise<H2cServer> {
  const server = createServer(
    connectNodeAdapter({
      routes: (router) => {
        for (const b of bindings) router.service(b.service, b.impl);
      },
    }),
  );
  // close() waits for open sessions; clients that linger must not hang the test run.
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}
