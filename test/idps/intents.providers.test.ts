import type { Client } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify, decodeProtectedHeader } from 'jose';
import type { IdpConfig } from '../../src/idps/idp-config.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  Browser,
  checkAppleClientSecret,
  githubIdOf,
  serveAzureShape,
  serveGithubShape,
  signInUpstream,
  startUpstream,
  type Upstream,
} from './upstream.js';

const SUCCESS = 'https://app.example.com/idp/success';
const FAILURE = 'https://app.example.com/idp/failure';
const APPLE = { clientId: 'apple-client', teamId: 'TEAM123456', keyId: 'KEY7654321' };

let server: TestServer;
let upstream: Upstream;
let instanceId: string;
let users: Client<typeof UserService>;
let callbackUrl: string;
let applePrivateKey: string;
const azureTenants: string[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  serveGithubShape(upstream, '/github');
  serveGithubShape(upstream, '/ghes');
  serveAzureShape(upstream, '/azure', azureTenants);
  const keys = await generateKeyPair('ES256', { extractable: true });
  applePrivateKey = await exportPKCS8(keys.privateKey);
  const applePublic = await importSPKI(await exportSPKI(keys.publicKey), 'ES256');
  checkAppleClientSecret(
    upstream,
    async (jwt) => {
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', kid: APPLE.keyId });
      await jwtVerify(jwt, applePublic, { issuer: APPLE.teamId, subject: APPLE.clientId, audience: upstream.issuer });
    },
    APPLE.clientId,
    'apple-client-secret',
  );
  server = await bootTestServer({
    PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true',
    PORTCULLIS_IDP_TEST_ENDPOINTS: JSON.stringify({
      google: upstream.issuer,
      gitlab: upstream.issuer,
      apple: upstream.issuer,
      github: `${upstream.url}/github`,
      azureAd: `${upstream.url}/azure`,
    }),
  });
  callbackUrl = `${server.baseUrl}/idps/callback`;
  upstream.configure(
    [
      'oauth-client',
      'pkce-client',
      'github-client',
      'ghes-client',
      'azure-client',
      'google-client',
      'gitlab-client',
      'gitlabsh-client',
      'apple-client',
    ].map((client_id) => ({
      client_id,
      client_secret: `${client_id}-secret`,
      redirect_uris: [callbackUrl],
      token_endpoint_auth_method: 'client_secret_post' as const,
    })),
  );
  instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
}, 90_000);

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

async function provider(config: IdpConfig) {
  const clientId = (config as { clientId: string }).clientId;
  return insertIdpTemplate(server, {
    instanceId,
    config,
    secrets: config.kind === 'apple' ? { privateKey: applePrivateKey } : { clientSecret: `${clientId}-secret` },
  });
}

/** The full round trip through @zitadel/client: start, upstream sign-in, callback, success URL, retrieve. */
async function signIn(config: IdpConfig, login: string, extraForm: Record<string, string> = {}) {
  const idp = await provider(config);
  const started = await users.startIdentityProviderIntent({
    idpId: idp.id,
    content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
  });
  if (started.nextStep.case !== 'authUrl') throw new Error('no authUrl');
  const authUrl = new URL(started.nextStep.value);
  const browser = new Browser();
  const arrival = await signInUpstream(browser, authUrl.href, callbackUrl, { login });
  const form = arrival.form ? new URLSearchParams(arrival.form) : undefined;
  for (const [k, v] of Object.entries(extraForm)) form?.set(k, v);
  const back = await browser.fetch(arrival.url, arrival.method === 'POST' ? { method: 'POST', body: form } : undefined);
  const location = new URL(back.headers.get('location') ?? 'https://none.invalid/');
  if (location.origin + location.pathname !== SUCCESS) {
    throw new Error(`sent to ${location.href} (${location.searchParams.get('error_description')})`);
  }
  const retrieved = await users.retrieveIdentityProviderIntent({
    idpIntentId: location.searchParams.get('id')!,
    idpIntentToken: location.searchParams.get('token')!,
  });
  return { idp, authUrl, arrival, retrieved };
}

