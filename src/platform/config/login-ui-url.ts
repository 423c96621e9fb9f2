/**
 * The hosted login's base URL for links the server hands out (emails, default legal links):
 * `PORTCULLIS_LOGIN_UI_URL` as it is when absolute, else that path on the origin the request came
 * in on (its public host, checked to be a domain of the instance), so a link opens where the user
 * reached the server.
 */
export function loginBaseUrl(loginUiUrl: string, origin: string): string {
  const base = /^https?:\/\//.test(loginUiUrl) ? loginUiUrl : origin + loginUiUrl;
  return base.replace(/\/+$/, '');
}
