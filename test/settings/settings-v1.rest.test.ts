import { getOption, hasOption, type DescService } from '@bufbuild/protobuf';
import { http } from '@zitadel/proto/google/api/annotations_pb.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { RpcRegistry } from '../../src/platform/rpc/registry.js';
import { ADMIN_POLICY_ACCESS } from '../../src/settings/settings-admin.handler.js';
import { MANAGEMENT_POLICY_ACCESS } from '../../src/settings/settings-management.handler.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let org: string;

beforeAll(async () => {
  server = await bootTestServer();
  org = (await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'REST Policies' }))
    .id;
});
afterAll(() => server?.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  orgId?: string,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${server.adminPat}`,
    'content-type': 'application/json',
  };
  if (orgId) headers['x-zitadel-orgid'] = orgId;
  const res = await fetch(server.baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * `VERB /prefix/path` of every settings method the registry implements for a v1 service (other
 * contexts register their own v1 methods and test their REST paths themselves).
 */
function implementedRoutes(service: DescService, prefix: string, settingsAccess: object): string[] {
  const registry = server.app.get(RpcRegistry);
  return service.methods
    .filter((m) => registry.isImplemented(m) && Object.hasOwn(settingsAccess, m.localName))
    .map((m) => {
      const rule = getOption(m, http);
      if (!hasOption(m, http) || !rule.pattern.case || rule.pattern.case === 'custom')
        throw new Error(`${m.name} has no plain HTTP rule`);
      return `${rule.pattern.case.toUpperCase()} ${prefix}${rule.pattern.value}`;
    })
    .sort();
}

// In an order in which each call succeeds: the instance defaults, then an org's own policies.
// A path with a parameter names its template (as the annotations do) and the concrete path called.
const ADMIN_CALLS: [string, string, unknown?, string?][] = [
  ['GET', '/admin/v1/policies/login'],
  [
    'PUT',
    '/admin/v1/policies/login',
    {
      allowUsernamePassword: true,
      allowRegister: false,
      passwordlessType: 'PASSWORDLESS_TYPE_ALLOWED',
      passwordCheckLifetime: '3600s',
    },
  ],
  ['POST', '/admin/v1/policies/login/second_factors/_search', {}],
  ['POST', '/admin/v1/policies/login/second_factors', { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }],
  [
    'DELETE',
    '/admin/v1/policies/login/second_factors/{type}',
    undefined,
    '/admin/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_EMAIL',
  ],
  ['POST', '/admin/v1/policies/login/multi_factors/_search', {}],
  [
    'DELETE',
    '/admin/v1/policies/login/multi_factors/{type}',
    undefined,
    '/admin/v1/policies/login/multi_factors/MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION',
  ],
  ['POST', '/admin/v1/policies/login/multi_factors', { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' }],
  ['GET', '/admin/v1/policies/password/complexity'],
  [
    'PUT',
    '/admin/v1/policies/password/complexity',
    { minLength: 10, hasUppercase: true, hasLowercase: true, hasNumber: true, hasSymbol: false },
  ],
  ['GET', '/admin/v1/policies/password/age'],
  ['PUT', '/admin/v1/policies/password/age', { maxAgeDays: 90, expireWarnDays: 10 }],
  ['GET', '/admin/v1/policies/lockout'],
  ['PUT', '/admin/v1/policies/password/lockout', { maxPasswordAttempts: 5, maxOtpAttempts: 5 }],
  ['GET', '/admin/v1/policies/label'],
  ['GET', '/admin/v1/policies/label/_preview'],
  ['PUT', '/admin/v1/policies/label', { primaryColor: '#123456', themeMode: 'THEME_MODE_LIGHT' }],
  ['POST', '/admin/v1/policies/label/_activate', {}],
  ['GET', '/admin/v1/policies/domain'],
  ['PUT', '/admin/v1/policies/domain', { userLoginMustBeDomain: false, validateOrgDomains: false }],
  ['GET', '/admin/v1/policies/privacy'],
  ['PUT', '/admin/v1/policies/privacy', { tosLink: 'https://example.com/tos', supportEmail: 'help@example.com' }],
  ['POST', '/admin/v1/policies/notification', { passwordChange: false }],
  ['GET', '/admin/v1/policies/notification'],
  ['PUT', '/admin/v1/policies/notification', { passwordChange: true }],
  ['GET', '/admin/v1/settings/oidc'],
  [
    'POST',
    '/admin/v1/settings/oidc',
    {
      accessTokenLifetime: '3600s',
      idTokenLifetime: '3600s',
      refreshTokenIdleExpiration: '86400s',
      refreshTokenExpiration: '172800s',
    },
  ],
  [
    'PUT',
    '/admin/v1/settings/oidc',
    {
      accessTokenLifetime: '7200s',
      idTokenLifetime: '3600s',
      refreshTokenIdleExpiration: '86400s',
      refreshTokenExpiration: '172800s',
    },
  ],
];

const MANAGEMENT_CALLS: [string, string, unknown?, string?][] = [
  ['GET', '/management/v1/healthz'],
  ['GET', '/management/v1/languages'],
  ['GET', '/management/v1/policies/domain'],
  ['GET', '/management/v1/policies/orgiam'],
  ...(
    [
      [
        'login',
        {
          allowUsernamePassword: true,
          passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED',
          secondFactors: ['SECOND_FACTOR_TYPE_OTP'],
        },
        { allowUsernamePassword: true, allowRegister: true },
      ],
      ['password/complexity', { minLength: 12, hasNumber: true }, { minLength: 13 }],
      ['password/age', { maxAgeDays: 30 }, { maxAgeDays: 60, expireWarnDays: 5 }],
      ['lockout', { maxPasswordAttempts: 3 }, { maxPasswordAttempts: 4 }],
      ['privacy', { helpLink: 'https://example.com/help' }, { helpLink: 'https://example.com/help2' }],
      ['notification', { passwordChange: false }, { passwordChange: true }],
      ['label', { primaryColor: '#aabbcc', themeMode: 'THEME_MODE_DARK' }, { primaryColor: '#aabbdd' }],
    ] as const
  ).flatMap(([path, add, update]): [string, string, unknown?, string?][] => [
    ['GET', `/management/v1/policies/${path}`],
    ['GET', `/management/v1/policies/default/${path}`],
    ['POST', `/management/v1/policies/${path}`, add],
    ['PUT', `/management/v1/policies/${path}`, update],
    ...(path === 'login'
      ? ([
          // The org's own login policy's factors (ZITADEL names the multi-factor list auth_factors).
          ['POST', '/management/v1/policies/login/second_factors/_search', {}],
          ['POST', '/management/v1/policies/login/second_factors', { type: 'SECOND_FACTOR_TYPE_U2F' }],
          [
            'DELETE',
            '/management/v1/policies/login/second_factors/{type}',
            undefined,
            '/management/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_U2F',
          ],
          ['POST', '/management/v1/policies/login/auth_factors/_search', {}],
          ['POST', '/management/v1/policies/login/multi_factors', { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' }],
          [
            'DELETE',
            '/management/v1/policies/login/multi_factors/{type}',
            undefined,
            '/management/v1/policies/login/multi_factors/MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION',
          ],
        ] as [string, string, unknown?, string?][])
      : []),
    ...(path === 'label'
      ? ([
          ['GET', '/management/v1/policies/label/_preview'],
          ['POST', '/management/v1/policies/label/_activate', {}],
        ] as [string, string, unknown?][])
      : []),
    ['DELETE', `/management/v1/policies/${path}`],
  ]),
];

describe('REST paths of the implemented v1 methods', () => {
  it('covers every admin and management method the settings edge implements', () => {
    const listed = (calls: [string, string, unknown?, string?][]) =>
      [...new Set(calls.map(([verb, path]) => `${verb} ${path}`))].sort();
    expect(listed(ADMIN_CALLS)).toEqual(implementedRoutes(AdminService, '/admin/v1', ADMIN_POLICY_ACCESS));
    expect(listed(MANAGEMENT_CALLS)).toEqual(
      implementedRoutes(ManagementService, '/management/v1', MANAGEMENT_POLICY_ACCESS),
    );
  });

  it('answers every admin path', async () => {
    for (const [verb, path, body, concrete] of ADMIN_CALLS) {
      const res = await call(verb, concrete ?? path, body);
      expect(`${verb} ${path} ${res.status} ${res.status === 200 ? '' : JSON.stringify(res.body)}`).toBe(
        `${verb} ${path} 200 `,
      );
    }
    const v2 = await call('GET', `/v2/settings/login?ctx.orgId=${org}`);
    expect(v2.body.settings).toMatchObject({
      allowRegister: false,
      passwordCheckLifetime: '3600s',
      resourceOwnerType: 'RESOURCE_OWNER_TYPE_INSTANCE',
    });
    const label = await call('GET', '/admin/v1/policies/label');
    expect(label.body.policy).toMatchObject({
      primaryColor: '#123456',
      themeMode: 'THEME_MODE_LIGHT',
      isDefault: true,
    });
  });

  it('answers every management path, in the org the header names', async () => {
    for (const [verb, path, body, concrete] of MANAGEMENT_CALLS) {
      const res = await call(verb, concrete ?? path, body, org);
      expect(`${verb} ${path} ${res.status} ${res.status === 200 ? '' : JSON.stringify(res.body)}`).toBe(
        `${verb} ${path} 200 `,
      );
      if (verb === 'POST' && path !== '/management/v1/policies/label/_activate' && !path.endsWith('/_search'))
        expect(res.body.details.resourceOwner).toBe(org);
    }
    // Everything was reset: the org is back on the instance defaults.
    const complexity = await call('GET', '/management/v1/policies/password/complexity', undefined, org);
    expect(complexity.body).toMatchObject({ isDefault: true, policy: { minLength: '10', isDefault: true } });
    const events = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE aggregate_id = $1 AND event_type LIKE 'org.policy.%' ORDER BY sequence`,
      [org],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(
      expect.arrayContaining([
        'org.policy.login.added',
        'org.policy.login.changed',
        'org.policy.login.removed',
        'org.policy.label.activated',
        'org.policy.label.removed',
      ]),
    );
  });

  it('documents the v1 paths in the OpenAPI document under their prefixes', async () => {
    const res = await fetch(`${server.baseUrl}/openapi/v2.json`);
    expect(res.status).toBe(200);
    const spec = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/admin/v1/policies/login',
        '/management/v1/policies/password/complexity',
        '/v2/settings/login',
      ]),
    );
  });

  it('serves the org label policy in preview until activated', async () => {
    expect((await call('POST', '/management/v1/policies/label', { primaryColor: '#010203' }, org)).status).toBe(200);
    expect((await call('GET', '/management/v1/policies/label/_preview', undefined, org)).body).toMatchObject({
      isDefault: false,
      policy: { primaryColor: '#010203' },
    });
    expect((await call('GET', '/management/v1/policies/label', undefined, org)).body).toMatchObject({
      isDefault: true,
      policy: { primaryColor: '#123456' },
    });
    const settings = client(SettingsService, 'connect-h1', server.baseUrl, server.adminPat);
    expect(
      (await settings.getBrandingSettings({ ctx: { resourceOwner: { case: 'orgId', value: org } } })).settings
        ?.resourceOwnerType,
    ).toBe(1);
    expect((await call('POST', '/management/v1/policies/label/_activate', {}, org)).status).toBe(200);
    const branding = (await settings.getBrandingSettings({ ctx: { resourceOwner: { case: 'orgId', value: org } } }))
      .settings!;
    expect(branding.lightTheme?.primaryColor).toBe('#010203');
    expect(branding.resourceOwnerType).toBe(2);
  });
});
