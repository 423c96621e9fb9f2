// The console's entry: sign in, load who the user is and what they may do, then draw the
// screens they are allowed (the API enforces the same rules; hiding only spares them a 403).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, listQuery, useTokens } from './api.js';
import { signedInUser, siteOfPage, userManager } from './auth.js';
import { html } from './html.js';
import { chooseLanguage, t } from './i18n.js';
import { href, useRoute } from './router.js';
import { ActionsScreen } from './screens/actions.js';
import { ApiAppScreen } from './screens/api-app.js';
import { AppScreen } from './screens/app.js';
import { AppWizardScreen } from './screens/app-wizard.js';
import { AuthorizationsScreen } from './screens/authorizations.js';
import { EventsScreen } from './screens/events.js';
import { GrantedProjectScreen } from './screens/granted-projects.js';
import { IdpScreen } from './screens/idp.js';
import { IdpsScreen } from './screens/idps.js';
import { InstanceStatus } from './screens/instance-status.js';
import { OrgScreen } from './screens/org.js';
import { OrgsScreen } from './screens/orgs.js';
import { ProjectScreen, ProjectsScreen } from './screens/projects.js';
import { SettingsScreen } from './screens/settings.js';
import { UserScreen, UsersScreen } from './screens/users.js';
import { SessionContext, can, loadSession, useSession, withPermissions } from './session.js';
import { ErrorNotice, Loading, Select, lazy, useLoad } from './ui.js';

const SamlAppWizardScreen = lazy(() => import('./screens/saml-app.js'), 'SamlAppWizardScreen');
const ProvidersScreen = lazy(() => import('./screens/providers.js'), 'ProvidersScreen');

/** The screens, each with the permission (or any of the permissions) that shows it in the menu. */
const NAV = [
  { path: 'orgs', label: 'nav.orgs', permission: 'org.read' },
  { path: 'users', label: 'nav.users', permission: 'user.read' },
  { path: 'projects', label: 'nav.projects', permission: 'project.read' },
  { path: 'authorizations', label: 'nav.authorizations', permission: 'user.grant.read' },
  { path: 'settings', label: 'nav.settings', permission: 'policy.read' },
  { path: 'providers', label: 'nav.providers', permission: 'iam.read' },
  { path: 'idps', label: 'nav.idps', permission: ['org.idp.read', 'iam.idp.read'] },
  { path: 'actions', label: 'nav.actions', permission: 'action.target.read' },
  { path: 'events', label: 'nav.events', permission: 'events.read' },
];

/** @param {{ segments: string[] }} props */
function Screen({ segments }) {
  const [first, id, sub, action] = segments;
  if (first === 'orgs' && id) return html`<${OrgScreen} orgId=${id} />`;
  if (first === 'orgs') return html`<${OrgsScreen} />`;
  if (first === 'users' && id) return html`<${UserScreen} userId=${id} />`;
  if (first === 'users') return html`<${UsersScreen} />`;
  if (first === 'projects' && id && sub === 'apps' && action === 'new')
    return html`<${AppWizardScreen} projectId=${id} />`;
  if (first === 'projects' && id && sub === 'apps' && action === 'new-api')
    return html`<${ApiAppScreen} projectId=${id} />`;
  if (first === 'projects' && id && sub === 'apps' && action === 'new-saml')
    return html`<${SamlAppWizardScreen} projectId=${id} />`;
  if (first === 'projects' && id && sub === 'apps' && action)
    return html`<${AppScreen} projectId=${id} appId=${action} />`;
  if (first === 'projects' && id) return html`<${ProjectScreen} projectId=${id} />`;
  if (first === 'projects') return html`<${ProjectsScreen} />`;
  if (first === 'granted' && id && sub) return html`<${GrantedProjectScreen} projectId=${id} grantId=${sub} />`;
  if (first === 'authorizations') return html`<${AuthorizationsScreen} />`;
  if (first === 'events') return html`<${EventsScreen} />`;
  if (first === 'settings') return html`<${SettingsScreen} group=${id} />`;
  if (first === 'providers') return html`<${ProvidersScreen} />`;
  if (first === 'idps' && id && sub) return html`<${IdpScreen} level=${id} idpId=${sub} />`;
  if (first === 'idps') return html`<${IdpsScreen} />`;
  if (first === 'actions') return html`<${ActionsScreen} />`;
  return html`<${Home} />`;
}

/** @param {import('./session.js').Session} session @param {{ permission: string | string[] }} item */
const shows = (session, item) => [item.permission].flat().some((p) => can(session, p));

