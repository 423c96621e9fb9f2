import type * as OidcProvider from 'oidc-provider';
import { lazyModule } from '../platform/modules/lazy-module.js';

/**
 * oidc-provider, with Koa and its MIME tables: imported when the server builds its first instance's
 * provider (an OIDC request or a token check), so a server nobody has signed in through holds none of it.
 */
export const loadOidcLibrary = lazyModule(() => import('oidc-provider'));

/**
 * The imported library, for code that runs only on behalf of a built provider (its grants, hooks
 * and errors), where the import has been done.
 */
export function oidcLibrary(): typeof OidcProvider {
  const library = loadOidcLibrary.loaded;
  if (!library) throw new Error('oidc-provider is used before any provider was built');
  return library;
}
