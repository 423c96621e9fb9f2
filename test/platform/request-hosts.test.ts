// x-zitadel-instance-host and x-zitadel-public-host, as ZITADEL's Login V2 proxy sends them when
// it runs on another domain: the instance by the instance host, issuers and links by the public
// host, which must be a domain of that instance. Instance 1 answers on 127.0.0.1 (the connection
// every call here travels), instance 2 on `localhost` and `login.other.test`.
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { createServerTransport } from '@zitadel/client/node';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { INSTANCE_HOST_HEADER, PUBLIC_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { UNKNOWN_HOST_ID, UNTRUSTED_PUBLIC_HOST_ID } from '../../src/platform/tenancy/tenancy.errors.js';
import { withHeaders } from '../support/clients.js';
import { addInstanceDomain, otherInstance, restOnHost, type OtherInstance } from '../support/instances.js';
import { serverForFile } from '../support/test-server.js';

const server = serverForFile();
let other: OtherInstance;
const OTHER_PUBLIC = 'login.other.test';

beforeAll(async () => {
  other = await otherInstance(server(), 'localhost');
  await addInstanceDomain(server(), other.instanceId, OTHER_PUBLIC);
}, 60_000);

/** OrganizationService over @zitadel/client's gRPC transport on instance 1's connection, with the proxy's headers. */
function orgsVia(headers: Record<string, string>, pat: string) {
  return createClient(
    OrganizationService,
    createServerTransport(pat, { baseUrl: server().baseUrl, interceptors: [withHeaders(headers)] }),
  );
}

function connectOrgsVia(headers: Record<string, string>, pat: string) {
  const transport = createConnectTransport({
    baseUrl: server().baseUrl,
    httpVersion: '1.1',
    interceptors: [withHeaders(headers), NewAuthorizationBearerInterceptor(pat)],
  });
  return createClient(OrganizationService, transport);
}

async function refusal(call: Promise<unknown>): Promise<{ code: Code; id: string | undefined; message: string }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  if (!err) throw new Error('the call was answered');
  return { code: err.code, id: err.findDetails(ErrorDetailSchema)[0]?.id, message: err.rawMessage };
}

const instanceHost = () => ({ [INSTANCE_HOST_HEADER]: `localhost:${server().port}` });

