import { parseUpstreamState } from '../../src/idps/intent-rules.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { INTENT_ERRORS } from '../../src/idps/intents.errors.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

const SUCCESS = 'https://app.example.com/idp/success';
const FAILURE = 'https://app.example.com/idp/failure';
const ISSUER = 'https://jwt-issuer.example';

let server: TestServer;
let users: Client<typeof UserService>;
let instanceId: string;
let endpoint: Server;
let endpointUrl: string;
/** How the JWT endpoint misbehaves in a test: which issuer it signs as, whether it sends the header, and the query it forwards. */
let behaviour: { issuer: string; sendHeader: boolean; tamperUserAgent: boolean; iatSecondsAgo: number };

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // The operator's JWT endpoint: a proxy in front of an existing session, which sends the browser
  // on to /idps/callback with the same query and the user's token in the configured header.
  endpoint = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://jwt.local');
    if (url.pathname === '/keys') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    void (async () => {
      const iat = Math.floor(Date.now() / 1000) - behaviour.iatSecondsAgo;
      const jwt = await new SignJWT({
        email: 'jay@jwt.example',
        email_verified: true,
        preferred_username: 'jay',
        given_name: 'Jay',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(behaviour.issuer)
        .setSubject('jwt-user-1')
        .setIssuedAt(iat)
        .setExpirationTime(iat + 7200)
        .sign(privateKey);
      if (behaviour.tamperUserAgent) url.searchParams.set('userAgentID', 'someone-else');
      const answer = await fetch(`${server.baseUrl}/idps/callback${url.search}`, {
        redirect: 'manual',
        headers: behaviour.sendHeader ? { 'x-auth-token': `Bearer ${jwt}` } : {},
      });
      res.statusCode = answer.status;
      const location = answer.headers.get('location');
      if (location) res.setHeader('location', location);
      res.end(await answer.text());
    })();
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' });
  instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => endpoint?.close(resolve));
});

beforeEach(() => {
  behaviour = { issuer: ISSUER, sendHeader: true, tamperUserAgent: false, iatSecondsAgo: 0 };
});

async function throughJwtEndpoint() {
  const idp = await insertIdpTemplate(server, {
    instanceId,
    config: {
      kind: 'jwt',
      jwtEndpoint: `${endpointUrl}/jwt?tenant=t1`,
      issuer: ISSUER,
      keysEndpoint: `${endpointUrl}/keys`,
      headerName: 'x-auth-token',
    },
  });
  const started = await users.startIdentityProviderIntent({
    idpId: idp.id,
    content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
  });
  if (started.nextStep.case !== 'authUrl') throw new Error('no authUrl');
  const authUrl = new URL(started.nextStep.value);
  const res = await fetch(authUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return { idp, authUrl, redirect: new URL(res.headers.get('location')!) };
}

describe('sign-in intents through a JWT identity provider (ZITADEL: jwtEndpoint with authRequestID and userAgentID, the token in a header)', () => {
  it('the token from the header is verified with the keys endpoint and its claims are the profile', async () => {
    const { idp, authUrl, redirect } = await throughJwtEndpoint();
    expect(authUrl.searchParams.get('tenant')).toBe('t1');
    expect(authUrl.searchParams.get('authRequestID')).toBeTruthy();
    expect(authUrl.searchParams.get('userAgentID')).toBeTruthy();
    expect(redirect.origin + redirect.pathname).toBe(SUCCESS);
    expect(redirect.searchParams.get('id')).toBe(
      parseUpstreamState(authUrl.searchParams.get('authRequestID')!).intentId,
    );
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: redirect.searchParams.get('id')!,
      idpIntentToken: redirect.searchParams.get('token')!,
    });
    expect(got.idpInformation).toMatchObject({ idpId: idp.id, userId: 'jwt-user-1', userName: 'jay' });
    expect(got.idpInformation?.access.case).toBe('oauth');
    if (got.idpInformation?.access.case === 'oauth') {
      expect(got.idpInformation.access.value.idToken?.split('.')).toHaveLength(3);
    }
    expect(got.addHumanUser?.email?.verification).toEqual({ case: 'isVerified', value: true });
  });

  it.each([
    ['a token from another issuer', { issuer: 'https://evil.example' }],
    ['no token in the header', { sendHeader: false }],
    ["a userAgentID that is not the intent's", { tamperUserAgent: true }],
    ['a token older than an hour', { iatSecondsAgo: 3700 }],
  ])('%s sends the browser to the failure URL', async (_name, change) => {
    Object.assign(behaviour, change);
    const { redirect } = await throughJwtEndpoint();
    expect(redirect.origin + redirect.pathname).toBe(FAILURE);
    expect(redirect.searchParams.get('error')).toBe(INTENT_ERRORS.upstreamFailed);
  });
});
