import { OutboundError, type OutboundHttp } from '../platform/http/outbound.js';

const WEBHOOK_TIMEOUT_MS = 15_000;

export interface WebhookPost {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** For errors: what was called ("SMS webhook", "HTTP email provider"). */
  readonly what: string;
  /** The operator's own setting (may be internal) rather than a URL an API caller gave. */
  readonly trustedDestination: boolean;
}

/**
 * POSTs one message to a provider and throws unless it answered 2xx. Through the outbound
 * client: resolved once, bounded in time, no redirects (a 3xx would carry credentials to wherever
 * it points). The answer's body is never read into errors: a gateway may echo the message, code
 * included.
 */
export async function postToProvider(outbound: OutboundHttp, url: string, post: WebhookPost): Promise<void> {
  let status: number;
  try {
    ({ status } = await outbound.request(url, {
      method: 'POST',
      headers: post.headers,
      body: post.body,
      maxRedirects: 0,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      ignoreBody: true,
      maxBytes: 0,
      trustedDestination: post.trustedDestination,
    }));
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    throw new Error(`${post.what} unreachable: ${err.message}`);
  }
  if (status < 200 || status > 299) throw new Error(`${post.what} answered HTTP ${status}`);
}
