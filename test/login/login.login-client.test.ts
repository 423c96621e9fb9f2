import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { LOGIN_CLIENT_ID } from '../../src/platform/auth/login-client.js';
import { Browser, PASSWORD, addUser, oidcWorld, type OidcWorld } from '../oidc/support.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

/**
 * The hosted login pages are a login client (IAM_LOGIN_CLIENT on the instance, no user behind it),
 * not the system: what they write is audited as the login client's, and what they do to a user
 * they do as the session's user, under the same login rules as an API client holding the session
 * token. Driven over HTTP without a browser (the browser flows are in the neighbouring files).
 */
let server: TestServer;
let world: OidcWorld;
const BASE = '/ui/v2/login';

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

/** A browser on the pages: its cookie jar, and the CSRF token of the last page it read. */
class Pages {
  readonly browser = new Browser();
  csrf = '';

  async get(path: string): Promise<Response> {
    const res = await this.browser.get(`${server.baseUrl}${BASE}${path}`);
    const html = await res.clone().text();
    this.csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
    return res;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.browser.get(`${server.baseUrl}${BASE}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, csrf: this.csrf }).toString(),
    });
  }

  /** Login name and password on the pages; the session id and where the pages send the browser next. */
  async signIn(username: string): Promise<{ session: string; next: string }> {
    await this.get('/loginname');
    const named = await this.post('/loginname', { loginName: username });
    const session = new URL(named.headers.get('location')!, server.baseUrl).searchParams.get('session')!;
    await this.get(`/password?session=${session}`);
    const checked = await this.post('/password', { session, password: PASSWORD });
    return { session, next: checked.headers.get('location') ?? '' };
  }
}

const creatorsOf = async (aggregateType: string, aggregateId: string): Promise<string[]> =>
  (
    await server.database.dataSource.query(
      'SELECT DISTINCT creator FROM events WHERE aggregate_type = $1 AND aggregate_id = $2',
      [aggregateType, aggregateId],
    )
  ).map((r: { creator: string }) => r.creator);

describe('the hosted login as a login client', () => {
  it('sessions the pages create and check are audited as the login client, not as the system', async () => {
    const user = await addUser(server, world);
    const pages = new Pages();
    const { session } = await pages.signIn(user.username);
    expect(await creatorsOf('session', session)).toEqual([LOGIN_CLIENT_ID]);
  });

  it('a session owing the password change cannot set up TOTP through the pages (only the change is allowed); after the change it can', async () => {
    const user = await addUser(server, world);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).setPassword({
      userId: user.id,
      newPassword: { password: PASSWORD, changeRequired: true },
    });
    const pages = new Pages();
    const { session, next } = await pages.signIn(user.username);
    expect(next).toBe(`${BASE}/password/change?session=${session}`);

    // The set-up page acts as the session's user, which may only change the password yet.
    const refused = await pages.get(`/mfa/setup/totp?session=${session}`);
    expect(refused.status).toBe(400);
    const totpRows = () => server.database.dataSource.query('SELECT 1 FROM user_totp WHERE user_id = $1', [user.id]);
    expect(await totpRows()).toHaveLength(0);

    await pages.get(`/password/change?session=${session}`);
    const changed = await pages.post('/password/change', {
      session,
      currentPassword: PASSWORD,
      newPassword: 'An0ther-Passw0rd!',
      confirmPassword: 'An0ther-Passw0rd!',
    });
    expect(changed.status).toBe(303);
    // The change is the user's own, written as the user (self), not as the login client or the system.
    const [{ creator }] = await server.database.dataSource.query(
      `SELECT creator FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 AND event_type = 'user.human.password.changed' ORDER BY sequence DESC LIMIT 1`,
      [user.id],
    );
    expect(creator).toBe(user.id);

    expect((await pages.get(`/mfa/setup/totp?session=${session}`)).status).toBe(200);
    expect(await totpRows()).toHaveLength(1);
  });
});
