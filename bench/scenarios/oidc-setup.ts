import { adminCall as call } from '../harness/admin-api.js';
import type { BenchTarget } from '../harness/types.js';

/** What the OIDC scenarios share: a project with an OIDC app, an API app, a machine user and user tokens. */
export interface OidcBenchWorld {
  readonly web: { clientId: string; clientSecret: string };
  readonly api: { clientId: string; clientSecret: string };
  readonly machine: { username: string; secret: string };
  /** Access tokens of a human (for introspection and userinfo), one per load connection. */
  readonly accessTokens: string[];
  /** Refresh token chains of other grants of the same human, advanced by the refresh scenario. */
  readonly refreshChains: string[];
}

const PASSWORD = 'Bench-Passw0rd!';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export async function tokenRequest(
  target: BenchTarget,
  form: Record<string, string>,
  client?: { clientId: string; clientSecret: string },
): Promise<any> {
  const res = await fetch(`${target.baseUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(client ? { authorization: basic(client.clientId, client.clientSecret) } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const body = await res.json();
  if (res.status !== 200)
    throw Object.assign(new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`), { body });
  return body;
}

/**
 * A device flow per token pair (no browser needed): device authorization, a password session,
 * AuthorizeOrDenyDeviceAuthorization, then the poll that returns the tokens.
 */
async function deviceTokens(
  target: BenchTarget,
  web: { clientId: string; clientSecret: string },
  username: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await fetch(`${target.baseUrl}/oauth/v2/device_authorization`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(web.clientId, web.clientSecret),
    },
    body: new URLSearchParams({ scope: 'openid profile email offline_access' }).toString(),
  });
  const started = (await res.json()) as { device_code: string; user_code: string };
  const { deviceAuthorizationRequest } = await call(
    target,
    'GET',
    `/v2/oidc/device_authorization/${encodeURIComponent(started.user_code)}`,
  );
  const session = await call(target, 'POST', '/v2/sessions', {
    checks: { user: { loginName: username }, password: { password: PASSWORD } },
  });
  await call(target, 'POST', `/v2/oidc/device_authorization/${encodeURIComponent(deviceAuthorizationRequest.id)}`, {
    session: { sessionId: session.sessionId, sessionToken: session.sessionToken },
  });
  const tokens = await tokenRequest(
    target,
    { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: started.device_code },
    web,
  );
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

const worlds = new WeakMap<BenchTarget, Promise<OidcBenchWorld>>();

/** Made once per run (and target), through the API as an app's admin would. */
export function oidcBenchWorld(target: BenchTarget, pairs: number): Promise<OidcBenchWorld> {
  let world = worlds.get(target);
  if (!world) {
    world = build(target, pairs);
    worlds.set(target, world);
  }
  return world;
}

async function build(target: BenchTarget, pairs: number): Promise<OidcBenchWorld> {
  const tag = Date.now().toString(36);
  const { id: projectId } = await call(target, 'POST', '/v2beta/projects', {
    organizationId: target.orgId,
    name: `Bench ${tag}`,
  });
  const web = await call(target, 'POST', `/v2beta/applications`, {
    projectId,
    name: `Bench web ${tag}`,
    oidcRequest: {
      redirectUris: ['http://localhost:4455/cb'],
      responseTypes: ['OIDC_RESPONSE_TYPE_CODE'],
      grantTypes: [
        'OIDC_GRANT_TYPE_AUTHORIZATION_CODE',
        'OIDC_GRANT_TYPE_REFRESH_TOKEN',
        'OIDC_GRANT_TYPE_DEVICE_CODE',
      ],
      appType: 'OIDC_APP_TYPE_WEB',
      authMethodType: 'OIDC_AUTH_METHOD_TYPE_BASIC',
      devMode: true,
    },
  });
  const api = await call(target, 'POST', `/v2beta/applications`, {
    projectId,
    name: `Bench api ${tag}`,
    apiRequest: { authMethodType: 'API_AUTH_METHOD_TYPE_BASIC' },
  });
  const machineName = `bench-machine-${tag}`;
  const { id: machineId } = await call(target, 'POST', '/v2/users/new', {
    organizationId: target.orgId,
    username: machineName,
    machine: { name: 'Bench machine' },
  });
  const { clientSecret: machineSecret } = await call(target, 'POST', `/v2/users/${machineId}/secret`, {});
  const username = `bench-oidc-${tag}`;
  await call(target, 'POST', '/v2/users/human', {
    username,
    organization: { orgId: target.orgId },
    profile: { givenName: 'Bench', familyName: 'User' },
    email: { email: `${username}@example.com`, isVerified: true },
    password: { password: PASSWORD, changeRequired: false },
  });
  const webClient = { clientId: web.oidcResponse.clientId, clientSecret: web.oidcResponse.clientSecret };
  // Separate grants for the access tokens and the refresh chains: refreshing never touches the former.
  const grants = await Promise.all(Array.from({ length: 2 * pairs }, () => deviceTokens(target, webClient, username)));
  return {
    web: webClient,
    api: { clientId: api.apiResponse.clientId, clientSecret: api.apiResponse.clientSecret },
    machine: { username: machineName, secret: machineSecret },
    accessTokens: grants.slice(0, pairs).map((g) => g.accessToken),
    refreshChains: grants.slice(pairs).map((g) => g.refreshToken),
  };
}

export { basic };
