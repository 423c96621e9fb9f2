import type Provider from 'oidc-provider';
import type { errors } from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import type { TokenExchangeRefusal } from './token-exchange.errors.js';

/**
 * oidc-provider's invalid_grant says only "grant request is invalid"; Portcullis says why, as
 * the rest of its errors do (no secret is ever part of the reason).
 */
export function invalidGrant(description: string): errors.OIDCProviderError {
  return Object.assign(new (oidcLibrary().errors.InvalidGrant)(), { error_description: description, expose: true });
}

function assertNever(code: never): never {
  throw new Error(`unmapped OAuth error ${String(code)}`);
}

/** The token endpoint's answer to a refused token exchange (RFC 6749 §5.2, RFC 8693 §2.2.2); the description ends with the error id. */
export function toOAuthError(refusal: TokenExchangeRefusal): errors.OIDCProviderError {
  const description = refusal.message;
  switch (refusal.error) {
    case 'invalid_request':
      return new (oidcLibrary().errors.InvalidRequest)(description);
    case 'invalid_grant':
      return invalidGrant(description);
    case 'invalid_scope':
      return new (oidcLibrary().errors.InvalidScope)(description, undefined as never);
    case 'invalid_target':
      return new (oidcLibrary().errors.InvalidTarget)(description);
    default:
      return assertNever(refusal.error);
  }
}

/**
 * Koa answers what oidc-provider does not route (an unknown path, or a method an endpoint does
 * not take) with a plain-text 404; on the OAuth paths every answer is an OAuth error instead.
 */
export function answerUnroutedAsOAuth(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body != null) return;
    ctx.status = 404;
    ctx.set('cache-control', 'no-store');
    ctx.body = { error: 'invalid_request', error_description: `nothing answers ${ctx.method} ${ctx.path}` };
  });
}
