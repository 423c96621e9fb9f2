import { Resolver } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import { Config } from '../platform/config/config.js';
import { OutboundError, OutboundHttp } from '../platform/http/outbound.js';
import { DNS_CHALLENGE_PREFIX, HTTP_CHALLENGE_PATH } from './org-rules.js';

const TIMEOUT_MS = 5_000;
/** The challenge file holds a token; anything much larger is not one. */
const MAX_CHALLENGE_BYTES = 4_096;
/** Redirects followed, as ZITADEL's HTTP check does (Go's default client), each hop checked again. */
const MAX_REDIRECTS = 5;

/**
 * Checks that a domain's owner published the challenge token: as the body of
 * `https://<domain>/.well-known/zitadel-challenge/<token>` (falling back to http), or as a TXT
 * record at `_zitadel-challenge.<domain>`. Returns why it failed, or undefined on success.
 * The domain is a caller's: the HTTP check goes through the outbound client (public addresses only
 * unless the operator allows more; see PORTCULLIS_OUTBOUND_ALLOW_PRIVATE).
 */
@Injectable()
export class DomainVerifier {
  private readonly resolver = new Resolver({ timeout: TIMEOUT_MS, tries: 2 });

  constructor(
    @Inject(Config) private readonly config: Config,
    private readonly outbound: OutboundHttp,
  ) {
    if (config.dnsServers) this.resolver.setServers(config.dnsServers.split(',').map((s) => s.trim()));
  }

  async verify(type: 'http' | 'dns', domain: string, token: string): Promise<string | undefined> {
    return type === 'http' ? this.verifyHttp(domain, token) : this.verifyDns(domain, token);
  }

  private async verifyHttp(domain: string, token: string): Promise<string | undefined> {
    const port = this.config.domainChallengeHttpPort;
    const urls = port
      ? [`http://${domain}:${port}${HTTP_CHALLENGE_PATH}${token}`]
      : [`https://${domain}${HTTP_CHALLENGE_PATH}${token}`, `http://${domain}${HTTP_CHALLENGE_PATH}${token}`];
    let reason = 'no answer';
    for (const url of urls) {
      try {
        const res = await this.outbound.request(url, {
          timeoutMs: TIMEOUT_MS,
          maxBytes: MAX_CHALLENGE_BYTES,
          maxRedirects: MAX_REDIRECTS,
        });
        const ok = res.status >= 200 && res.status <= 299;
        if (ok && res.body.toString('utf8').trim() === token) return undefined;
        reason = ok ? `${url} does not contain the token` : `${url} answered ${res.status}`;
      } catch (err) {
        if (!(err instanceof OutboundError)) throw err;
        reason = `${url} could not be fetched (${err.message})`;
        // A refused address is final: the http:// fallback would resolve to the same host.
        if (err.failure === 'blocked-address') break;
      }
    }
    return reason;
  }

  private async verifyDns(domain: string, token: string): Promise<string | undefined> {
    const name = DNS_CHALLENGE_PREFIX + domain;
    try {
      const records = await this.resolver.resolveTxt(name);
      if (records.some((parts) => parts.join('') === token)) return undefined;
      return `no TXT record at ${name} holds the token`;
    } catch (err) {
      return `TXT records of ${name} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
  }
}
