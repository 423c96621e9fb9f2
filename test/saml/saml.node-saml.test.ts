import { inflateRawSync } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { ROLES_ATTRIBUTE } from '../../src/saml/saml-xml.js';
import {
  PASSWORD,
  browserSend,
  passwordSession,
  samlApp,
  samlRequestIdOf,
  samlService,
  samlWorld,
  spKeys,
  uniqueEntity,
  type SamlWorld,
} from './support.js';

let server: TestServer;
let world: SamlWorld;
let keys: Awaited<ReturnType<typeof spKeys>>;
let idpCert: string;

beforeAll(async () => {
  server = await bootTestServer();
  world = await samlWorld(server);
  keys = await spKeys();
  idpCert = await (await fetch(`${server.baseUrl}/saml/v2/certificate`)).text();
});
afterAll(() => server?.close());

/** A node-saml SP (passport-saml's engine) registered with the metadata it generates itself. */
async function nodeSamlSp(
  binding: 'HTTP-Redirect' | 'HTTP-POST',
  ask: { forceAuthn?: boolean; passive?: boolean; identifierFormat?: string } = {},
) {
  const issuer = uniqueEntity('node-saml');
  const base = issuer.replace(/\/metadata$/, '');
  const saml = new SAML({
    entryPoint: `${server.baseUrl}/saml/v2/SSO`,
    logoutUrl: `${server.baseUrl}/saml/v2/SLO`,
    issuer,
    audience: issuer,
    callbackUrl: `${base}/acs`,
    logoutCallbackUrl: `${base}/slo`,
    idpCert,
    privateKey: keys.privateKey,
    publicCert: keys.certificate,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    authnRequestBinding: binding,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    // `always` would also demand InResponseTo of POSTed LogoutResponses at the XPath of a Response.
    validateInResponseTo: ValidateInResponseTo.ifPresent,
    ...ask,
  });
  const metadata = saml.generateServiceProviderMetadata(null, keys.certificate);
  await samlApp(server, world.projectId, metadata);
  return { saml, metadata, acs: `${base}/acs`, slo: `${base}/slo` };
}

