import type { AuthRequestView } from '../../oidc/oidc.service.js';
import type { HttpRequest, HttpResponse } from '../../platform/http/http-routes.js';
import type { Caller } from '../../platform/rpc/call-context.js';
import type { Instance } from '../../platform/tenancy/instance.entity.js';
import type { BrowserState } from '../login-browser.js';
import type { Flow } from '../login-flow.js';
import type { SamlRequestOnPage } from '../login.service.js';

/** One request as the pages see it. */
export interface PageRequest {
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  /** The path below the login base, without a trailing slash (`/` for the base itself). */
  readonly path: string;
  readonly method: string;
  /** The query (GET) or the form (POST). */
  readonly params: URLSearchParams;
  readonly instance: Instance;
  /** The login client of the instance (loginClientCaller), never the system: every service call is authorized. */
  readonly caller: Caller;
  readonly flow: Flow;
  state: BrowserState;
  stateChanged: boolean;
  authRequest?: AuthRequestView | null;
  samlRequest?: SamlRequestOnPage;
  /** The org whose branding and settings apply, once known (the user's). */
  orgId?: string;
}
