// The LDAP provider kind: a username and password checked against the directory itself, on
// ldapts. ZITADEL's order: service bind, one search, bind as the found entry with the password.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { FactoryProvider } from '@nestjs/common';
import type { Client } from 'ldapts';
import type { ConfigOf, IdpSecrets, IdpTemplate } from '../idp-config.js';
import { OutboundError, OutboundHttp } from '../../platform/http/outbound.js';
import type { CredentialConnector, IdpInformation } from './connector.js';
import { userSearchFilter } from './ldap-filter.js';
import { IdpConnectors } from './registry.js';
import { attributeText, ldapInformation, requestedAttributes, type LdapEntryAttributes } from './ldap-mapping.js';
import { loginFailed as ldapLoginFailed } from '../intents.errors.js';
import { ldapConfigInvalid, ldapUnreachable } from './ldap.errors.js';
import { lazyModule } from '../../platform/modules/lazy-module.js';

/** The LDAP client, loaded when an LDAP provider is first used. */
const ldapts = lazyModule(() => import('ldapts'));

type LdapTemplate = IdpTemplate & { config: ConfigOf<'ldap'> };

/** go-ldap's DefaultTimeout, which ZITADEL falls back to when the template sets none. */
export const DEFAULT_LDAP_TIMEOUT_MS = 60_000;

/** The outcome on one server: an entry, or a refusal that ends the sign-in (no other server is asked). */
type Attempt = { entry: LdapEntryAttributes } | { refused: true };

class ServerUnusable extends Error {}

/**
 * Where to connect for `server`: the host's addresses are resolved once and each must be allowed
 * by the outbound rules (the same as for every URL the server is given: against request forgery
 * towards internal hosts and DNS rebinding); the connection goes to a checked address (IPv4
 * first), while TLS still verifies the certificate for the host name.
 */
async function checkedTarget(server: string, outbound: OutboundHttp): Promise<{ url: string; hostname: string }> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw ldapConfigInvalid(`not a URL: ${server}`);
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') throw ldapConfigInvalid(`not an ldap(s) URL: ${server}`);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = await outbound.checkedHost(hostname);
  } catch (err) {
    if (err instanceof OutboundError) throw new ServerUnusable();
    throw err;
  }
  const address = addresses.find((a) => isIP(a) === 4) ?? addresses[0];
  const port = url.port || (url.protocol === 'ldaps:' ? '636' : '389');
  return { url: `${url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`, hostname };
}

export class LdapConnector implements CredentialConnector<'ldap'> {
  readonly kinds = ['ldap'] as const;

  constructor(private readonly outbound: OutboundHttp) {}

  /**
   * ZITADEL's FetchUser: the servers in order; a server that cannot be reached or used (connection,
   * StartTLS, service bind, search) passes to the next; no single entry or a wrong password ends it
   * with the one `ldapLoginFailed` answer, which never says which part failed.
   */
  async check(
    template: LdapTemplate,
    secrets: IdpSecrets,
    username: string,
    password: string,
  ): Promise<IdpInformation> {
    // RFC 4513 §5.1.2: a simple bind with a DN and an empty password is an unauthenticated bind
    // that servers answer with success; an empty password is never a valid one here.
    if (!username || !password) throw ldapLoginFailed();
    const config = template.config;
    if (config.servers.length === 0) throw ldapConfigInvalid('no server');
    let filter: string;
    try {
      filter = userSearchFilter(config.userObjectClasses, config.userFilters, username);
    } catch (err) {
      throw ldapConfigInvalid((err as Error).message);
    }
    for (const server of config.servers) {
      let attempt: Attempt;
      try {
        attempt = await this.tryServer(server, config, secrets.bindPassword ?? '', filter, password);
      } catch (err) {
        if (err instanceof ServerUnusable) continue;
        throw err;
      }
      if ('refused' in attempt) throw ldapLoginFailed();
      return ldapInformation(attempt.entry, config.attributes);
    }
    throw ldapUnreachable();
  }

  private async tryServer(
    server: string,
    config: ConfigOf<'ldap'>,
    bindPassword: string,
    filter: string,
    password: string,
  ): Promise<Attempt> {
    const timeout = config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_LDAP_TIMEOUT_MS;
    const { url, hostname } = await checkedTarget(server, this.outbound);
    // The connection goes to the checked address; the certificate is checked for the host name.
    const tlsOptions: ConnectionOptions = {
      servername: isIP(hostname) ? undefined : hostname,
      minVersion: 'TLSv1.2',
      ...(config.rootCa ? { ca: [config.rootCa] } : {}),
    };
    // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps://.
    const secure = url.startsWith('ldaps:');
    const { Client, SizeLimitExceededError } = await ldapts();
    const client = new Client({
      url,
      timeout,
      connectTimeout: timeout,
      strictDN: false,
      ...(secure ? { tlsOptions } : {}),
    });
    try {
      try {
        if (config.startTls && !secure) await client.startTLS({ ...tlsOptions });
        await client.bind(config.bindDn, bindPassword);
      } catch {
        throw new ServerUnusable();
      }
      const attributes = requestedAttributes(config.userBase, config.attributes);
      let entries: Awaited<ReturnType<Client['search']>>['searchEntries'];
      try {
        ({ searchEntries: entries } = await client.search(config.baseDn, {
          scope: 'sub',
          derefAliases: 'never',
          filter,
          attributes,
          explicitBufferAttributes: attributes,
          sizeLimit: 2,
          timeLimit: Math.ceil(timeout / 1000),
        }));
      } catch (err) {
        if (err instanceof SizeLimitExceededError) return { refused: true };
        throw new ServerUnusable();
      }
      if (entries.length !== 1) return { refused: true };
      const entry = entries[0];
      try {
        await client.bind(entry.dn, password);
      } catch {
        // ZITADEL: any failure of the user's bind is a failed login (invalid credentials, locked …).
        return { refused: true };
      }
      const values: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(entry)) {
        if (name === 'dn') continue;
        const list = Array.isArray(value) ? value : [value];
        values[name] = list.map((v) => (Buffer.isBuffer(v) ? attributeText(v) : String(v)));
      }
      return { entry: values };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/**
 * The LDAP connector, under the server's outbound rules (PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: a
 * directory on an internal address must be allowed by the operator; PORTCULLIS_DNS_SERVERS),
 * registered for `ldap`.
 */
export const LDAP_CONNECTOR_PROVIDER: FactoryProvider = {
  provide: LdapConnector,
  useFactory: (outbound: OutboundHttp, registry: IdpConnectors) => {
    const connector = new LdapConnector(outbound);
    registry.registerCredentials(connector);
    return connector;
  },
  inject: [OutboundHttp, IdpConnectors],
};
