import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ChangeFeed } from '../cache/change-feed.js';
import { Config } from '../config/config.js';
import { LogThrottle } from '../logging/log-throttle.js';
import { LOGGER } from '../logging/logger-token.js';
import { Instance, InstanceDomain, InstanceTrustedDomain } from './instance.entity.js';
import { connectionHostOf, requestHosts, type RequestHosts } from './request-host.js';
import { untrustedPublicHost, unknownHost } from './tenancy.errors.js';

const CACHE_TTL_MS = 5_000;
/** How many configured domains the log line for an unknown host lists. */
const LOGGED_DOMAINS = 50;
/** A Host header can be kilobytes long; a DNS name is at most 253 characters. */
const MAX_LOGGED_HOST = 253;

/** Host header -> host name, lower case, without port (IPv6 keeps its brackets). */
export function hostName(host: string | null | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

/** The instance a request is for and the origin its issuer and links are built on. */
export interface RequestSite {
  readonly instance: Instance;
  /** `<scheme of PORTCULLIS_EXTERNAL_URL>://<public host, else instance host>`. */
  readonly origin: string;
}

/**
 * Finds the instance a request is for from its host. Only hosts found are cached, so a new
 * domain is served at once; the change feed drops an instance's entries when it or its domains
 * change in any process (within milliseconds of the commit), and while the feed is down every
 * request reads the database, as the read caches do.
 */
@Injectable()
export class InstanceResolver {
  private readonly cache = new Map<string, { instance: Instance; until: number }>();
  /** Unknown hosts come from callers: each is logged once a minute, at most 20 hosts a minute. */
  private readonly unknownHostLog = new LogThrottle({ windowMs: 60_000, maxPerWindow: 20 });

  /** `http:` or `https:`: the scheme clients reach the server with (forwarded headers are not trusted). */
  private readonly scheme: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
    config: Config,
    private readonly changes: ChangeFeed,
  ) {
    this.scheme = new URL(config.externalUrl).protocol;
    changes.onChange((instanceId) => this.forget(instanceId));
  }

  async resolve(hostHeader: string | null | undefined): Promise<Instance> {
    const host = hostName(hostHeader);
    const found = await this.byDomain(host);
    if (!found) {
      await this.logUnknownHost(host);
      throw unknownHost();
    }
    return found;
  }

  /**
   * The instance by the instance host and the origin by the public host, as ZITADEL's
   * `InstanceByHost(instanceHost, publicHost)`: a public host other than the instance host must
   * be a domain or a trusted domain of that same instance, or the request is
   * refused like an unknown host, so no caller can put a host of its choice into an issuer or an
   * emailed link. Credentials are checked afterwards against the instance found here.
   */
  async resolveRequest(hosts: RequestHosts): Promise<RequestSite> {
    if (!hosts.instance) throw unknownHost();
    const instance = await this.resolve(hosts.instance.name);
    const pub = hosts.public;
    if (pub && pub.name !== hosts.instance.name) {
      const owner = pub.name ? await this.byDomain(pub.name) : undefined;
      if (owner?.id !== instance.id && !(await this.isTrusted(instance.id, pub.name))) throw untrustedPublicHost();
    }
    return { instance, origin: `${this.scheme}//${(pub ?? hosts.instance).authority}` };
  }

  /** `resolveRequest` for a plain HTTP request (OIDC, SAML, JWKS, the login pages). */
  resolveHttp(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<RequestSite> {
    return this.resolveRequest(requestHosts((name) => headers[name], connectionHostOf(headers)));
  }

  /** Trusted domains are read per request: only public hosts other than the instance host need them. */
  private async isTrusted(instanceId: string, host: string): Promise<boolean> {
    return this.dataSource.getRepository(InstanceTrustedDomain).existsBy({ instanceId, domain: host });
  }

  private async byDomain(host: string): Promise<Instance | undefined> {
    const cached = this.cache.get(host);
    if (cached && cached.until > Date.now() && this.changes.usable) return cached.instance;
    // A look-up that began before a change was announced is answered but not kept.
    const version = this.changes.version;
    const found = await this.dataSource
      .getRepository(Instance)
      .createQueryBuilder('i')
      .innerJoin(InstanceDomain, 'd', 'd.instance_id = i.id')
      .where('d.domain = :host', { host })
      .getOne();
    if (found && this.changes.usable && this.changes.version === version)
      this.cache.set(host, { instance: found, until: Date.now() + CACHE_TTL_MS });
    return found ?? undefined;
  }

  /** The domain list goes to the operator's log only, never to the caller. */
  private async logUnknownHost(host: string): Promise<void> {
    const decision = this.unknownHostLog.take(host);
    if (!decision.log) return;
    const known = await this.dataSource
      .getRepository(InstanceDomain)
      .createQueryBuilder('d')
      .select('d.domain', 'domain')
      .orderBy('d.domain')
      .limit(LOGGED_DOMAINS)
      .getRawMany<{ domain: string }>();
    this.log.warn(
      {
        host: host.slice(0, MAX_LOGGED_HOST) || '(none)',
        configuredDomains: known.map((k) => k.domain),
        suppressedSinceLast: decision.suppressed,
      },
      'a request named a host no instance serves; add it to PORTCULLIS_TRUSTED_DOMAINS (or PORTCULLIS_EXTERNAL_URL) if it should be served',
    );
  }

  /** Drops the hosts of one instance, or every host. */
  forget(instanceId?: string): void {
    for (const [host, entry] of this.cache)
      if (instanceId === undefined || entry.instance.id === instanceId) this.cache.delete(host);
  }
}
