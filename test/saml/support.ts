import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { SAMLService } from '@zitadel/proto/zitadel/saml/v2/saml_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { pemBody } from '../../src/saml/saml-certificates.store.js';
import { generateSelfSigned } from '../../src/platform/crypto/self-signed-certificate.js';
import { client } from '../support/clients.js';
import type { TestServer } from '../support/test-server.js';
import { loginClient } from '../sessions/support/sessions.js';

export const PASSWORD = 'Secr3t!pass';
let n = 0;
const unique = () => `${Date.now().toString(36)}${n++}`;

export interface SamlUser {
  readonly userId: string;
  readonly username: string;
  readonly email: string;
}

/** An org, a project with roles, a user authorized with one of them, and a login client (IAM_LOGIN_CLIENT). */
export interface SamlWorld {
  readonly orgId: string;
  readonly projectId: string;
  readonly user: SamlUser;
  readonly loginPat: string;
}

export async function samlWorld(server: TestServer, options: { roleCheck?: boolean } = {}): Promise<SamlWorld> {
  const orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({
      name: `SAML Org ${unique()}`,
    })
  ).id;
  const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
  const { id: projectId } = await projects.createProject({
    organizationId: orgId,
    name: `SAML Project ${unique()}`,
    authorizationRequired: options.roleCheck ?? false,
  });
  for (const roleKey of ['admin', 'viewer', 'auditor'])
    await projects.addProjectRole({ projectId, roleKey, displayName: roleKey });
  const user = await samlUser(server, orgId);
  await client(AuthorizationService, 'grpc', server.baseUrl, server.adminPat).createAuthorization({
    userId: user.userId,
    projectId,
    roleKeys: ['viewer', 'auditor'],
  });
  return { orgId, projectId, user, loginPat: await loginClient(server) };
}

export async function samlUser(server: TestServer, orgId: string): Promise<SamlUser> {
  const username = `ada${unique()}`;
  const email = `${username}@example.com`;
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace' },
    email: { email, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
  });
  return { userId, username, email };
}

/** A SAML app for the SP metadata, through AppService as the admin. */
export async function samlApp(
  server: TestServer,
  projectId: string,
  metadata: string,
  loginBaseUri?: string,
): Promise<string> {
  const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const { appId } = await apps.createApplication({
    projectId,
    name: `SP ${unique()}`,
    creationRequestType: {
      case: 'samlRequest',
      value: {
        metadata: { case: 'metadataXml', value: Buffer.from(metadata, 'utf8') },
        loginVersion: loginBaseUri ? { version: { case: 'loginV2', value: { baseUri: loginBaseUri } } } : undefined,
      },
    },
  });
  return appId;
}

/** A checked session (user + password) made by the login client, as the login UI would. */
export async function passwordSession(
  server: TestServer,
  loginPat: string,
  loginName: string,
): Promise<{ sessionId: string; sessionToken: string }> {
  const created = await client(SessionService, 'grpc', server.baseUrl, loginPat).createSession({
    checks: { user: { search: { case: 'loginName', value: loginName } }, password: { password: PASSWORD } },
  });
  return { sessionId: created.sessionId, sessionToken: created.sessionToken };
}

export function samlService(server: TestServer, token: string) {
  return client(SAMLService, 'grpc', server.baseUrl, token);
}

/** The SAML request id from the SSO endpoint's redirect to the login UI. */
export function samlRequestIdOf(location: string | null): string {
  const id = location ? new URL(location, 'http://x').searchParams.get('samlRequest') : null;
  if (!id) throw new Error(`no samlRequest in ${location}`);
  return id;
}

/** An SP signing key pair (self-signed), made once per test file. */
export async function spKeys(): Promise<{ privateKey: string; certificate: string; certificateBase64: string }> {
  const made = await generateSelfSigned('sp.test');
  return { ...made, certificateBase64: pemBody(made.certificate) };
}

let counter = 0;
export const uniqueEntity = (name: string) =>
  `https://${name}-${Date.now().toString(36)}-${counter++}.sp.test/metadata`;

/** Sends what the SP built to the SSO endpoint as the browser would, without following redirects. */
export async function browserSend(
  request: { binding: 'redirect'; url: string } | { binding: 'post'; url: string; fields: Record<string, string> },
): Promise<Response> {
  if (request.binding === 'redirect') return fetch(request.url, { redirect: 'manual' });
  return fetch(request.url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(request.fields).toString(),
  });
}
