import { Injectable } from '@nestjs/common';
import { fetchMetadataDocument, httpUrl } from '../platform/http/metadata-fetch.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import { metadataFetchFailed, metadataHostNotAllowed, metadataUrlFragment, metadataUrlInvalid } from './apps.errors.js';

/**
 * Fetches SP metadata from the URL given on save (as ZITADEL does): an http(s) URL without a
 * fragment, through the outbound rules every metadata fetch follows. An internal host is named as
 * such, with the setting that would allow it.
 */
@Injectable()
export class SamlMetadataFetcher {
  constructor(private readonly outbound: OutboundHttp) {}

  async fetch(rawUrl: string, field: string): Promise<string> {
    const url = httpUrl(rawUrl);
    if (!url) throw metadataUrlInvalid(field);
    if (url.hash) throw metadataUrlFragment(field);
    return fetchMetadataDocument(this.outbound, url, (refusal) => {
      switch (refusal.reason) {
        case 'invalid-url':
          return metadataUrlInvalid(field);
        case 'blocked-address':
          return metadataHostNotAllowed(field, refusal.detail);
        case 'failed':
          return metadataFetchFailed(field, refusal.detail);
      }
    });
  }
}
