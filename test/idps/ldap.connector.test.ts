// The LDAP connector against an ldapjs directory in the test process: ZITADEL's sign-in order
// (service bind, search, bind as the entry), its one failed-login answer, servers in order,
// TLS, timeouts, and filter values escaped against LDAP injection.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ConfigOf, IdpSecrets, IdpTemplate, LdapAttributes } from '../../src/idps/idp-config.js';
import { LdapConnector } from '../../src/idps/connectors/ldap.connector.js';
import { LDAP_ERRORS } from '../../src/idps/connectors/ldap.errors.js';
import { INTENT_ERRORS } from '../../src/idps/intents.errors.js';
import { isError } from '../../src/platform/errors/domain-error.js';
import { OutboundHttp } from '../../src/platform/http/outbound.js';
import { generateSelfSigned } from '../../src/platform/crypto/self-signed-certificate.js';
import { idpTemplate } from '../support/idp-templates.js';
import {
  LDAP_BASE,
  LDAP_PEOPLE,
  LDAP_PERSON_ATTRIBUTES,
  LDAP_SERVICE,
  ldapConfigFor,
  startUpstreamLdap,
  type UpstreamLdap,
} from '../support/upstream-ldap.js';

/** The directory's mapping plus phone and language, so a sign-in maps every kind of field. */
const ATTRIBUTES: LdapAttributes = {
  ...LDAP_PERSON_ATTRIBUTES,
  phoneAttribute: 'telephoneNumber',
  preferredLanguageAttribute: 'preferredLanguage',
};

const connector = new LdapConnector(new OutboundHttp({ allowPrivate: true, allowedNetworks: [] }));
const secrets: IdpSecrets = { bindPassword: LDAP_SERVICE.password };

let dir: UpstreamLdap;
const opened: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  dir = await startUpstreamLdap();
  opened.push(dir);
});
afterAll(async () => {
  for (const o of opened) await o.close();
});

function template(config: Partial<ConfigOf<'ldap'>> = {}): IdpTemplate & { config: ConfigOf<'ldap'> } {
  return idpTemplate({
    instanceId: 'instance-1',
    id: 'ldap-1',
    name: 'Directory',
    config: ldapConfigFor(dir, { attributes: ATTRIBUTES, ...config }),
  });
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
}