function Home() {
  const { session } = useSession();
  const allowed = NAV.filter((n) => shows(session, n));
  return html`<div>
    <h1>${t('home.title')}</h1>
    <p>${t('session.signedInAs', { name: session.displayName })}</p>
    ${
      allowed.length
        ? html`<p>${t('home.intro')}</p>
          <ul class="cards">${allowed.map((n) => html`<li><a href=${href(n.path)}>${t(n.label)}</a></li>`)}</ul>`
        : html`<p class="empty">${t('home.nothing')}</p>`
    }
    <${InstanceStatus} />
  </div>`;
}

/** @param {{ signOut: () => void }} props */
function App({ signOut }) {
  const [session, setSession] = useState(/** @type {import('./session.js').Session | undefined} */ (undefined));
  const [error, setError] = useState(/** @type {unknown} */ (undefined));
  const segments = useRoute();
  useEffect(() => {
    loadSession().then((s) => {
      chooseLanguage([s.language, ...navigator.languages].filter(Boolean));
      setSession(s);
    }, setError);
  }, []);
  if (error) return html`<main id="main" class="content"><${ErrorNotice} error=${error} /></main>`;
  if (!session) return html`<main id="main" class="content"><${Loading} /></main>`;
  const switchOrg = (/** @type {string} */ orgId) => withPermissions({ ...session, orgId }).then(setSession, setError);
  const value = { session, switchOrg, signOut };
  const allowed = NAV.filter((n) => shows(session, n));
  return html`<${SessionContext.Provider} value=${value}>
    <a class="skip" href="#main">${t('nav.skip')}</a>
    <header class="top">
      <a class="brand" href=${href()}>${t('app.title')}</a>
      <${OrgSwitcher} />
      <span class="who">${session.displayName}</span>
      <button type="button" onClick=${signOut}>${t('session.signOut')}</button>
    </header>
    <nav class="side" aria-label=${t('nav.label')}>
      <ul>
        <li><a href=${href()} aria-current=${segments.length === 0 ? 'page' : undefined}>${t('nav.home')}</a></li>
        ${allowed.map(
          (n) =>
            html`<li><a href=${href(n.path)} aria-current=${segments[0] === n.path ? 'page' : undefined}>${t(n.label)}</a></li>`,
        )}
      </ul>
    </nav>
    <main id="main" class="content" tabindex="-1"><${Screen} segments=${segments} /></main>
  <//>`;
}

/**
 * The orgs the user may work in (ZITADEL's ListMyProjectOrgs: with the console's token, the orgs
 * of the user's memberships, every org for an instance administrator).
 */
function OrgSwitcher() {
  const { session, switchOrg } = useSession();
  const orgs = useLoad(
    () =>
      call('zitadel.auth.v1.AuthService/ListMyProjectOrgs', {
        query: listQuery(0, 100),
        sortingColumn: 'ORG_FIELD_NAME_NAME',
      }),
    [session.orgId],
  );
  const list = orgs.data?.result ?? [];
  if (list.length === 0) return null;
  if (list.length === 1) return html`<span class="org-name">${list[0].name}</span>`;
  return html`<div class="org-switch">
    <${Select} label=${t('org.current')} value=${session.orgId} onChange=${switchOrg}
      options=${list.map((/** @type {any} */ o) => ({ value: o.id, label: o.name }))} />
  </div>`;
}

/** @param {{ onSignIn: () => void }} props */
function SignedOut({ onSignIn }) {
  return html`<main id="main" class="content signed-out">
    <h1>${t('app.title')}</h1>
    <p>${t('session.signedOut')}</p>
    <button type="button" class="primary" onClick=${onSignIn}>${t('session.signInAgain')}</button>
  </main>`;
}

async function start() {
  chooseLanguage([...navigator.languages]);
  const root = /** @type {HTMLElement} */ (document.getElementById('app'));
  const site = siteOfPage();
  const manager = userManager(site);
  // A token the API refuses (revoked, its session ended): sign in again, back to this screen.
  useTokens(
    async () => (await manager.getUser())?.access_token,
    () => manager.signinRedirect({ state: { hash: location.hash } }),
  );
  const signOut = () => {
    manager.getUser().then((user) => manager.signoutRedirect({ id_token_hint: user?.id_token }));
  };
  let user;
  try {
    user = await signedInUser(manager, site);
  } catch (err) {
    render(html`<main id="main" class="content"><${ErrorNotice} error=${err} /></main>`, root);
    return;
  }
  if (!user) {
    if (location.pathname.startsWith(`${site.base}/signedout`)) {
      await manager.removeUser();
      render(html`<${SignedOut} onSignIn=${() => manager.signinRedirect()} />`, root);
    }
    return;
  }
  // A renewal that failed (refresh token gone): sign in again rather than fail every call.
  manager.events.addSilentRenewError(() => manager.signinRedirect({ state: { hash: location.hash } }));
  root.textContent = '';
  render(html`<${App} signOut=${signOut} />`, root);
}

start();