describe('sign-in intents through OAuth 2.0 and the named providers, each pointed at a local upstream', () => {
  it("generic OAuth 2.0: the id attribute of the user endpoint's JSON is the upstream id; no PKCE unless asked", async () => {
    const { authUrl, retrieved } = await signIn(
      {
        kind: 'oauth',
        clientId: 'oauth-client',
        authorizationEndpoint: `${upstream.issuer}/auth`,
        tokenEndpoint: `${upstream.issuer}/token`,
        userEndpoint: `${upstream.issuer}/me`,
        scopes: ['openid', 'profile', 'email'],
        idAttribute: 'preferred_username',
        usePkce: false,
      },
      'oscar',
    );
    expect(authUrl.searchParams.has('code_challenge')).toBe(false);
    expect(retrieved.idpInformation?.userId).toBe('oscar-user');
    expect(retrieved.idpInformation?.rawInformation).toMatchObject({ sub: 'oscar', email: 'oscar@upstream.example' });
    expect(retrieved.idpInformation?.access.case).toBe('oauth');
    expect(retrieved.addHumanUser?.email?.email).toBe('oscar@upstream.example');
  });

  it('generic OAuth 2.0 with PKCE: the verifier kept on the intent satisfies an upstream that requires PKCE', async () => {
    const { authUrl, retrieved } = await signIn(
      {
        kind: 'oauth',
        clientId: 'pkce-client',
        authorizationEndpoint: `${upstream.issuer}/auth`,
        tokenEndpoint: `${upstream.issuer}/token`,
        userEndpoint: `${upstream.issuer}/me`,
        scopes: ['openid', 'email'],
        idAttribute: 'sub',
        usePkce: true,
      },
      'petra',
    );
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(retrieved.idpInformation?.userId).toBe('petra');
  });

  it('GitHub: numeric id, login as username, the primary verified email from /user/emails', async () => {
    const { authUrl, retrieved } = await signIn(
      { kind: 'github', clientId: 'github-client', scopes: ['openid', 'email', 'user:email'] },
      'octo',
    );
    expect(authUrl.href.startsWith(`${upstream.url}/github/login/oauth/authorize?`)).toBe(true);
    expect(authUrl.searchParams.get('scope')).toBe('openid email user:email');
    expect(retrieved.idpInformation?.userId).toBe(String(githubIdOf('octo')));
    expect(retrieved.idpInformation?.userName).toBe('octo');
    expect(retrieved.idpInformation?.rawInformation).toMatchObject({
      login: 'octo',
      html_url: 'https://github.example/octo',
    });
    expect(retrieved.addHumanUser?.email?.email).toBe('octo@upstream.example');
    expect(retrieved.addHumanUser?.email?.verification).toEqual({ case: 'isVerified', value: true });
  });

  it("GitHub Enterprise Server: the template's own endpoints, emails beside the user endpoint", async () => {
    const { retrieved } = await signIn(
      {
        kind: 'githubEs',
        clientId: 'ghes-client',
        authorizationEndpoint: `${upstream.url}/ghes/login/oauth/authorize`,
        tokenEndpoint: `${upstream.url}/ghes/login/oauth/access_token`,
        userEndpoint: `${upstream.url}/ghes/api/v3/user`,
        scopes: ['openid', 'email', 'user:email'],
      },
      'hubber',
    );
    expect(retrieved.idpInformation?.userId).toBe(String(githubIdOf('hubber')));
    expect(retrieved.addHumanUser?.email?.email).toBe('hubber@upstream.example');
  });

  it('Azure AD: the tenant in the path, the user from Graph by its id, email verified as the template says', async () => {
    const { retrieved } = await signIn(
      {
        kind: 'azureAd',
        clientId: 'azure-client',
        tenant: { type: 'organisations' },
        emailVerified: true,
        scopes: ['openid', 'profile', 'email'],
      },
      'ada',
    );
    expect(azureTenants).toContain('organizations');
    expect(retrieved.idpInformation?.userId).toBe('graph-ada');
    expect(retrieved.idpInformation?.userName).toBe('ada@contoso.example');
    expect(retrieved.addHumanUser?.email?.verification).toEqual({ case: 'isVerified', value: true });
    expect(retrieved.addHumanUser?.phone?.phone).toBe('+41 79 000 00 00');

    const unverified = await signIn(
      {
        kind: 'azureAd',
        clientId: 'azure-client',
        tenant: { id: 'a2b6c1d0-1111-2222-3333-444455556666' },
        emailVerified: false,
        scopes: ['openid', 'profile', 'email'],
      },
      'alan',
    );
    expect(azureTenants).toContain('a2b6c1d0-1111-2222-3333-444455556666');
    expect(unverified.retrieved.addHumanUser?.email?.verification.case).toBe('sendCode');
  });

  it('Google: OpenID Connect against its issuer, the standard claims', async () => {
    const { authUrl, retrieved } = await signIn({ kind: 'google', clientId: 'google-client', scopes: [] }, 'gwen');
    expect(authUrl.host).toBe(new URL(upstream.issuer).host);
    expect(authUrl.pathname).toMatch(/\/auth$/);
    expect(authUrl.searchParams.get('scope')).toBe('openid profile email');
    expect(retrieved.idpInformation?.userId).toBe('gwen');
    expect(retrieved.addHumanUser?.profile?.givenName).toBe('gwen');
  });

  it("GitLab and self-hosted GitLab: OpenID Connect, the fixed issuer or the template's", async () => {
    const gitlab = await signIn({ kind: 'gitlab', clientId: 'gitlab-client', scopes: [] }, 'gitty');
    expect(gitlab.retrieved.idpInformation?.userName).toBe('gitty-user');
    const selfHosted = await signIn(
      { kind: 'gitlabSelfHosted', clientId: 'gitlabsh-client', issuer: upstream.issuer, scopes: ['openid', 'email'] },
      'selma',
    );
    expect(selfHosted.retrieved.idpInformation?.userId).toBe('selma');
  });

  it("Apple: form_post back to the callback, a JWT client secret signed with the team key, the name from the first sign-in's user field", async () => {
    const { authUrl, arrival, retrieved } = await signIn({ kind: 'apple', ...APPLE, scopes: [] }, 'appleseed', {
      user: JSON.stringify({ name: { firstName: 'Johnny', lastName: 'Appleseed' }, email: 'j@privaterelay.example' }),
    });
    expect(authUrl.searchParams.get('response_mode')).toBe('form_post');
    expect(arrival.method).toBe('POST');
    expect(retrieved.idpInformation?.userId).toBe('appleseed');
    expect(retrieved.addHumanUser?.profile).toMatchObject({ givenName: 'Johnny', familyName: 'Appleseed' });
    expect(retrieved.addHumanUser?.email?.email).toBe('appleseed@upstream.example');
  });
});
