// The HTML pages oidc-provider renders itself: its error page and the end-session form.

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page an authorization error shows when it cannot go back to the app (a redirect URI not to be trusted). */
export function errorPage(error: string, description?: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Sign-in error</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>Sign-in could not continue</h1>
<p><strong>${escapeHtml(error)}</strong></p><p>${escapeHtml(description ?? '')}</p></body></html>`;
}

/** end_session asks nothing (ZITADEL signs out at once): the form submits itself. */
export function logoutPage(form: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Signing out</title><body>${form.replace('<form ', '<form id="op.logoutForm" ')}
<noscript><button form="op.logoutForm" type="submit" name="logout" value="yes">Sign out</button></noscript>
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
}
