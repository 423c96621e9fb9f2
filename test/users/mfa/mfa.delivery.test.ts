import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { JsonObject } from '@bufbuild/protobuf';
import { client } from '../../support/clients.js';
import { MailCatcher } from '../../support/receivers.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import { addHuman } from './support/users.js';

let smtp: MailCatcher;
let server: TestServer;

beforeAll(async () => {
  smtp = await new MailCatcher().start();
  server = await bootTestServer({
    PORTCULLIS_SMTP_HOST: '127.0.0.1',
    PORTCULLIS_SMTP_PORT: String(smtp.port),
    PORTCULLIS_SMTP_TLS: 'none',
    PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
  });
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

describe('passkey registration links sent by email', () => {
  it('emails a link with the code, which then registers a passkey', async () => {
    const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId, username } = await addHuman(server);
    const sent = await admin.createPasskeyRegistrationLink({
      userId,
      medium: {
        case: 'sendLink',
        value: {
          urlTemplate: 'https://login.example.com/passkey/set?userId={{.UserID}}&codeId={{.CodeID}}&code={{.Code}}',
        },
      },
    });
    expect(sent.code).toBeUndefined();
    const [mail] = await smtp.waitFor(`${username}@example.com`);
    const link = /https:\/\/login\.example\.com\/passkey\/set\?[^\s"<]+/.exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    const params = new URL(link!).searchParams;
    expect(params.get('userId')).toBe(userId);
    const code = { id: params.get('codeId')!, code: params.get('code')! };
    expect(code.code).toMatch(/^[A-Za-z0-9]{12}$/);

    const registered = await admin.registerPasskey({ userId, domain: 'localhost', code });
    const credential = new SoftwareAuthenticator().create(
      registered.publicKeyCredentialCreationOptions,
      `http://localhost:${new URL(server.baseUrl).port}`,
    );
    await admin.verifyPasskeyRegistration({
      userId,
      passkeyId: registered.passkeyId,
      passkeyName: 'from mail',
      publicKeyCredential: credential as unknown as JsonObject,
    });
    expect((await admin.listPasskeys({ userId })).result.map((p) => p.name)).toEqual(['from mail']);
  });
});
