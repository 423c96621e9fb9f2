import { Injectable } from '@nestjs/common';
import { fetchMetadataDocument, httpUrl } from '../platform/http/metadata-fetch.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import * as errors from './idps.errors.js';

/**
 * Fetches a SAML identity provider's metadata from the URL given on save (ZITADEL's metadata_url):
 * an http(s) URL without credentials, through the outbound rules every metadata fetch follows.
 */
@Injectable()
export class SamlIdpMetadataFetcher {
  constructor(private readonly outbound: OutboundHttp) {}

  async fetch(rawUrl: string, field: string): Promise<string> {
    const url = httpUrl(rawUrl);
    if (!url || url.username || url.password) throw errors.notUrl(field);
    return fetchMetadataDocument(this.outbound, url, (refusal) =>
      refusal.reason === 'invalid-url'
        ? errors.notUrl(field)
        : errors.badMetadata(field, `could not be fetched: ${refusal.detail}`),
    );
  }
}
