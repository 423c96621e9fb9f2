import type { DataSource } from 'typeorm';
import { randomToken, type MasterKey } from '../platform/crypto/master-key.js';
import { recordOnce, takeOnce } from './oidc-payloads.store.js';

/**
 * Where the browser fetches a form_post answer that CreateCallback prepared: the provider's page
 * that posts the code (or the error) to the app's redirect URI. ZITADEL's login V2 has no such
 * page (its CreateCallback answers form_post requests in the query or the fragment, ZITADEL
 * issue #12120); a URL is what CreateCallback returns, and the code must not travel in one.
 */
export const FORM_POST_CALLBACK_PATH = '/oauth/v2/authorize/callback';

const MODEL = 'FormPostCallback';
/** As long as the authorization code it carries lives. */
const TTL_SECONDS = 60;

export interface FormPostPage {
  readonly html: string;
  readonly contentSecurityPolicy?: string;
}

/** Keeps the page (sealed: it carries the code) for one fetch; the URL that fetches it. */
export async function parkFormPost(
  dataSource: DataSource,
  masterKey: MasterKey,
  instanceId: string,
  issuer: string,
  page: FormPostPage,
): Promise<string> {
  const handle = randomToken();
  await recordOnce(
    dataSource,
    instanceId,
    MODEL,
    handle,
    { sealed: masterKey.encrypt(JSON.stringify(page)) },
    TTL_SECONDS,
  );
  return `${issuer}${FORM_POST_CALLBACK_PATH}?id=${encodeURIComponent(handle)}`;
}

/** The parked page, once: a second fetch, an unknown or an expired handle finds nothing. */
export async function takeFormPost(
  dataSource: DataSource,
  masterKey: MasterKey,
  instanceId: string,
  handle: string,
): Promise<FormPostPage | undefined> {
  if (!handle) return undefined;
  const payload = (await takeOnce(dataSource, instanceId, MODEL, handle)) as { sealed?: string } | undefined;
  return payload?.sealed ? (JSON.parse(masterKey.decrypt(payload.sealed)) as FormPostPage) : undefined;
}
