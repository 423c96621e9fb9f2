import { OutboundError, type OutboundHttp } from './outbound.js';

const TIMEOUT_MS = 10_000;
/** As large as the contract lets metadata_xml be. */
const MAX_METADATA_BYTES = 500_000;

/** Why a metadata document was not fetched; each context words it as its own field error. */
export type MetadataRefusal =
  | { readonly reason: 'invalid-url' }
  | { readonly reason: 'blocked-address'; readonly detail: string }
  | { readonly reason: 'failed'; readonly detail: string };

/** An absolute http(s) URL, or undefined. */
export function httpUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}

/**
 * Fetches a SAML metadata document from a URL an API caller gave (ZITADEL's metadata_url) through
 * the outbound client: public addresses unless the operator allows more, no redirects (a public
 * URL must not bounce the fetch to an internal address), bounded in time and size. `refuse` turns
 * a failure into the caller's error; what comes back is to be checked like metadata sent inline.
 */
export async function fetchMetadataDocument(
  outbound: OutboundHttp,
  url: URL,
  refuse: (refusal: MetadataRefusal) => Error,
): Promise<string> {
  let res;
  try {
    res = await outbound.request(url, {
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_METADATA_BYTES,
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    });
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    if (err.failure === 'invalid-url') throw refuse({ reason: 'invalid-url' });
    if (err.failure === 'blocked-address') throw refuse({ reason: 'blocked-address', detail: err.message });
    const detail = err.failure === 'too-large' ? `it is larger than ${MAX_METADATA_BYTES} bytes` : err.message;
    throw refuse({ reason: 'failed', detail });
  }
  if (res.status < 200 || res.status > 299) {
    const redirected = res.status >= 300 && res.status < 400 ? ' (redirects are not followed; give the final URL)' : '';
    throw refuse({ reason: 'failed', detail: `${url.origin} answered ${res.status}${redirected}` });
  }
  return res.body.toString('utf8');
}
