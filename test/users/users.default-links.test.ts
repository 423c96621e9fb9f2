// Emails for a new user's email verification, an invitation and a password reset link to the
// hosted login's page when the caller gave no URL template (ZITADEL links to its login's pages),
// on the origin the request came in on; the link opens the page and completes the flow.
import { request } from 'node:http';
import { createClient } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { NotificationType } from '@zitadel/proto/zitadel/user/v2/password_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { INSTANCE_HOST_HEADER, PUBLIC_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { client, codeOf, withHeaders } from '../support/clients.js';
import { addInstanceDomain, otherInstance, type OtherInstance } from '../support/instances.js';
import { startWithReceivers, uniqueEmail, type ReceivingServer } from '../support/receivers.js';

let receiving: ReceivingServer;
let other: OtherInstance;
const OTHER_PUBLIC = 'accounts.other.test';

beforeAll(async () => {
  receiving = await startWithReceivers();
  other = await otherInstance(receiving.server, 'localhost');
  await addInstanceDomain(receiving.server, other.instanceId, OTHER_PUBLIC);
}, 60_000);
afterAll(() => receiving?.stop());

const server = () => receiving.server;
const users = () => client(UserService, 'grpc', server().baseUrl, server().adminPat);
const PASSWORD = 'Link-Passw0rd!';

/** The one link of a mail's text. */
function linkIn(text: string | undefined): URL {
  const found = /https?:\/\/\S+/.exec(text ?? '')?.[0];
  if (!found) throw new Error(`no link in: ${text}`);
  return new URL(found);
}

/**
 * A browser's way through the hosted login's forms, over plain HTTP on the server's port with the
 * link's Host: GET the link (the page and its cookie), then POST the page's form with its hidden
 * fields (CSRF token included) and the fields a person fills in.
 */