/** A TCP port that accepts connections and never answers. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = await silentServer();
  await s.close();
  return s.port;
}

describe('a sign-in', () => {
  it('binds as the service, finds the one entry, binds as it, and maps the requested attributes', async () => {
    const binds = dir.binds.length;
    const info = await connector.check(template(), secrets, 'alice', 'alice-pw');
    expect(info.user).toEqual({
      id: 'alice',
      givenName: 'Alice',
      familyName: 'Liddell',
      displayName: 'Alice Liddell',
      preferredUsername: 'alice',
      email: 'alice@example.org',
      emailVerified: true,
      phone: '+41 44 000 00 01',
      phoneVerified: false,
      preferredLanguage: 'de',
    });
    expect(dir.binds.slice(binds)).toEqual([
      { dn: LDAP_SERVICE.dn, ok: true },
      { dn: `uid=alice,ou=people,${LDAP_BASE}`, ok: true },
    ]);
    // ZITADEL asks only for userBase and the mapped attributes; the entry as received is kept.
    expect(info.ldap?.attributes).toMatchObject({ uid: ['alice'], mail: ['alice@example.org'], sn: ['Liddell'] });
    expect(info.ldap?.attributes).not.toHaveProperty('employeeNumber');
    expect(info.raw).toEqual(info.ldap?.attributes);
  });

  it('matches the username with any of the user filters (OR), within the object classes (AND)', async () => {
    const info = await connector.check(template(), secrets, 'bob@example.org', 'bob-pw');
    expect(info.user.id).toBe('bob');
    expect(dir.searches.at(-1)).toBe('(&(objectClass=inetOrgPerson)(|(uid=bob@example.org)(mail=bob@example.org)))');
    const none = await refusal(
      connector.check(template({ userObjectClasses: ['groupOfNames'] }), secrets, 'bob', 'bob-pw'),
    );
    expect(isError(none, INTENT_ERRORS.loginFailed)).toBe(true);
  });

  it('answers the same LoginFailed for a wrong password, an unknown user and an empty password (ZITADEL COMMAND-nzun2i)', async () => {
    const wrong = await refusal(connector.check(template(), secrets, 'alice', 'not-her-password'));
    const unknown = await refusal(connector.check(template(), secrets, 'mallory', 'whatever'));
    const binds = dir.binds.length;
    const empty = await refusal(connector.check(template(), secrets, 'alice', ''));
    for (const err of [wrong, unknown, empty]) {
      expect(isError(err, INTENT_ERRORS.loginFailed)).toBe(true);
      expect((err as Error).message).toBe((wrong as Error).message);
    }
    // RFC 4513 §5.1.2: an empty password would be an unauthenticated bind; none is attempted.
    expect(dir.binds.length).toBe(binds);
  });

  it('refuses when the username matches more than one entry (ZITADEL ErrNoSingleUser)', async () => {
    const twins = await startUpstreamLdap({
      people: [
        { uid: 'ann', password: 'pw-1', attributes: { sn: 'Twin', cn: 'Ann Twin' } },
        { uid: 'bea', password: 'pw-1', attributes: { sn: 'Twin', cn: 'Bea Twin' } },
      ],
    });
    opened.push(twins);
    const err = await refusal(
      connector.check(template({ servers: [twins.url], userFilters: ['sn'] }), secrets, 'Twin', 'pw-1'),
    );
    expect(isError(err, INTENT_ERRORS.loginFailed)).toBe(true);
    expect(twins.binds.map((b) => b.dn)).toEqual([LDAP_SERVICE.dn]);
  });

  it('refuses a boolean attribute that is no boolean (Go strconv.ParseBool, as ZITADEL reads it)', async () => {
    const err = await refusal(connector.check(template(), secrets, 'carol', 'carol-pw'));
    expect(isError(err, LDAP_ERRORS.attributeInvalid)).toBe(true);
  });
});

describe('LDAP injection (ZITADEL puts the username in unescaped; Portcullis escapes it, RFC 4515 §3)', () => {
  it.each([
    ['*', '(uid=\\2a)'],
    ['*)(uid=*', '(uid=\\2a\\29\\28uid=\\2a)'],
    ['alice)(|(uid=*', '(uid=alice\\29\\28|\\28uid=\\2a)'],
    ['al*', '(uid=al\\2a)'],
  ])('the username %j matches no entry: the directory receives it escaped', async (username, escaped) => {
    const err = await refusal(connector.check(template({ userFilters: ['uid'] }), secrets, username, 'alice-pw'));
    expect(isError(err, INTENT_ERRORS.loginFailed)).toBe(true);
    expect(dir.searches.at(-1)).toBe(`(&(objectClass=inetOrgPerson)${escaped})`);
  });

  it('the same directory does widen a search to every person for an unescaped wildcard (the test can fail)', async () => {
    const { Client } = await import('ldapts');
    const client = new Client({ url: dir.url });
    await client.bind(LDAP_SERVICE.dn, LDAP_SERVICE.password);
    const { searchEntries } = await client.search(LDAP_BASE, { scope: 'sub', filter: '(uid=*)' });
    await client.unbind();
    expect(searchEntries.length).toBe(LDAP_PEOPLE.length);
  });

  it('refuses a user filter that is not an attribute name (configuration cannot inject either)', async () => {
    const err = await refusal(connector.check(template({ userFilters: ['uid=*)(cn'] }), secrets, 'alice', 'alice-pw'));
    expect(isError(err, LDAP_ERRORS.configInvalid)).toBe(true);
  });
});

describe('servers, TLS and time', () => {
  it('tries the servers in order: an unreachable one is passed over', async () => {
    const info = await connector.check(
      template({ servers: [`ldap://127.0.0.1:${await closedPort()}`, dir.url] }),
      secrets,
      'alice',
      'alice-pw',
    );
    expect(info.user.id).toBe('alice');
  });

  it('stops at the first server that refuses the login: the next one is not asked', async () => {
    const second = await startUpstreamLdap();
    opened.push(second);
    const err = await refusal(connector.check(template({ servers: [dir.url, second.url] }), secrets, 'alice', 'nope'));
    expect(isError(err, INTENT_ERRORS.loginFailed)).toBe(true);
    expect(second.binds).toEqual([]);
  });

  it('passes over a server where the service bind fails, and is Unavailable when none is usable', async () => {
    const err = await refusal(
      connector.check(template({ servers: [dir.url] }), { bindPassword: 'wrong' }, 'alice', 'alice-pw'),
    );
    expect(isError(err, LDAP_ERRORS.unreachable)).toBe(true);
  });

  it('with StartTLS never binds in clear text on a server that does not offer it', async () => {
    const binds = dir.binds.length;
    const err = await refusal(connector.check(template({ startTls: true }), secrets, 'alice', 'alice-pw'));
    expect(isError(err, LDAP_ERRORS.unreachable)).toBe(true);
    expect(dir.binds.length).toBe(binds);
  });

  it('speaks ldaps:// trusting the template rootCa, and refuses the server without it', async () => {
    const { certificate, privateKey } = await generateSelfSigned('localhost');
    const secure = await startUpstreamLdap({ tls: { certificate, key: privateKey } });
    opened.push(secure);
    const url = `ldaps://localhost:${secure.port}`;
    const info = await connector.check(template({ servers: [url], rootCa: certificate }), secrets, 'alice', 'alice-pw');
    expect(info.user.id).toBe('alice');
    const untrusted = await refusal(connector.check(template({ servers: [url] }), secrets, 'alice', 'alice-pw'));
    expect(isError(untrusted, LDAP_ERRORS.unreachable)).toBe(true);
  });

  it('gives up on a server that does not answer within timeoutMs', async () => {
    const silent = await silentServer();
    opened.push(silent);
    const started = Date.now();
    const err = await refusal(
      connector.check(template({ servers: [`ldap://127.0.0.1:${silent.port}`], timeoutMs: 300 }), secrets, 'a', 'b'),
    );
    expect(isError(err, LDAP_ERRORS.unreachable)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('does not connect to a private address unless the outbound policy allows it (request forgery)', async () => {
    const strict = new LdapConnector(new OutboundHttp({ allowPrivate: false, allowedNetworks: [] }));
    const binds = dir.binds.length;
    const err = await refusal(strict.check(template(), secrets, 'alice', 'alice-pw'));
    expect(isError(err, LDAP_ERRORS.unreachable)).toBe(true);
    // A name is resolved and its addresses checked the same way.
    const byName = await refusal(
      strict.check(template({ servers: [`ldap://localhost:${dir.port}`] }), secrets, 'alice', 'alice-pw'),
    );
    expect(isError(byName, LDAP_ERRORS.unreachable)).toBe(true);
    expect(dir.binds.length).toBe(binds);
  });
});
