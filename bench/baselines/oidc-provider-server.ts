// A bare oidc-provider (the version Portcullis embeds) with its in-memory adapter, for the OIDC
// baselines: one confidential client allowed client_credentials, introspection on. Run as its
// own process by bench/baselines/oidc-provider.ts; prints its port.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

export const BENCH_CLIENT = { id: 'bench-client', secret: 'bench-client-secret-0123456789' };

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: BENCH_CLIENT.id,
        client_secret: BENCH_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
  });
  server.on('request', provider.callback());
  process.stdout.write(`listening ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
