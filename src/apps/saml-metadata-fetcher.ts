import { Inject, Injectable } from '@nestjs/common';
import { Config } from '../platform/config/config.js';
import { privateHostReason } from '../platform/http/outbound-guard.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { metadataFetchFailed } from './apps.errors.js';

const TIMEOUT_MS = 10_000;
/** As large as the contract lets metadata_xml be. */
export const MAX_METADATA_BYTES = 500_000;

/**
 * Fetches SP metadata from the URL given on save (as ZITADEL does), with a time limit and a size
 * cap; only http(s). What comes back is validated like metadata sent inline.
 */
@Injectable()
export class SamlMetadataFetcher {
  constructor(@Inject(Config) private readonly config: Config) {}

  async fetch(rawUrl: string, field: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      throw invalidField('APP-s4mu1', field, 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidField('APP-s4mu1', field, 'must be an absolute http(s) URL');
    if (url.hash) throw invalidField('APP-s4mu2', field, 'must not contain a fragment');
    if (this.config.outboundAllowPrivate !== 'true') {
      const reason = await privateHostReason(url);
      if (reason) throw invalidField('APP-s4mu3', field, `${reason}; set PORTCULLIS_OUTBOUND_ALLOW_PRIVATE=true to allow internal metadata hosts`);
    }
    let res: Response;
    try {
      // No redirects: a public URL must not bounce the fetch to an internal address.
      res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual', headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
    } catch (err) {
      throw metadataFetchFailed(field, (err as Error).message);
    }
    if (!res.ok) {
      await res.body?.cancel();
      const redirected = res.status >= 300 && res.status < 400 ? ' (redirects are not followed; give the final URL)' : '';
      throw metadataFetchFailed(field, `${url.origin} answered ${res.status}${redirected}`);
    }
    return readCapped(res, field);
  }
}

async function readCapped(res: Response, field: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_METADATA_BYTES) {
      await reader.cancel();
      throw metadataFetchFailed(field, `it is larger than ${MAX_METADATA_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
