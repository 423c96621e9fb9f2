import { Injectable } from '@nestjs/common';
import { OutboundError, OutboundHttp } from '../platform/http/outbound.js';
import { metadataFetchFailed, metadataHostNotAllowed, metadataUrlFragment, metadataUrlInvalid } from './apps.errors.js';

const TIMEOUT_MS = 10_000;
/** As large as the contract lets metadata_xml be. */
export const MAX_METADATA_BYTES = 500_000;

/**
 * Fetches SP metadata from the URL given on save (as ZITADEL does) through the outbound client:
 * only http(s), public addresses unless the operator allows more, no redirects (a public URL must
 * not bounce the fetch to an internal address), a time limit and a size cap. What comes back is
 * validated like metadata sent inline.
 */
@Injectable()
export class SamlMetadataFetcher {
  constructor(private readonly outbound: OutboundHttp) {}

  async fetch(rawUrl: string, field: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      throw metadataUrlInvalid(field);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw metadataUrlInvalid(field);
    if (url.hash) throw metadataUrlFragment(field);
    try {
      const res = await this.outbound.request(url, {
        timeoutMs: TIMEOUT_MS,
        maxBytes: MAX_METADATA_BYTES,
        headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
      });
      if (res.status < 200 || res.status > 299) {
        const redirected =
          res.status >= 300 && res.status < 400 ? ' (redirects are not followed; give the final URL)' : '';
        throw metadataFetchFailed(field, `${url.origin} answered ${res.status}${redirected}`);
      }
      return res.body.toString('utf8');
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      if (err.failure === 'blocked-address') throw metadataHostNotAllowed(field, err.message);
      if (err.failure === 'invalid-url') throw metadataUrlInvalid(field);
      throw metadataFetchFailed(
        field,
        err.failure === 'too-large' ? `it is larger than ${MAX_METADATA_BYTES} bytes` : err.message,
      );
    }
  }
}
