import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { AppState } from '@zitadel/proto/zitadel/app/v2beta/app_pb.js';
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
  type OIDCConfig,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import type { CreateOIDCApplicationRequestSchema } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { hashToken } from '../../src/platform/crypto/master-key.js';
import { client, type TransportName } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { insertProject } from './fixtures.js';

type Apps = ReturnType<typeof client<typeof AppService>>;
type OidcInit = MessageInitShape<typeof CreateOIDCApplicationRequestSchema>;

let server: TestServer;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  server = await bootTestServer();
  orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Apps OIDC Org' })
  ).id;
  projectId = await insertProject(server, orgId, 'Portal Project');
});
afterAll(() => server?.close());

let n = 0;
function createOidc(apps: Apps, oidc: OidcInit) {
  return apps.createApplication({
    projectId,
    name: `OIDC app ${n++}`,
    creationRequestType: { case: 'oidcRequest', value: oidc },
  });
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('the call succeeded');
}

function oidcOf(app: { config: { case?: string; value?: unknown } } | undefined): OIDCConfig {
  expect(app?.config.case).toBe('oidcConfig');
  return app!.config.value as OIDCConfig;
}

describe.each(['grpc', 'connect-h1'] as TransportName[])('OIDC apps over %s', (transportName) => {
  const apps = () => client(AppService, transportName, server.baseUrl, server.adminPat);

  it('creates a web app: a ZITADEL client id, the secret once, only its hash stored', async () => {
    const created = await createOidc(apps(), {
      redirectUris: ['https://app.example.com/cb'],
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
    });
    expect(created.appId).toMatch(/^\d{18}$/);
    expect(created.creationDate).toBeDefined();
    expect(created.creationResponseType.case).toBe('oidcResponse');
    const res = created.creationResponseType.value as {
      clientId: string;
      clientSecret: string;
      noneCompliant: boolean;
    };
    expect(res.clientId).toMatch(/^\d{18}@portal_project$/);
    expect(res.clientSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(res.noneCompliant).toBe(false);

    const [row] = await server.database.dataSource.query(
      `SELECT client_id, client_secret_hash FROM apps WHERE id = $1`,
      [created.appId],
    );
    expect(row.client_id).toBe(res.clientId);
    expect(row.client_secret_hash).toBe(hashToken(res.clientSecret));
    const stored = await server.database.dataSource.query(
      `SELECT payload::text AS p FROM events WHERE aggregate_type = 'project' AND aggregate_id = $1`,
      [projectId],
    );
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((e: { p: string }) => e.p.includes(res.clientSecret))).toBe(false);

    const got = await apps().getApplication({ id: created.appId });
    expect(got.app?.state).toBe(AppState.ACTIVE);
    const oidc = oidcOf(got.app);
    expect(oidc.clientId).toBe(res.clientId);
    // ZITADEL's defaults for empty lists: the authorization code flow.
    expect(oidc.responseTypes).toEqual([OIDCResponseType.OIDC_RESPONSE_TYPE_CODE]);
    expect(oidc.grantTypes).toEqual([OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE]);
    expect(JSON.stringify(got.app, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(
      res.clientSecret,
    );
  });

  it('keeps every OIDC field ZITADEL has', async () => {
    const created = await createOidc(apps(), {
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'],
      responseTypes: [
        OIDCResponseType.OIDC_RESPONSE_TYPE_CODE,
        OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN,
        OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN_TOKEN,
      ],
      grantTypes: [
        OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE,
        OIDCGrantType.OIDC_GRANT_TYPE_IMPLICIT,
        OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN,
        OIDCGrantType.OIDC_GRANT_TYPE_DEVICE_CODE,
        OIDCGrantType.OIDC_GRANT_TYPE_TOKEN_EXCHANGE,
      ],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      clockSkew: { seconds: 2n, nanos: 500_000_000 },
      additionalOrigins: ['https://other.example.com'],
      skipNativeAppSuccessPage: true,
      backChannelLogoutUri: 'https://app.example.com/backchannel',
      loginVersion: { version: { case: 'loginV2', value: { baseUri: 'https://login.example.com/ui/v2/login' } } },
    });
    const oidc = oidcOf((await apps().getApplication({ id: created.appId })).app);
    expect(oidc).toMatchObject({
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'],
      responseTypes: [1, 2, 3],
      grantTypes: [0, 1, 2, 3, 4],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_POST,
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      devMode: false,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      additionalOrigins: ['https://other.example.com'],
      allowedOrigins: ['https://app.example.com', 'https://other.example.com'],
      skipNativeAppSuccessPage: true,
      backChannelLogoutUri: 'https://app.example.com/backchannel',
      noneCompliant: false,
      complianceProblems: [],
    });
    expect(oidc.clockSkew).toMatchObject({ seconds: 2n, nanos: 500_000_000 });
    expect(oidc.loginVersion?.version).toMatchObject({
      case: 'loginV2',
      value: { baseUri: 'https://login.example.com/ui/v2/login' },
    });
  });

  it('refuses a clock skew over 5 s and grant types the response types lack', async () => {
    expect(
      (
        await failure(
          createOidc(apps(), { redirectUris: ['https://a.example.com/cb'], clockSkew: { seconds: 6n, nanos: 0 } }),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    const missing = await failure(
      createOidc(apps(), {
        redirectUris: ['https://a.example.com/cb'],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
      }),
    );
    expect(missing.code).toBe(Code.InvalidArgument);
    expect(missing.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual([
      'oidc_request.grant_types',
    ]);
  });
});

const USER_AGENT = {
  appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
};
const NATIVE = {
  appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
};
const WEB_PKCE = {
  appType: OIDCAppType.OIDC_APP_TYPE_WEB,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
};
const WEB_SECRET = {
  appType: OIDCAppType.OIDC_APP_TYPE_WEB,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
};

describe("redirect URIs: malformed ones refused, the rest saved with ZITADEL's compliance report", () => {
  const apps = () => client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const NOT_COMPLIANT = 'Application.OIDC.V1.NotCompliant';

  it.each([
    ['user agent, https', USER_AGENT, 'https://spa.example.com/cb', false, []],
    [
      'user agent, http',
      USER_AGENT,
      'http://localhost:4200/cb',
      false,
      ['Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb'],
    ],
    [
      'user agent, http in dev mode (the report ignores dev mode, as ZITADEL)',
      USER_AGENT,
      'http://localhost:4200/cb',
      true,
      ['Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb'],
    ],
    [
      'user agent, custom scheme',
      USER_AGENT,
      'spa://cb',
      false,
      ['Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative'],
    ],
    ['native, loopback http', NATIVE, 'http://127.0.0.1:8765/cb', false, []],
    ['native, [::1] http', NATIVE, 'http://[::1]:9000/cb', false, []],
    ['native, custom scheme', NATIVE, 'com.example.app:/oauth2redirect', false, []],
    [
      'native, http elsewhere',
      NATIVE,
      'http://app.example.com/cb',
      false,
      ['Application.OIDC.V1.Native.RedirectUris.MustBeHttpLocalhost'],
    ],
    ['web with PKCE, http', WEB_PKCE, 'http://localhost:3000/cb', false, []],
    ['web with a secret, http on the code flow', WEB_SECRET, 'http://localhost:3000/cb', false, []],
    [
      'web, custom scheme',
      WEB_SECRET,
      'myapp://cb',
      false,
      ['Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative'],
    ],
  ])('%s: saved, reported', async (_name, kind, uri, devMode, problems) => {
    const created = await createOidc(apps(), { ...kind, redirectUris: ['https://ok.example.com/cb', uri], devMode });
    const res = created.creationResponseType.value as { noneCompliant: boolean; complianceProblems: { key: string }[] };
    const expected = problems.length ? [NOT_COMPLIANT, ...problems] : [];
    expect(res.complianceProblems.map((p) => p.key)).toEqual(expected);
    expect(res.noneCompliant).toBe(problems.length > 0);
    const stored = oidcOf((await apps().getApplication({ id: created.appId })).app);
    expect(stored.redirectUris).toEqual(['https://ok.example.com/cb', uri]);
    expect(stored.complianceProblems.map((p) => p.key)).toEqual(expected);
  });

  it.each([
    ['a fragment, even in dev mode', NATIVE, 'http://localhost/cb#x', true],
    ['a relative URI, even in dev mode', WEB_SECRET, '/cb', true],
    ['javascript:', NATIVE, 'javascript:alert(1)', true],
    ['data:', NATIVE, 'data:text/html,hi', false],
    ['whitespace', WEB_SECRET, 'https://app.example.com/c b', false],
  ])('%s: INVALID_ARGUMENT naming the field', async (_name, kind, uri, devMode) => {
    const err = await failure(
      createOidc(apps(), { ...kind, redirectUris: ['https://ok.example.com/cb', uri], devMode }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual([
      'oidc_request.redirect_uris[1]',
    ]);
  });

  it('applies the same form rules to post-logout redirect URIs, and saves well-formed http ones', async () => {
    const err = await failure(
      createOidc(apps(), {
        ...USER_AGENT,
        redirectUris: ['https://spa.example.com/cb'],
        postLogoutRedirectUris: ['https://spa.example.com/#bye'],
      }),
    );
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual([
      'oidc_request.post_logout_redirect_uris[0]',
    ]);
    await expect(
      createOidc(apps(), {
        ...USER_AGENT,
        redirectUris: ['https://spa.example.com/cb'],
        postLogoutRedirectUris: ['http://spa.example.com/'],
      }),
    ).resolves.toBeDefined();
  });

  it('reports ZITADEL compliance problems on read too, with their messages', async () => {
    const created = await createOidc(apps(), {
      ...USER_AGENT,
      redirectUris: ['http://localhost:4200/cb'],
      devMode: true,
    });
    const res = created.creationResponseType.value as {
      noneCompliant: boolean;
      complianceProblems: { key: string; localizedMessage: string }[];
      clientSecret: string;
    };
    expect(res.clientSecret).toBe(''); // auth method none: no secret
    expect(res.noneCompliant).toBe(true);
    expect(res.complianceProblems.map((p) => p.key)).toEqual([
      'Application.OIDC.V1.NotCompliant',
      'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb',
    ]);
    const oidc = oidcOf((await apps().getApplication({ id: created.appId })).app);
    expect(oidc.noneCompliant).toBe(true);
    expect(oidc.complianceProblems[1].localizedMessage).toMatch(/http/);
  });

  it('refuses origins that are not origins', async () => {
    const err = await failure(
      createOidc(apps(), {
        redirectUris: ['https://a.example.com/cb'],
        additionalOrigins: ['https://b.example.com/path'],
      }),
    );
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual([
      'oidc_request.additional_origins[0]',
    ]);
  });
});

describe('updating OIDC apps', () => {
  const apps = () => client(AppService, 'connect-h1', server.baseUrl, server.adminPat);

  it('changes what is given, keeps the rest, and re-checks the whole configuration', async () => {
    const created = await createOidc(apps(), {
      ...WEB_SECRET,
      redirectUris: ['https://app.example.com/cb'],
      postLogoutRedirectUris: ['https://app.example.com/bye'],
    });
    const updated = await apps().updateApplication({
      projectId,
      id: created.appId,
      name: 'Renamed OIDC app',
      updateRequestType: {
        case: 'oidcConfigurationRequest',
        value: {
          redirectUris: ['https://new.example.com/cb'],
          devMode: true,
          clockSkew: { seconds: 1n, nanos: 0 },
          idTokenRoleAssertion: true,
        },
      },
    });
    expect(updated.changeDate).toBeDefined();
    const got = (await apps().getApplication({ id: created.appId })).app!;
    expect(got.name).toBe('Renamed OIDC app');
    expect(oidcOf(got)).toMatchObject({
      redirectUris: ['https://new.example.com/cb'],
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      devMode: true,
      idTokenRoleAssertion: true,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
    });

    // A user agent app with http: saved, also out of dev mode, with ZITADEL's report; a malformed URI is refused.
    await apps().updateApplication({
      projectId,
      id: created.appId,
      updateRequestType: {
        case: 'oidcConfigurationRequest',
        value: { ...USER_AGENT, redirectUris: ['http://localhost:4200/cb'] },
      },
    });
    await apps().updateApplication({
      projectId,
      id: created.appId,
      updateRequestType: { case: 'oidcConfigurationRequest', value: { devMode: false } },
    });
    const reported = oidcOf((await apps().getApplication({ id: created.appId })).app);
    expect(reported).toMatchObject({ devMode: false, redirectUris: ['http://localhost:4200/cb'], noneCompliant: true });
    expect(reported.complianceProblems.map((p) => p.key)).toContain(
      'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb',
    );
    const refused = await failure(
      apps().updateApplication({
        projectId,
        id: created.appId,
        updateRequestType: {
          case: 'oidcConfigurationRequest',
          value: { redirectUris: ['https://x.example.com/cb#frag'] },
        },
      }),
    );
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.findDetails(BadRequestSchema)[0].fieldViolations.map((v) => v.field)).toEqual([
      'oidc_configuration_request.redirect_uris[0]',
    ]);
  });

  it('answers FAILED_PRECONDITION when nothing changes', async () => {
    const created = await createOidc(apps(), { redirectUris: ['https://app.example.com/cb'] });
    const same = await failure(
      apps().updateApplication({
        projectId,
        id: created.appId,
        updateRequestType: {
          case: 'oidcConfigurationRequest',
          value: { redirectUris: ['https://app.example.com/cb'] },
        },
      }),
    );
    expect(same.code).toBe(Code.FailedPrecondition);
  });

  it('drops the secret when the auth method no longer uses one, and regenerates one on request', async () => {
    const created = await createOidc(apps(), { ...WEB_SECRET, redirectUris: ['https://app.example.com/cb'] });
    const first = (created.creationResponseType.value as { clientSecret: string }).clientSecret;
    const regenerated = await apps().regenerateClientSecret({
      projectId,
      applicationId: created.appId,
      appType: { case: 'isOidc', value: true },
    });
    expect(regenerated.clientSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(regenerated.clientSecret).not.toBe(first);
    expect(regenerated.creationDate).toBeDefined();
    const [row] = await server.database.dataSource.query(`SELECT client_secret_hash FROM apps WHERE id = $1`, [
      created.appId,
    ]);
    expect(row.client_secret_hash).toBe(hashToken(regenerated.clientSecret));

    // The wrong kind, and no kind at all, are refused.
    expect(
      (
        await failure(
          apps().regenerateClientSecret({
            projectId,
            applicationId: created.appId,
            appType: { case: 'isApi', value: true },
          }),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    expect((await failure(apps().regenerateClientSecret({ projectId, applicationId: created.appId }))).code).toBe(
      Code.InvalidArgument,
    );

    await apps().updateApplication({
      projectId,
      id: created.appId,
      updateRequestType: {
        case: 'oidcConfigurationRequest',
        value: { authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE },
      },
    });
    const [after] = await server.database.dataSource.query(`SELECT client_secret_hash FROM apps WHERE id = $1`, [
      created.appId,
    ]);
    expect(after.client_secret_hash).toBeNull();
    const none = await failure(
      apps().regenerateClientSecret({
        projectId,
        applicationId: created.appId,
        appType: { case: 'isOidc', value: true },
      }),
    );
    expect(none.code).toBe(Code.FailedPrecondition);
  });
});
