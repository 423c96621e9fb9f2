// An upstream LDAP directory for tests, played by ldapjs's server: a service account, a few
// people under ou=people, binds checked against their passwords, searches matched with the
// filter ldapjs parsed from the wire (so an unescaped value would really widen a search).
import ldap from 'ldapjs';
import { NO_LDAP_ATTRIBUTES, type ConfigOf, type LdapAttributes } from '../../src/idps/idp-config.js';

export const LDAP_BASE = 'dc=example,dc=org';
export const LDAP_SERVICE = { dn: `cn=portcullis,${LDAP_BASE}`, password: 'service-secret' };

export interface LdapPerson {
  uid: string;
  password: string;
  attributes: Record<string, string | string[]>;
}

export const LDAP_PEOPLE: LdapPerson[] = [
  {
    uid: 'alice',
    password: 'alice-pw',
    attributes: {
      cn: 'Alice Liddell',
      givenName: 'Alice',
      sn: 'Liddell',
      mail: 'alice@example.org',
      emailVerified: 'TRUE',
      telephoneNumber: '+41 44 000 00 01',
      preferredLanguage: 'de',
      employeeNumber: 'E-1001',
      memberOf: ['cn=staff,dc=example,dc=org', 'cn=admins,dc=example,dc=org'],
    },
  },
  {
    uid: 'bob',
    password: 'bob-pw',
    attributes: {
      cn: 'Bob Builder',
      givenName: 'Bob',
      sn: 'Builder',
      mail: 'bob@example.org',
      employeeNumber: 'E-1002',
    },
  },
  {
    uid: 'carol',
    password: 'carol-pw',
    attributes: {
      cn: 'Carol',
      sn: 'Danvers',
      mail: 'carol@example.org',
      employeeNumber: 'E-1003',
      emailVerified: 'maybe',
    },
  },
];

export interface UpstreamLdap {
  readonly url: string;
  readonly port: number;
  /** Binds seen, in order ({ dn, ok }), and searches (their filters as the server parsed them). */
  readonly binds: { dn: string; ok: boolean }[];
  readonly searches: string[];
  close(): Promise<void>;
}

/** How this directory's entries map to a user: names, username and email (phone and language left out). */
export const LDAP_PERSON_ATTRIBUTES: LdapAttributes = {
  ...NO_LDAP_ATTRIBUTES,
  idAttribute: 'uid',
  firstNameAttribute: 'givenName',
  lastNameAttribute: 'sn',
  displayNameAttribute: 'cn',
  preferredUsernameAttribute: 'uid',
  emailAttribute: 'mail',
  emailVerifiedAttribute: 'emailVerified',
};

/** A provider's LDAP settings that sign in against `dir` as its service account (bind password: LDAP_SERVICE's). */
export function ldapConfigFor(
  dir: Pick<UpstreamLdap, 'url'>,
  overrides: Partial<ConfigOf<'ldap'>> = {},
): ConfigOf<'ldap'> {
  return {
    kind: 'ldap',
    servers: [dir.url],
    startTls: false,
    baseDn: LDAP_BASE,
    bindDn: LDAP_SERVICE.dn,
    userBase: 'dn',
    userObjectClasses: ['inetOrgPerson'],
    userFilters: ['uid', 'mail'],
    timeoutMs: 5_000,
    attributes: LDAP_PERSON_ATTRIBUTES,
    ...overrides,
  };
}

function dnOf(person: LdapPerson): string {
  return `uid=${person.uid},ou=people,${LDAP_BASE}`;
}

function entryOf(person: LdapPerson): Record<string, string | string[]> {
  return { objectClass: ['top', 'person', 'inetOrgPerson'], uid: person.uid, ...person.attributes };
}

/** Starts the directory on 127.0.0.1 (ldaps:// when a certificate and key are given). */
export async function startUpstreamLdap(
  options: { people?: LdapPerson[]; tls?: { certificate: string; key: string } } = {},
): Promise<UpstreamLdap> {
  const people = options.people ?? LDAP_PEOPLE;
  const server = options.tls
    ? ldap.createServer({ certificate: options.tls.certificate, key: options.tls.key })
    : ldap.createServer();
  const binds: { dn: string; ok: boolean }[] = [];
  const searches: string[] = [];
  const bound = new WeakMap<object, string>();

  server.bind(LDAP_BASE, (req: any, res: any, next: any) => {
    const dn = req.dn.toString().replace(/\s+/g, '');
    const password = String(req.credentials ?? '');
    const person = people.find((p) => dnOf(p).toLowerCase() === dn.toLowerCase());
    const ok =
      (dn.toLowerCase() === LDAP_SERVICE.dn.toLowerCase() && password === LDAP_SERVICE.password) ||
      (!!person && password !== '' && password === person.password);
    binds.push({ dn, ok });
    if (!ok) return next(new ldap.InvalidCredentialsError());
    bound.set(req.connection, dn);
    res.end();
    return next();
  });

  server.search(LDAP_BASE, (req: any, res: any, next: any) => {
    if (bound.get(req.connection)?.toLowerCase() !== LDAP_SERVICE.dn.toLowerCase())
      return next(new ldap.InsufficientAccessRightsError());
    searches.push(req.filter.toString());
    // Attribute names compare case-insensitively (RFC 4512 §2.5); ldapjs lowercases only one side.
    res.attributes = res.attributes.map((a: string) => a.toLowerCase());
    for (const person of people) {
      const attributes = entryOf(person);
      if (req.filter.matches(attributes, false)) res.send({ dn: dnOf(person), attributes });
    }
    res.end();
    return next();
  });

  // A client speaking something else (TLS to a plain port) must not bring the test process down.
  server.on('error', () => undefined);
  server.on('clientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = Number(new URL(server.url).port);
  return {
    url: `${options.tls ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`,
    port,
    binds,
    searches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
