import { Injectable } from '@nestjs/common';
import { OutboundError, OutboundHttp } from '../platform/http/outbound.js';
import * as errors from './idps.errors.js';

const TIMEOUT_MS = 10_000;
const MAX_METADATA_BYTES = 500_000;

/**
 * Fetches a SAML identity provider's metadata from the URL given on save (ZITADEL's metadata_url)
 * through the outbound client: http(s) only, public addresses unless the operator allows more, no
 * redirects, bounded in time and size. What comes back is checked like metadata sent inline.
 */
@Injectable()
export class SamlIdpMetadataFetcher {
  constructor(private readonly outbound: OutboundHttp) {}

  async fetch(rawUrl: string, field: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      throw errors.notUrl(field);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
      throw errors.notUrl(field);
    }
    try {
      const res = await this.outbound.request(url, {
        timeoutMs: TIMEOUT_MS,
        maxBytes: MAX_METADATA_BYTES,
        headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
      });
      if (res.status < 200 || res.status > 299) {
        throw errors.badMetadata(field, `could not be fetched: ${url.origin} answered ${res.status}`);
      }
      return res.body.toString('utf8');
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      if (err.failure === 'invalid-url') throw errors.notUrl(field);
      throw errors.badMetadata(field, `could not be fetched: ${err.message}`);
    }
  }
}
