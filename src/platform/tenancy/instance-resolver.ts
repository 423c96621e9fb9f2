import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '../errors/domain-error.js';
import { Instance, InstanceDomain } from './instance.entity.js';

const CACHE_TTL_MS = 5_000;

/** Host header -> host name, lower case, without port (IPv6 keeps its brackets). */
export function hostName(host: string | null | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

/**
 * Finds the instance a request is for from its host. The cache only saves look-ups: losing it
 * (or another process adding a domain) costs at most a few seconds of staleness.
 */
@Injectable()
export class InstanceResolver {
  private readonly cache = new Map<string, { instance: Instance; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async resolve(hostHeader: string | null | undefined): Promise<Instance> {
    const host = hostName(hostHeader);
    const cached = this.cache.get(host);
    if (cached && cached.until > Date.now()) return cached.instance;

    const found = await this.dataSource
      .getRepository(Instance)
      .createQueryBuilder('i')
      .innerJoin(InstanceDomain, 'd', 'd.instance_id = i.id')
      .where('d.domain = :host', { host })
      .getOne();
    if (!found) {
      const known = await this.dataSource
        .getRepository(InstanceDomain)
        .createQueryBuilder('d')
        .select('d.domain', 'domain')
        .orderBy('d.domain')
        .limit(20)
        .getRawMany<{ domain: string }>();
      throw NotFound(
        'INST-h0st4',
        `no instance serves the host "${host || '(none)'}"; configured domains: ${known.map((k) => k.domain).join(', ') || '(none)'}. ` +
          'Call it through one of those, or add the host with PORTCULLIS_TRUSTED_DOMAINS (or PORTCULLIS_EXTERNAL_URL) and restart',
      );
    }
    this.cache.set(host, { instance: found, until: Date.now() + CACHE_TTL_MS });
    return found;
  }

  forget(): void {
    this.cache.clear();
  }
}