async function followLink(
  link: URL,
  fill: Record<string, string> = {},
): Promise<{ page: string; result: { status: number; body: string; location?: string } }> {
  const opened = await http('GET', link);
  expect(opened.status).toBe(200);
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(opened.body);
  if (!form) throw new Error(`no form on the page: ${opened.body.slice(0, 500)}`);
  const fields = new URLSearchParams();
  // What a browser submits: every input with its value (hidden ones, and a code the page filled in).
  for (const [tag] of form[2].matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (name) fields.set(name, (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replaceAll('&#38;', '&'));
  }
  for (const [k, v] of Object.entries(fill)) fields.set(k, v);
  const result = await http('POST', new URL(form[1], link), fields.toString(), opened.cookie);
  return { page: opened.body, result };
}

function http(
  method: string,
  url: URL,
  body?: string,
  cookie?: string,
): Promise<{ status: number; body: string; cookie?: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      host: url.host,
      ...(cookie ? { cookie } : {}),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    };
    const req = request(
      { host: '127.0.0.1', port: server().port, path: url.pathname + url.search, method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            cookie: res.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; '),
            location: res.headers.location,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function passwordWorks(loginName: string, password: string): Promise<boolean> {
  const sessions = client(SessionService, 'grpc', server().baseUrl, server().adminPat);
  return (
    (await codeOf(
      sessions.createSession({
        checks: { user: { search: { case: 'loginName', value: loginName } }, password: { password } },
      }),
    )) === 'ok'
  );
}

describe("default links in emails point at the hosted login (ZITADEL's rule: its login's pages)", () => {
  it("a new user's verification email links to /verify with userId, code and organization, and the link verifies the email", async () => {
    const email = uniqueEmail('verify-link');
    const { userId } = await users().addHumanUser({
      username: email,
      profile: { givenName: 'Link', familyName: 'Verify' },
      email: { email, verification: { case: 'sendCode', value: {} } },
      passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
    });
    const [mail] = await receiving.smtp.waitFor(email);
    const link = linkIn(mail.text);
    expect(`${link.origin}${link.pathname}`).toBe(`${server().baseUrl}/ui/v2/login/verify`);
    expect(link.searchParams.get('userId')).toBe(userId);
    expect(link.searchParams.get('code')).toMatch(/^[A-Z0-9]{6}$/);
    expect(link.searchParams.get('organization')).toBeTruthy();
    expect(mail.html).toContain('/ui/v2/login/verify?userId=');

    const got = await users().getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value.email?.isVerified).toBe(false);
    const { result } = await followLink(link);
    expect(result.status).toBe(200);
    expect(result.body).toContain('Email address verified');
    const after = await users().getUserByID({ userId });
    expect(after.user?.type.case === 'human' && after.user.type.value.email?.isVerified).toBe(true);
  });

  it('opening the verification link spends nothing (mail scanners open links); a wrong code is refused on the page', async () => {
    const email = uniqueEmail('verify-wrong');
    const { userId } = await users().addHumanUser({
      username: email,
      profile: { givenName: 'W', familyName: 'C' },
      email: { email, verification: { case: 'sendCode', value: {} } },
    });
    const link = linkIn((await receiving.smtp.waitFor(email))[0].text);
    await http('GET', link);
    const wrong = new URL(link);
    wrong.searchParams.set('code', 'WRONG1');
    const { result } = await followLink(wrong);
    expect(result.status).toBe(400);
    expect(result.body).toContain('This verification link is invalid');
    const stillOpen = await users().getUserByID({ userId });
    expect(stillOpen.user?.type.case === 'human' && stillOpen.user.type.value.email?.isVerified).toBe(false);
    expect((await followLink(link)).result.status).toBe(200);
  });

  it('an invitation links to /verify?…&invite=true, where the user sets the first password', async () => {
    const email = uniqueEmail('invite-link');
    const { userId } = await users().addHumanUser({
      username: email,
      profile: { givenName: 'In', familyName: 'Vite' },
      email: { email, verification: { case: 'isVerified', value: true } },
    });
    await users().createInviteCode({ userId, verification: { case: 'sendCode', value: {} } });
    const [mail] = await receiving.smtp.waitFor(email);
    const link = linkIn(mail.text);
    expect(`${link.origin}${link.pathname}`).toBe(`${server().baseUrl}/ui/v2/login/verify`);
    expect([link.searchParams.get('userId'), link.searchParams.get('invite')]).toEqual([userId, 'true']);
    const { result } = await followLink(link, { newPassword: PASSWORD, confirmPassword: PASSWORD });
    expect([result.status, /role="alert"[\s\S]*?<\/div>/.exec(result.body)?.[0]]).toEqual([303, undefined]);
    expect(await passwordWorks(email, PASSWORD)).toBe(true);
  });

  it('a password reset links to /password/set with the code filled in; the new password then signs in', async () => {
    const email = uniqueEmail('reset-link');
    const { userId } = await users().addHumanUser({
      username: email,
      profile: { givenName: 'Re', familyName: 'Set' },
      email: { email, verification: { case: 'isVerified', value: true } },
      passwordType: { case: 'password', value: { password: 'Old-Passw0rd!', changeRequired: false } },
    });
    await users().passwordReset({
      userId,
      medium: { case: 'sendLink', value: { notificationType: NotificationType.Email } },
    });
    const link = linkIn((await receiving.smtp.waitFor(email))[0].text);
    expect(`${link.origin}${link.pathname}`).toBe(`${server().baseUrl}/ui/v2/login/password/set`);
    expect(link.searchParams.get('userId')).toBe(userId);
    const { page, result } = await followLink(link, { newPassword: PASSWORD, confirmPassword: PASSWORD });
    expect(page).toContain(`value="${link.searchParams.get('code')}"`);
    expect([result.status, /role="alert"[\s\S]*?<\/div>/.exec(result.body)?.[0]]).toEqual([200, undefined]);
    expect(result.body).toContain('Password changed');
    expect(await passwordWorks(email, PASSWORD)).toBe(true);
    expect(await passwordWorks(email, 'Old-Passw0rd!')).toBe(false);
  });

  it('a URL template the caller gives still wins', async () => {
    const email = uniqueEmail('own-template');
    await users().addHumanUser({
      username: email,
      profile: { givenName: 'O', familyName: 'T' },
      email: {
        email,
        verification: {
          case: 'sendCode',
          value: { urlTemplate: 'https://app.example.com/v?u={{.UserID}}&c={{.Code}}' },
        },
      },
    });
    expect(linkIn((await receiving.smtp.waitFor(email))[0].text).origin).toBe('https://app.example.com');
  });
});

describe('links on the public host (x-zitadel-public-host), never on a host the caller invents', () => {
  const otherUsers = (headers: Record<string, string>) =>
    createClient(
      UserService,
      createServerTransport(other.adminPat, { baseUrl: server().baseUrl, interceptors: [withHeaders(headers)] }),
    );
  const instanceHost = () => ({ [INSTANCE_HOST_HEADER]: `localhost:${server().port}` });

  it("a user added through the headers of instance 2 gets a link on instance 2's public host, which opens its page there", async () => {
    const email = uniqueEmail('public-host');
    await otherUsers({ ...instanceHost(), [PUBLIC_HOST_HEADER]: `${OTHER_PUBLIC}:${server().port}` }).addHumanUser({
      username: email,
      profile: { givenName: 'P', familyName: 'H' },
      email: { email, verification: { case: 'sendCode', value: {} } },
    });
    const link = linkIn((await receiving.smtp.waitFor(email))[0].text);
    expect(link.origin).toBe(`http://${OTHER_PUBLIC}:${server().port}`);
    expect((await followLink(link)).result.status).toBe(200);
  });

  it.each([
    ["instance 1's domain (cross-instance)", '127.0.0.1'],
    ['a host no instance serves', 'evil.example'],
  ])('a public host that is %s is refused and no email is sent', async (_what, host) => {
    const email = uniqueEmail('evil-host');
    const call = otherUsers({ ...instanceHost(), [PUBLIC_HOST_HEADER]: host }).addHumanUser({
      username: email,
      profile: { givenName: 'E', familyName: 'H' },
      email: { email, verification: { case: 'sendCode', value: {} } },
    });
    expect(await codeOf(call)).not.toBe('ok');
    await new Promise((r) => setTimeout(r, 500));
    expect(receiving.smtp.to(email)).toEqual([]);
  });

  it("instance 2's verification link does not open on instance 1 (cross-instance)", async () => {
    const email = uniqueEmail('cross-link');
    await otherUsers(instanceHost()).addHumanUser({
      username: email,
      profile: { givenName: 'C', familyName: 'L' },
      email: { email, verification: { case: 'sendCode', value: {} } },
    });
    const link = linkIn((await receiving.smtp.waitFor(email))[0].text);
    expect(link.host).toBe(`localhost:${server().port}`);
    const onFirst = new URL(link);
    onFirst.host = `127.0.0.1:${server().port}`;
    expect((await http('GET', onFirst)).status).toBe(400);
  });
});
