// Signing in as the instance's console client: authorization code + PKCE through the hosted
// login, the access token renewed in the background with the refresh token, sign-out through
// end_session. The tokens live in this tab's sessionStorage only.
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

/** ZITADEL's scope that puts the instance's API into the access token's audience. */
const API_AUDIENCE = 'urn:zitadel:iam:org:project:id:zitadel:aud';

/** @typedef {{ issuer: string, clientId: string, base: string }} Site */

/** @returns {Site} what the page names: the instance's issuer and console client */
export function siteOfPage() {
  const meta = /** @type {HTMLMetaElement} */ (document.querySelector('meta[name="portcullis-console"]'));
  return { issuer: meta.dataset.issuer ?? '', clientId: meta.dataset.clientId ?? '', base: meta.dataset.base ?? '' };
}

/** @param {Site} site */
export function userManager(site) {
  const root = location.origin + site.base;
  return new UserManager({
    authority: site.issuer,
    client_id: site.clientId,
    redirect_uri: `${root}/auth/callback`,
    post_logout_redirect_uri: `${root}/signedout`,
    response_type: 'code',
    scope: `openid profile email offline_access ${API_AUDIENCE}`,
    automaticSilentRenew: true,
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/**
 * The signed-in user, finishing a sign-in that came back to the callback first; undefined when
 * the browser is being sent to the login (or the user signed out).
 * @param {UserManager} manager
 * @param {Site} site
 */
export async function signedInUser(manager, site) {
  const path = location.pathname.replace(/\/+$/, '');
  if (path === `${site.base}/auth/callback`) {
    const user = await manager.signinRedirectCallback();
    const state = /** @type {{ hash?: string } | undefined} */ (user.state);
    history.replaceState(null, '', `${site.base}/${state?.hash ?? ''}`);
    return user;
  }
  if (path === `${site.base}/signedout`) return undefined;
  const user = await manager.getUser();
  if (user && !user.expired) return user;
  if (user?.refresh_token) {
    const renewed = await manager.signinSilent().catch(() => null);
    if (renewed) return renewed;
  }
  await manager.signinRedirect({ state: { hash: location.hash } });
  return undefined;
}
