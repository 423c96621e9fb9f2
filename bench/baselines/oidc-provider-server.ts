// A bare oidc-provider (the version Portcullis embeds) with its in-memory adapter, for the OIDC
// baselines: one confidential client allowed client_credentials and refresh tokens (rotated, as
// Portcullis does), introspection on. Run as its own process by bench/baselines/oidc-provider.ts;
// prints its port, then a user's access token and refresh tokens minted through its own models.
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
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
        redirect_uris: ['http://localhost:4455/cb'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: false },
    },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: 'Bench User', email: 'bench@example.com', email_verified: true }),
    }),
    rotateRefreshToken: true,
  });
  server.on('request', provider.callback());
  process.stdout.write(`listening ${port}\n`);
  void mintUserTokens(provider).then((tokens) => process.stdout.write(`tokens ${JSON.stringify(tokens)}\n`));
});

/** What a code flow would leave: a grant, an access token and refresh tokens (one per load connection). */
async function mintUserTokens(provider: Provider): Promise<{ accessToken: string; refreshTokens: string[] }> {
  const client = (await provider.Client.find(BENCH_CLIENT.id))!;
  const accountId = 'bench-user';
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope('openid profile email offline_access');
  const grantId = await grant.save();
  const accessToken = await new provider.AccessToken({
    accountId,
    client,
    grantId,
    scope: 'openid profile email',
    gty: 'authorization_code',
  } as never).save();
  const refreshTokens = await Promise.all(
    Array.from({ length: 64 }, () =>
      new provider.RefreshToken({
        accountId,
        client,
        grantId,
        scope: 'openid profile email offline_access',
        gty: 'authorization_code',
      } as never).save(),
    ),
  );
  return { accessToken, refreshTokens };
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
