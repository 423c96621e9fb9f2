import type { Logger } from 'pino';
import type { OAuthErrorCode } from '../errors/error-mapping.js';
import { toOAuthAnswer } from '../errors/wire-errors.js';
import { sendJson, type HttpResponse } from './http-routes.js';

/** An OAuth error answer (RFC 6749 §5.2): a JSON object with `error` and `error_description`, never cached (§5.1). */
export function sendOAuthError(
  res: HttpResponse,
  status: number,
  error: OAuthErrorCode,
  description: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error, error_description: description }, { 'cache-control': 'no-store', ...headers });
}

/**
 * Whatever an OAuth endpoint threw, answered in the OAuth shape through the one error mapping.
 * Our own faults (5xx) are logged with their cause, which the answer never carries; an answer
 * already under way is only cut off.
 */
export function sendOAuthFailure(
  res: HttpResponse,
  err: unknown,
  log: Logger,
  headers: Record<string, string> = {},
): void {
  const answer = toOAuthAnswer(err);
  if (answer.status >= 500) log.error({ err }, 'OAuth endpoint failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendOAuthError(res, answer.status, answer.body.error, answer.body.error_description, {
    ...answer.headers,
    ...headers,
  });
}
