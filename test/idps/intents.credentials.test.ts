import { Code, type Client } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { CredentialConnector, IdpInformation } from '../../src/idps/connectors/connector.js';
import { IdpConnectors } from '../../src/idps/connectors/registry.js';
import { IdpQueries } from '../../src/idps/idps.queries.js';
import { INTENT_ERRORS, loginFailed } from '../../src/idps/intents.errors.js';
import { IntentsService } from '../../src/idps/intents.service.js';
import { IntentStore } from '../../src/idps/intents.store.js';
import { IdpLinkQueries } from '../../src/idps/links.queries.js';
import { MasterKey } from '../../src/platform/crypto/master-key.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { isError } from '../../src/platform/errors/domain-error.js';
import { EventStore } from '../../src/platform/events/event-store.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { LOGGER } from '../../src/platform/logging/logger-token.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client, codeOf } from '../support/clients.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { serverForFile } from '../support/test-server.js';
import { ldapConfigFor } from '../support/upstream-ldap.js';

const server = serverForFile();

/** Settings the stand-in connector below never dials: nothing listens on port 1. */
const LDAP = ldapConfigFor({ url: 'ldap://127.0.0.1:1' });

/** A credential connector standing in for LDAP: "secret" is the one right password. */
const checker: CredentialConnector<'ldap'> = {
  kinds: ['ldap'],
  async check(_template, _secrets, username, password): Promise<IdpInformation> {
    if (password !== 'secret') throw loginFailed();
    return {
      user: { id: `uid-${username}`, preferredUsername: username, email: `${username}@ldap.example` },
      raw: { uid: [username] },
      ldap: { attributes: { uid: [username], mail: [`${username}@ldap.example`] } },
    };
  },
};

/** The intents service as the module builds it, with a registry that has the stand-in for LDAP. */
function serviceWithChecker(): IntentsService {
  const app = server().app;
  const connectors = new IdpConnectors();
  connectors.registerCredentials(checker);
  return new IntentsService(
    app.get(Transactions),
    app.get(IdGenerator),
    app.get(EventStore),
    app.get(MasterKey),
    app.get(IntentStore),
    app.get(IdpQueries),
    app.get(IdpLinkQueries),
    connectors,
    app.get<Logger>(LOGGER),
  );
}

describe('sign-in intents through a credential connector (the LDAP path: checked at once, no redirect)', () => {
  let users: Client<typeof UserService>;
  beforeAll(() => {
    users = client(UserService, 'grpc', server().baseUrl, server().adminPat);
  });

  it('right credentials: the intent succeeds at once with id, token and the LDAP attributes to retrieve', async () => {
    const instance = await server().app.get(InstanceResolver).resolve('127.0.0.1');
    const idp = await insertIdpTemplate(server(), {
      instanceId: instance.id,
      config: LDAP,
      secrets: { bindPassword: 'b' },
    });
    const started = await serviceWithChecker().start(systemCaller(instance, 't'), idp.id, {
      ldap: { username: 'lena', password: 'secret' },
    });
    if (!('intent' in started.next)) throw new Error('expected the intent at once');
    expect(started.next.intent.id).toBe(started.intentId);
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: started.next.intent.id,
      idpIntentToken: started.next.intent.token,
    });
    expect(got.idpInformation?.userId).toBe('uid-lena');
    expect(got.idpInformation?.access.case).toBe('ldap');
    if (got.idpInformation?.access.case === 'ldap') {
      expect(got.idpInformation.access.value.attributes).toEqual({ uid: ['lena'], mail: ['lena@ldap.example'] });
    }
  });

  it("wrong credentials: the connector's error comes back and the intent is failed, not retrievable", async () => {
    const instance = await server().app.get(InstanceResolver).resolve('127.0.0.1');
    const idp = await insertIdpTemplate(server(), { instanceId: instance.id, config: LDAP });
    const err = await serviceWithChecker()
      .start(systemCaller(instance, 't'), idp.id, { ldap: { username: 'lena', password: 'wrong' } })
      .catch((e: unknown) => e);
    expect(isError(err, INTENT_ERRORS.loginFailed)).toBe(true);
    const rows: { state: string; failure: string; token_hash: string | null }[] = await server()
      .app.get(DataSource)
      .query(`SELECT state, failure, token_hash FROM idp_intents WHERE instance_id = $1 AND idp_id = $2`, [
        instance.id,
        idp.id,
      ]);
    expect(rows).toEqual([{ state: 'failed', failure: expect.stringContaining('refused'), token_hash: null }]);
  });

  it('redirect URLs for a credential provider, or credentials for a redirect one, are refused (INVALID_ARGUMENT)', async () => {
    const instance = await server().app.get(InstanceResolver).resolve('127.0.0.1');
    const idp = await insertIdpTemplate(server(), { instanceId: instance.id, config: LDAP });
    const err = await serviceWithChecker()
      .start(systemCaller(instance, 't'), idp.id, {
        urls: { successUrl: 'https://a.example/', failureUrl: 'https://a.example/' },
      })
      .catch((e: unknown) => e);
    expect(isError(err, INTENT_ERRORS.wrongFlow)).toBe(true);
    const oidc = await insertIdpTemplate(server(), {
      instanceId: instance.id,
      config: {
        kind: 'oidc',
        issuer: 'https://op.example',
        clientId: 'c',
        scopes: [],
        isIdTokenMapping: false,
        usePkce: false,
      },
    });
    expect(
      await codeOf(
        users.startIdentityProviderIntent({
          idpId: oidc.id,
          content: { case: 'ldap', value: { username: 'u', password: 'p' } },
        }),
      ),
    ).toBe(Code.InvalidArgument);
  });
});
