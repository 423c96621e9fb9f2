import type { JsonObject } from '@bufbuild/protobuf';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { Secret, TOTP } from 'otpauth';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../../support/clients.js';
import { machineWithRoles } from '../../support/principals.js';
import type { TestServer } from '../../support/test-server.js';
import { SoftwareAuthenticator } from '../../users/mfa/support/software-authenticator.js';
import { defaultOrgOf } from '../../users/mfa/support/users.js';

export { addHuman, codeOf, defaultOrgOf, errorOf, patFor } from '../../users/mfa/support/users.js';
export { assertWith } from './assertions.js';

/** The password `addHuman` gives its users. */
export const PASSWORD = 'Secr3t!pass';

/** A machine user with IAM_LOGIN_CLIENT, the role ZITADEL's login UI runs as; its PAT. */
export async function loginClient(server: TestServer): Promise<string> {
  const org = await defaultOrgOf(server);
  return (
    await machineWithRoles(server, org, {
      level: 'instance',
      resourceId: await instanceIdOf(server),
      roles: ['IAM_LOGIN_CLIENT'],
    })
  ).pat;
}

export async function instanceIdOf(server: TestServer): Promise<string> {
  const [{ id }] = await server.database.dataSource.query('SELECT id FROM instances');
  return id as string;
}

/** What an authenticator app shows for the seed at `at` (RFC 6238, the app's side). */
export function appCode(secret: string, at = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

/** A six-digit code the seed does not produce now or one step either side. */
export function wrongCode(secret: string): string {
  const near = new Set([-1, 0, 1].map((s) => appCode(secret, Date.now() + s * 30_000)));
  for (let i = 0; ; i++) {
    const candidate = String(123456 + i).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** A verified TOTP for the user, through the user API; its seed. */
export async function withTotp(server: TestServer, userId: string): Promise<string> {
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { secret } = await users.registerTOTP({ userId });
  await users.verifyTOTPRegistration({ userId, code: appCode(secret) });
  return secret;
}

/** A passkey (user verification) or U2F key (none) registered for `localhost` through the user API. */
export async function withWebAuthn(
  server: TestServer,
  userId: string,
  kind: 'passkey' | 'u2f',
): Promise<SoftwareAuthenticator> {
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const authenticator = new SoftwareAuthenticator({ userVerification: kind === 'passkey' });
  const origin = `http://localhost:${new URL(server.baseUrl).port}`;
  if (kind === 'passkey') {
    const r = await users.registerPasskey({ userId, domain: 'localhost' });
    const credential = authenticator.create(r.publicKeyCredentialCreationOptions, origin) as unknown as JsonObject;
    await users.verifyPasskeyRegistration({
      userId,
      passkeyId: r.passkeyId,
      passkeyName: 'laptop',
      publicKeyCredential: credential,
    });
  } else {
    const r = await users.registerU2F({ userId, domain: 'localhost' });
    const credential = authenticator.create(r.publicKeyCredentialCreationOptions, origin) as unknown as JsonObject;
    await users.verifyU2FRegistration({ userId, u2fId: r.u2fId, tokenName: 'key', publicKeyCredential: credential });
  }
  return authenticator;
}

/** The origin a browser on `localhost` would report. */
export function localOrigin(server: TestServer): string {
  return `http://localhost:${new URL(server.baseUrl).port}`;
}

/** Forces MFA (second factor: TOTP) in the org's own login policy, through the v1 management API as the admin. */
export async function forceMfaIn(server: TestServer, orgId: string): Promise<void> {
  const orgHeader: Interceptor = (next) => (req) => {
    req.header.set('x-zitadel-orgid', orgId);
    return next(req);
  };
  const mgmt = createClient(
    ManagementService,
    createServerTransport(server.adminPat, { baseUrl: server.baseUrl, interceptors: [orgHeader] }),
  );
  await mgmt.addCustomLoginPolicy({
    allowUsernamePassword: true,
    forceMfa: true,
    secondFactors: [1],
    passwordCheckLifetime: { seconds: 864000n },
  });
}