describe("x-zitadel-instance-host picks the instance (ZITADEL's rule)", () => {
  it("a gRPC call through instance 1's connection with instance 2's instance host answers as instance 2, with instance 2's PAT", async () => {
    const { result } = await orgsVia(instanceHost(), other.adminPat).listOrganizations({});
    expect(result.map((o) => o.id)).toEqual([other.orgId]);
  });

  it("credentials are checked against the instance the header names: instance 1's PAT is refused there", async () => {
    expect((await refusal(orgsVia(instanceHost(), server().adminPat).listOrganizations({}))).code).toBe(
      Code.Unauthenticated,
    );
    expect((await refusal(connectOrgsVia(instanceHost(), server().adminPat).listOrganizations({}))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it("instance 2's PAT does not open instance 1 without the header (cross-instance)", async () => {
    expect((await refusal(orgsVia({}, other.adminPat).listOrganizations({}))).code).toBe(Code.Unauthenticated);
  });

  it('works the same over Connect and REST', async () => {
    const { result } = await connectOrgsVia(instanceHost(), other.adminPat).listOrganizations({});
    expect(result.map((o) => o.id)).toEqual([other.orgId]);
    const rest = await restOnHost(
      server(),
      `127.0.0.1:${server().port}`,
      'POST',
      '/v2/organizations/_search',
      other.adminPat,
      { headers: instanceHost() },
    );
    expect(rest.status).toBe(200);
    expect(JSON.parse(rest.body).result.map((o: { id: string }) => o.id)).toEqual([other.orgId]);
    const refused = await restOnHost(
      server(),
      `127.0.0.1:${server().port}`,
      'POST',
      '/v2/organizations/_search',
      server().adminPat,
      { headers: instanceHost() },
    );
    expect(refused.status).toBe(401);
  });

  it("an instance host no instance serves is NOT_FOUND, never a fall-back to the connection's Host", async () => {
    const unknown = await refusal(
      orgsVia({ [INSTANCE_HOST_HEADER]: 'nowhere.test' }, server().adminPat).listOrganizations({}),
    );
    expect([unknown.code, unknown.id]).toEqual([Code.NotFound, UNKNOWN_HOST_ID]);
    const malformed = await refusal(
      orgsVia({ [INSTANCE_HOST_HEADER]: `localhost:${server().port}/x` }, other.adminPat).listOrganizations({}),
    );
    expect([malformed.code, malformed.id]).toEqual([Code.NotFound, UNKNOWN_HOST_ID]);
  });
});

describe("x-zitadel-public-host is accepted only when it is a domain of that instance (ZITADEL's rule: NotFound otherwise)", () => {
  const publicHost = (host: string) => ({ ...instanceHost(), [PUBLIC_HOST_HEADER]: host });

  it('a domain of the instance is accepted', async () => {
    const { result } = await orgsVia(publicHost(`${OTHER_PUBLIC}:3000`), other.adminPat).listOrganizations({});
    expect(result.map((o) => o.id)).toEqual([other.orgId]);
  });

  it.each([
    ["another instance's domain (cross-instance)", '127.0.0.1'],
    ['a host no instance serves', 'evil.example'],
    ['a host with a path (injection into links)', `${OTHER_PUBLIC}:80/evil`],
  ])('%s is refused with NOT_FOUND on gRPC, Connect and REST', async (_what, host) => {
    for (const call of [
      orgsVia(publicHost(host), other.adminPat).listOrganizations({}),
      connectOrgsVia(publicHost(host), other.adminPat).listOrganizations({}),
    ]) {
      const r = await refusal(call);
      expect([r.code, r.id]).toEqual([Code.NotFound, UNTRUSTED_PUBLIC_HOST_ID]);
      expect(r.message).not.toContain(host);
    }
    const rest = await restOnHost(
      server(),
      `127.0.0.1:${server().port}`,
      'POST',
      '/v2/organizations/_search',
      other.adminPat,
      { headers: publicHost(host) },
    );
    expect(rest.status).toBe(404);
    expect(rest.body).toContain(UNTRUSTED_PUBLIC_HOST_ID);
  });

  it("without an instance host header, the public host must be a domain of the connection's instance", async () => {
    const r = await refusal(orgsVia({ [PUBLIC_HOST_HEADER]: OTHER_PUBLIC }, server().adminPat).listOrganizations({}));
    expect([r.code, r.id]).toEqual([Code.NotFound, UNTRUSTED_PUBLIC_HOST_ID]);
  });
});

describe('OIDC, SAML, JWKS and the login pages through the headers', () => {
  const get = (path: string, headers: Record<string, string>) =>
    restOnHost(server(), `127.0.0.1:${server().port}`, 'GET', path, undefined, { headers });

  it("OIDC discovery shows the public host's issuer and instance 2's endpoints", async () => {
    const res = await get('/.well-known/openid-configuration', {
      ...instanceHost(),
      [PUBLIC_HOST_HEADER]: `${OTHER_PUBLIC}:3000`,
    });
    expect(res.status).toBe(200);
    const discovery = JSON.parse(res.body);
    expect(discovery.issuer).toBe(`http://${OTHER_PUBLIC}:3000`);
    expect(discovery.token_endpoint).toBe(`http://${OTHER_PUBLIC}:3000/oauth/v2/token`);
  });

  it("OIDC discovery with only the instance host shows the instance host's issuer", async () => {
    const discovery = JSON.parse((await get('/.well-known/openid-configuration', instanceHost())).body);
    expect(discovery.issuer).toBe(`http://localhost:${server().port}`);
  });

  it("OIDC discovery refuses a public host that is not the instance's, and never shows it as issuer", async () => {
    for (const host of ['evil.example', '127.0.0.1']) {
      const res = await get('/.well-known/openid-configuration', { ...instanceHost(), [PUBLIC_HOST_HEADER]: host });
      expect(res.status).toBe(404);
      expect(res.body).toContain(UNTRUSTED_PUBLIC_HOST_ID);
      expect(res.body).not.toContain(`http://${host}`);
    }
  });

  it("a caller's X-Forwarded-Host never reaches a discovery URL (oidc-provider reads it)", async () => {
    const discovery = JSON.parse(
      (
        await get('/.well-known/openid-configuration', {
          ...instanceHost(),
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'https',
        })
      ).body,
    );
    expect(JSON.stringify(discovery)).not.toContain('evil.example');
    expect(discovery.authorization_endpoint).toBe(`http://localhost:${server().port}/oauth/v2/authorize`);
  });

  it("the JWKS is instance 2's", async () => {
    const direct = JSON.parse((await restOnHost(server(), `localhost:${server().port}`, 'GET', '/oauth/v2/keys')).body);
    const viaHeader = JSON.parse((await get('/oauth/v2/keys', instanceHost())).body);
    const first = JSON.parse((await get('/oauth/v2/keys', {})).body);
    expect(viaHeader).toEqual(direct);
    expect(viaHeader).not.toEqual(first);
  });

  it('SAML metadata names the public host as entity id; an untrusted public host is refused', async () => {
    const res = await get('/saml/v2/metadata', { ...instanceHost(), [PUBLIC_HOST_HEADER]: OTHER_PUBLIC });
    expect(res.status).toBe(200);
    expect(res.body).toContain(`entityID="http://${OTHER_PUBLIC}/saml/v2/metadata"`);
    const refused = await get('/saml/v2/metadata', { ...instanceHost(), [PUBLIC_HOST_HEADER]: 'evil.example' });
    expect(refused.status).toBe(404);
    expect(refused.body).not.toContain('evil.example');
  });

  it('the login pages answer for instance 2 through the headers and refuse an untrusted public host', async () => {
    expect(
      (await get('/ui/v2/login/loginname', { ...instanceHost(), [PUBLIC_HOST_HEADER]: OTHER_PUBLIC })).status,
    ).toBe(200);
    expect(
      (await get('/ui/v2/login/loginname', { ...instanceHost(), [PUBLIC_HOST_HEADER]: 'evil.example' })).status,
    ).toBe(404);
  });
});
