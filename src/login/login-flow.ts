/**
 * Which sign-in a page belongs to and the URLs between the pages: the flow travels in the query
 * (GET) or the form (POST), so every page link and form action carries it on.
 */

/** Where the pages are served; every link and form action starts here. */
export const LOGIN_BASE = '/ui/v2/login';

/** Which login a page belongs to: an OIDC auth request, a device code, SAML (later), or none. */
export type Flow =
  | { readonly kind: 'oidc'; readonly authRequest: string }
  | { readonly kind: 'device'; readonly userCode: string }
  | { readonly kind: 'saml'; readonly samlRequest: string }
  | { readonly kind: 'direct' };

/** The query parameters that carry a flow from page to page. */
export function flowParams(flow: Flow): [string, string][] {
  switch (flow.kind) {
    case 'oidc':
      return [['authRequest', flow.authRequest]];
    case 'device':
      return [['userCode', flow.userCode]];
    case 'saml':
      return [['samlRequest', flow.samlRequest]];
    case 'direct':
      return [];
  }
}

export function flowOf(params: URLSearchParams): Flow {
  const authRequest = params.get('authRequest');
  if (authRequest) return { kind: 'oidc', authRequest };
  const userCode = params.get('userCode');
  if (userCode) return { kind: 'device', userCode };
  const samlRequest = params.get('samlRequest');
  if (samlRequest) return { kind: 'saml', samlRequest };
  return { kind: 'direct' };
}

/** A same-origin path under the login with the flow's and the given parameters. */
export function pageUrl(page: string, flow: Flow, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams(flowParams(flow));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  const query = params.toString();
  return `${LOGIN_BASE}/${page}${query ? `?${query}` : ''}`;
}
