import { Code } from '@connectrpc/connect';
import type { JsonObject } from '@bufbuild/protobuf';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { AuthFactorState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { AuthenticationMethodType, AuthFactors, UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, rest } from '../../support/clients.js';
import { machineWithRoles } from '../../support/principals.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import { addHuman, codeOf, errorOf } from './support/users.js';

let server: TestServer;
let port: string;
beforeAll(async () => {
  server = await bootTestServer();
  port = new URL(server.baseUrl).port;
});
afterAll(() => server?.close());

/** What navigator.credentials.create() needs: the Struct the server answered. */
const asJson = (credential: object) => credential as JsonObject;

interface PublicKeyOptions {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { alg: number }[];
  timeout: number;
  attestation: string;
  excludeCredentials?: { id: string }[];
  authenticatorSelection: { userVerification: string; residentKey: string; authenticatorAttachment?: string };
}
const publicKeyOf = (options: JsonObject | undefined) =>
  (options as unknown as { publicKey: PublicKeyOptions }).publicKey;

describe.each(['grpc', 'connect-h1'] as const)('passkeys over %s', (transport) => {
  const users = () => client(UserService, transport, server.baseUrl, server.adminPat);

  it('registers a passkey made by a software authenticator, lists it and removes it', async () => {
    const { userId, username } = await addHuman(server);
    const registered = await users().registerPasskey({ userId, domain: 'localhost', authenticator: 1 });
    expect(registered.passkeyId).toMatch(/^\d{18}$/);
    const options = publicKeyOf(registered.publicKeyCredentialCreationOptions);
    expect(options.rp).toEqual({ id: 'localhost', name: 'Portcullis' });
    expect(options.user.name).toBe(username);
    expect(options.user.displayName).toBe('Mia Factor');
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(userId);
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual(expect.arrayContaining([-7, -257]));
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({
      userVerification: 'required',
      residentKey: 'required',
      authenticatorAttachment: 'platform',
    });

    // Not a passkey before it is verified.
    expect((await users().listPasskeys({ userId })).result).toEqual([]);

    const authenticator = new SoftwareAuthenticator({ userVerification: true });
    const credential = authenticator.create(registered.publicKeyCredentialCreationOptions, `http://localhost:${port}`);
    await users().verifyPasskeyRegistration({
      userId,
      passkeyId: registered.passkeyId,
      passkeyName: 'laptop',
      publicKeyCredential: asJson(credential),
    });
    expect(
      await codeOf(
        users().verifyPasskeyRegistration({
          userId,
          passkeyId: registered.passkeyId,
          passkeyName: 'again',
          publicKeyCredential: asJson(credential),
        }),
      ),
    ).toBe(Code.FailedPrecondition);

    const listed = await users().listPasskeys({ userId });
    expect(listed.result.map((p) => ({ id: p.id, name: p.name, state: p.state }))).toEqual([
      { id: registered.passkeyId, name: 'laptop', state: AuthFactorState.READY },
    ]);
    expect(listed.details?.totalResult).toBe(1n);
    const [stored] = await server.database.dataSource.query(
      'SELECT credential_id, public_key, sign_count, rp_id, challenge FROM user_webauthn_credentials WHERE id = $1',
      [registered.passkeyId],
    );
    expect(stored).toMatchObject({
      credential_id: credential.id,
      sign_count: '0',
      rp_id: 'localhost',
      challenge: null,
    });
    expect(stored.public_key.length).toBeGreaterThan(64);

    const methods = await users().listAuthenticationMethodTypes({ userId });
    expect(methods.authMethodTypes).toEqual([AuthenticationMethodType.PASSWORD, AuthenticationMethodType.PASSKEY]);
    const elsewhere = await users().listAuthenticationMethodTypes({
      userId,
      domainQuery: { domain: 'auth.example.com', includeWithoutDomain: true },
    });
    expect(elsewhere.authMethodTypes).toEqual([AuthenticationMethodType.PASSWORD]);
    // Passkeys are not second factors.
    expect((await users().listAuthenticationFactors({ userId })).result).toEqual([]);

    // The next registration excludes the credential the authenticator already holds.
    const next = await users().registerPasskey({ userId, domain: 'localhost' });
    expect(publicKeyOf(next.publicKeyCredentialCreationOptions).excludeCredentials?.map((c) => c.id)).toEqual([
      credential.id,
    ]);
    expect(() => authenticator.create(next.publicKeyCredentialCreationOptions, `http://localhost:${port}`)).toThrow(
      /InvalidStateError/,
    );

    await users().removePasskey({ userId, passkeyId: registered.passkeyId });
    expect((await users().listPasskeys({ userId })).result).toEqual([]);
    expect(await codeOf(users().removePasskey({ userId, passkeyId: registered.passkeyId }))).toBe(Code.NotFound);
  });

  it('uses the host the request came to when no domain is given', async () => {
    const { userId } = await addHuman(server);
    const registered = await users().registerPasskey({ userId });
    expect(publicKeyOf(registered.publicKeyCredentialCreationOptions).rp.id).toBe('127.0.0.1');
    const credential = new SoftwareAuthenticator().create(
      registered.publicKeyCredentialCreationOptions,
      server.baseUrl,
    );
    await users().verifyPasskeyRegistration({
      userId,
      passkeyId: registered.passkeyId,
      passkeyName: 'ip',
      publicKeyCredential: asJson(credential),
    });
    expect(await codeOf(users().registerPasskey({ userId, domain: 'evil.example.com' }))).toBe(Code.InvalidArgument);
  });

  it('refuses attestations without user verification, from foreign origins, for another challenge or RP, and expired ones', async () => {
    const { userId } = await addHuman(server);
    const attempt = async (make: (options: JsonObject | undefined) => object) => {
      const r = await users().registerPasskey({ userId, domain: 'localhost' });
      return errorOf(
        users().verifyPasskeyRegistration({
          userId,
          passkeyId: r.passkeyId,
          passkeyName: 'x',
          publicKeyCredential: asJson(make(r.publicKeyCredentialCreationOptions)),
        }),
      );
    };
    const origin = `http://localhost:${port}`;
    // The browser would not even ask an authenticator without UV; a forged response is refused.
    const noUv = await attempt((o) => {
      const opts = JSON.parse(JSON.stringify(o));
      opts.publicKey.authenticatorSelection.userVerification = 'discouraged';
      return new SoftwareAuthenticator({ userVerification: false }).create(opts, origin);
    });
    expect(noUv.code).toBe(Code.InvalidArgument);
    expect(noUv.rawMessage).toMatch(/verification/i);

    const foreign = await attempt((o) => new SoftwareAuthenticator().create(o, 'https://evil.example.com'));
    expect(foreign.code).toBe(Code.InvalidArgument);
    expect(foreign.rawMessage).toMatch(/origin/);

    const otherChallenge = await attempt((o) =>
      new SoftwareAuthenticator().create(o, origin, { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    );
    expect(otherChallenge.code).toBe(Code.InvalidArgument);
    expect(otherChallenge.rawMessage).toMatch(/challenge/);

    const otherRp = await attempt((o) => new SoftwareAuthenticator().create(o, origin, { rpId: 'example.com' }));
    expect(otherRp.code).toBe(Code.InvalidArgument);

    const garbage = await errorOf(
      users().verifyPasskeyRegistration({ userId, passkeyId: '1', passkeyName: 'x', publicKeyCredential: { id: 'x' } }),
    );
    expect(garbage.code).toBe(Code.NotFound);

    const expiring = await users().registerPasskey({ userId, domain: 'localhost' });
    await server.database.dataSource.query(
      `UPDATE user_webauthn_credentials SET challenge_expires_at = now() - interval '1 second' WHERE id = $1`,
      [expiring.passkeyId],
    );
    const late = await errorOf(
      users().verifyPasskeyRegistration({
        userId,
        passkeyId: expiring.passkeyId,
        passkeyName: 'late',
        publicKeyCredential: asJson(
          new SoftwareAuthenticator().create(expiring.publicKeyCredentialCreationOptions, origin),
        ),
      }),
    );
    expect(late.code).toBe(Code.FailedPrecondition);
    expect(late.rawMessage).toMatch(/expired/);
    // Registering again sweeps the expired challenge away.
    await users().registerPasskey({ userId, domain: 'localhost' });
    const left = await server.database.dataSource.query('SELECT 1 FROM user_webauthn_credentials WHERE id = $1', [
      expiring.passkeyId,
    ]);
    expect(left).toEqual([]);
  });

  it('refuses the same authenticator credential for a second registration', async () => {
    const { userId } = await addHuman(server);
    const first = await users().registerPasskey({ userId, domain: 'localhost' });
    const second = await users().registerPasskey({ userId, domain: 'localhost' });
    const credential = new SoftwareAuthenticator().create(
      first.publicKeyCredentialCreationOptions,
      `http://localhost:${port}`,
    );
    await users().verifyPasskeyRegistration({
      userId,
      passkeyId: first.passkeyId,
      passkeyName: 'one',
      publicKeyCredential: asJson(credential),
    });
    // Same credential, re-signed over the second challenge.
    const replayed = JSON.parse(Buffer.from(credential.response.clientDataJSON, 'base64url').toString());
    replayed.challenge = publicKeyOf(second.publicKeyCredentialCreationOptions).challenge;
    const copy = {
      ...credential,
      response: { ...credential.response, clientDataJSON: Buffer.from(JSON.stringify(replayed)).toString('base64url') },
    };
    const dup = await errorOf(
      users().verifyPasskeyRegistration({
        userId,
        passkeyId: second.passkeyId,
        passkeyName: 'two',
        publicKeyCredential: asJson(copy),
      }),
    );
    expect(dup.code).toBe(Code.AlreadyExists);
  });
});

describe.each(['grpc', 'connect-h1'] as const)('U2F over %s', (transport) => {
  const users = () => client(UserService, transport, server.baseUrl, server.adminPat);

  it('registers a security key without user verification, lists it as a factor and removes it', async () => {
    const { userId } = await addHuman(server);
    const registered = await users().registerU2F({ userId, domain: 'localhost' });
    const options = publicKeyOf(registered.publicKeyCredentialCreationOptions);
    expect(options.authenticatorSelection).toMatchObject({
      userVerification: 'discouraged',
      residentKey: 'discouraged',
    });

    const pending = await users().listAuthenticationFactors({ userId, states: [AuthFactorState.NOT_READY] });
    expect(pending.result).toEqual([
      expect.objectContaining({
        state: AuthFactorState.NOT_READY,
        type: { case: 'u2f', value: expect.objectContaining({ id: registered.u2fId }) },
      }),
    ]);

    const key = new SoftwareAuthenticator({ userVerification: false });
    const credential = key.create(registered.publicKeyCredentialCreationOptions, `http://localhost:${port}`);
    await users().verifyU2FRegistration({
      userId,
      u2fId: registered.u2fId,
      tokenName: 'yubikey',
      publicKeyCredential: asJson(credential),
    });

    const factors = await users().listAuthenticationFactors({ userId, authFactors: [AuthFactors.U2F] });
    expect(factors.result).toHaveLength(1);
    expect(factors.result[0].state).toBe(AuthFactorState.READY);
    expect(factors.result[0].type.case === 'u2f' && factors.result[0].type.value).toMatchObject({
      id: registered.u2fId,
      name: 'yubikey',
    });
    expect((await users().listAuthenticationMethodTypes({ userId })).authMethodTypes).toEqual([
      AuthenticationMethodType.PASSWORD,
      AuthenticationMethodType.U2F,
    ]);
    // A U2F key is not a passkey.
    expect((await users().listPasskeys({ userId })).result).toEqual([]);
    expect(await codeOf(users().removePasskey({ userId, passkeyId: registered.u2fId }))).toBe(Code.NotFound);

    await users().removeU2F({ userId, u2fId: registered.u2fId });
    expect((await users().listAuthenticationFactors({ userId })).result).toEqual([]);
    expect(await codeOf(users().removeU2F({ userId, u2fId: registered.u2fId }))).toBe(Code.NotFound);
  });
});

describe('passkey registration links', () => {
  let orgB: string;
  let ownerB: string;
  beforeAll(async () => {
    orgB = (await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Link Org B' }))
      .id;
    ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
  });

  it('returns a code that lets a caller without any permission on the user register a passkey, once', async () => {
    const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await addHuman(server);
    const link = await admin.createPasskeyRegistrationLink({ userId, medium: { case: 'returnCode', value: {} } });
    expect(link.code?.id).toMatch(/^\d{18}$/);
    expect(link.code?.code).toMatch(/^[A-Za-z0-9]{12}$/);

    // An org owner of another org cannot see the user …
    const stranger = client(UserService, 'connect-h1', server.baseUrl, ownerB);
    expect(await codeOf(stranger.registerPasskey({ userId, domain: 'localhost' }))).toBe(Code.NotFound);
    expect(
      await codeOf(
        stranger.registerPasskey({ userId, domain: 'localhost', code: { id: link.code!.id, code: 'wrongwrong12' } }),
      ),
    ).toBe(Code.InvalidArgument);
    // … but the code is authorisation enough (as for ZITADEL's login with its own token).
    const registered = await stranger.registerPasskey({ userId, domain: 'localhost', code: link.code });
    expect(registered.passkeyId).toMatch(/^\d{18}$/);
    expect(await codeOf(stranger.registerPasskey({ userId, domain: 'localhost', code: link.code }))).toBe(
      Code.InvalidArgument,
    );

    const credential = new SoftwareAuthenticator().create(
      registered.publicKeyCredentialCreationOptions,
      `http://localhost:${port}`,
    );
    await admin.verifyPasskeyRegistration({
      userId,
      passkeyId: registered.passkeyId,
      passkeyName: 'via link',
      publicKeyCredential: asJson(credential),
    });
    expect((await admin.listPasskeys({ userId })).result.map((p) => p.name)).toEqual(['via link']);
  });

  it('queues the link even with no email channel (ZITADEL queues and picks the provider when sending); a bad URL template is INVALID_ARGUMENT', async () => {
    const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await addHuman(server);
    for (const medium of [
      {
        case: 'sendLink' as const,
        value: { urlTemplate: 'https://login.example.com/passkey?u={{.UserID}}&c={{.Code}}&i={{.CodeID}}' },
      },
      { case: undefined },
    ]) {
      const sent = await admin.createPasskeyRegistrationLink({ userId, medium });
      expect(sent.code).toBeUndefined();
    }
    const queued = await server.database.dataSource.query(
      `SELECT template, state FROM notification_outbox WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    expect(queued).toEqual([
      { template: 'passkeyRegistration', state: 'pending' },
      { template: 'passkeyRegistration', state: 'pending' },
    ]);
    const bad = await errorOf(
      admin.createPasskeyRegistrationLink({
        userId,
        medium: { case: 'sendLink', value: { urlTemplate: 'https://x/{{.Nope}}' } },
      }),
    );
    expect(bad.code).toBe(Code.InvalidArgument);
  });

  it("needs user.passkey.write on the user's org", async () => {
    const { userId } = await addHuman(server);
    const stranger = client(UserService, 'grpc', server.baseUrl, ownerB);
    expect(
      await codeOf(stranger.createPasskeyRegistrationLink({ userId, medium: { case: 'returnCode', value: {} } })),
    ).toBe(Code.NotFound);
  });
});

describe('passkeys over REST (ZITADEL paths and JSON)', () => {
  it('registers, verifies, searches and deletes a passkey', async () => {
    const { userId } = await addHuman(server);
    const token = server.adminPat;
    const registered = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/passkeys`, {
      token,
      body: { domain: 'localhost', authenticator: 'PASSKEY_AUTHENTICATOR_CROSS_PLATFORM' },
    });
    expect(registered.status).toBe(200);
    const options = registered.body.publicKeyCredentialCreationOptions;
    expect(options.publicKey.rp.id).toBe('localhost');
    expect(options.publicKey.authenticatorSelection.authenticatorAttachment).toBe('cross-platform');
    const credential = new SoftwareAuthenticator().create(options, `http://localhost:${port}`);
    const verified = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/passkeys/${registered.body.passkeyId}`, {
      token,
      body: { publicKeyCredential: credential, passkeyName: 'rest key' },
    });
    expect(verified.status).toBe(200);
    const listed = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/passkeys/_search`, { token, body: {} });
    expect(listed.status).toBe(200);
    expect(listed.body.result).toEqual([
      { id: registered.body.passkeyId, state: 'AUTH_FACTOR_STATE_READY', name: 'rest key' },
    ]);
    const deleted = await rest(server.baseUrl, 'DELETE', `/v2/users/${userId}/passkeys/${registered.body.passkeyId}`, {
      token,
    });
    expect(deleted.status).toBe(200);

    const link = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/passkeys/registration_link`, {
      token,
      body: { returnCode: {} },
    });
    expect(link.status).toBe(200);
    expect(link.body.code.code).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});