/** The fields of the auto-submitting form node-saml renders for the POST binding. */
function formOf(html: string): { url: string; fields: Record<string, string> } {
  const url = /<form[^>]*action="([^"]+)"/.exec(html)![1];
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    fields[m[1]] = m[2]
      .replace(/&#x2b;/gi, '+')
      .replace(/&#x2f;/gi, '/')
      .replace(/&#x3d;/gi, '=')
      .replace(/&amp;/g, '&');
  return {
    url: url
      .replace(/&amp;/g, '&')
      .replace(/&#x3a;/gi, ':')
      .replace(/&#x2f;/gi, '/'),
    fields,
  };
}

async function login(
  sp: Awaited<ReturnType<typeof nodeSamlSp>>,
  binding: 'HTTP-Redirect' | 'HTTP-POST',
  relayState: string,
) {
  const sent =
    binding === 'HTTP-Redirect'
      ? await browserSend({ binding: 'redirect', url: await sp.saml.getAuthorizeUrlAsync(relayState, undefined, {}) })
      : await browserSend({ binding: 'post', ...formOf(await sp.saml.getAuthorizeFormAsync(relayState)) });
  if (sent.status !== 302) throw new Error(await sent.text());
  const samlRequestId = samlRequestIdOf(sent.headers.get('location'));
  const session = await passwordSession(server, world.loginPat, world.user.username);
  const answer = await samlService(server, world.loginPat).createResponse({
    samlRequestId,
    responseKind: { case: 'session', value: session },
  });
  expect(answer.binding.case).toBe('post');
  const post = answer.binding.value as { relayState: string; samlResponse: string };
  expect(post.relayState).toBe(relayState);
  expect(answer.url).toBe(sp.acs);
  const { profile } = await sp.saml.validatePostResponseAsync({
    SAMLResponse: post.samlResponse,
    RelayState: post.relayState,
  });
  return { profile: profile!, session };
}

describe.each(['HTTP-Redirect', 'HTTP-POST'] as const)('node-saml SP, signed AuthnRequest by %s', (binding) => {
  it('logs in with a signed response and assertion carrying the attributes and roles, then logs out', async () => {
    const sp = await nodeSamlSp(binding);
    expect(sp.metadata).toContain('AuthnRequestsSigned="true"');
    const { profile, session } = await login(sp, binding, `state-${binding}`);
    expect(profile.nameID).toBe(world.user.userId);
    expect(profile.nameIDFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    expect(profile.issuer).toBe(`${server.baseUrl}/saml/v2/metadata`);
    expect(profile.sessionIndex).toBeDefined();
    expect(profile).toMatchObject({
      Email: world.user.email,
      FirstName: 'Ada',
      SurName: 'Lovelace',
      UserName: world.user.username,
      UserID: world.user.userId,
    });
    expect(profile[ROLES_ATTRIBUTE]).toEqual(['auditor', 'viewer']);

    // SP-initiated single logout by Redirect: the session ends, and a signed LogoutResponse goes
    // back to the SP's SingleLogoutService (node-saml registers it with HTTP-POST).
    const logoutUrl = await sp.saml.getLogoutUrlAsync(profile as Profile, 'bye', {});
    const res = await fetch(logoutUrl, { redirect: 'manual' });
    expect(res.status).toBe(200);
    const form = formOf(await res.text());
    expect(form.url).toBe(sp.slo);
    expect(form.fields.RelayState).toBe('bye');
    const validated = await sp.saml.validatePostResponseAsync(form.fields);
    expect(validated.loggedOut).toBe(true);
    const logoutRequestId = /ID="([^"]+)"/.exec(
      inflateRawSync(Buffer.from(new URL(logoutUrl).searchParams.get('SAMLRequest')!, 'base64')).toString(),
    )![1];
    expect(Buffer.from(form.fields.SAMLResponse, 'base64').toString()).toContain(`InResponseTo="${logoutRequestId}"`);
    const gone = await client(SessionService, 'grpc', server.baseUrl, world.loginPat)
      .getSession({ sessionId: session.sessionId })
      .catch((e) => ConnectError.from(e));
    expect((gone as ConnectError).code).toBe(Code.NotFound);
  });
});

describe('what an AuthnRequest asks of the sign-in (SAML core §3.4.1)', () => {
  async function requestId(sp: Awaited<ReturnType<typeof nodeSamlSp>>): Promise<string> {
    const sent = await browserSend({ binding: 'redirect', url: await sp.saml.getAuthorizeUrlAsync('', undefined, {}) });
    expect(sent.status).toBe(302);
    return samlRequestIdOf(sent.headers.get('location'));
  }

  /** The SAML Response an SSO call delivered to the SP straight away, and its status codes. */
  async function delivered(sp: Awaited<ReturnType<typeof nodeSamlSp>>) {
    const sent = await browserSend({ binding: 'redirect', url: await sp.saml.getAuthorizeUrlAsync('', undefined, {}) });
    expect(sent.status).toBe(200); // the auto-posting form to the ACS, no login page
    const form = formOf(await sent.text());
    expect(form.url).toBe(sp.acs);
    const xml = Buffer.from(form.fields.SAMLResponse, 'base64').toString();
    return {
      SAMLResponse: form.fields.SAMLResponse,
      status: [...xml.matchAll(/StatusCode Value="([^"]+)"/g)].map((m) => m[1]),
    };
  }

  it('ForceAuthn: a session signed in before the request is refused; a password checked again after it answers', async () => {
    const sp = await nodeSamlSp('HTTP-Redirect', { forceAuthn: true });
    const earlier = await passwordSession(server, world.loginPat, world.user.username);
    await new Promise((r) => setTimeout(r, 20));
    const samlRequestId = await requestId(sp);
    const refused = await samlService(server, world.loginPat)
      .createResponse({ samlRequestId, responseKind: { case: 'session', value: earlier } })
      .catch((e) => ConnectError.from(e));
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).rawMessage).toContain('ForceAuthn');

    const again = await client(SessionService, 'grpc', server.baseUrl, world.loginPat).setSession({
      sessionId: earlier.sessionId,
      checks: { password: { password: PASSWORD } },
    });
    const answer = await samlService(server, world.loginPat).createResponse({
      samlRequestId,
      responseKind: { case: 'session', value: { sessionId: earlier.sessionId, sessionToken: again.sessionToken } },
    });
    const post = answer.binding.value as { relayState: string; samlResponse: string };
    const { profile } = await sp.saml.validatePostResponseAsync({ SAMLResponse: post.samlResponse });
    expect(profile?.nameID).toBe(world.user.userId);
  });

  it('IsPassive: answered with NoPassive at once, since signing in needs the login pages', async () => {
    const sp = await nodeSamlSp('HTTP-Redirect', { passive: true });
    const response = await delivered(sp);
    expect(response.status).toEqual([
      'urn:oasis:names:tc:SAML:2.0:status:Responder',
      'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
    ]);
    // node-saml reads NoPassive as "not signed in", without an error.
    expect((await sp.saml.validatePostResponseAsync({ SAMLResponse: response.SAMLResponse })).profile).toBeNull();
  });

  it('a NameID format Portcullis cannot issue: answered with InvalidNameIDPolicy at once', async () => {
    const sp = await nodeSamlSp('HTTP-Redirect', {
      identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    });
    const response = await delivered(sp);
    expect(response.status).toEqual([
      'urn:oasis:names:tc:SAML:2.0:status:Requester',
      'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
    ]);
    await expect(sp.saml.validatePostResponseAsync({ SAMLResponse: response.SAMLResponse })).rejects.toThrow(
      /Requester error: supported NameID formats/,
    );
  });
});
