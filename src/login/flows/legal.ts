import { messagePage } from '../views/layout.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// The terms and privacy pages served while no real ones are published.

/**
 * The terms or privacy page the default legal settings link to (see withServedLegalPages): it
 * says nothing is published yet. Setting real links takes clients away from it.
 */
export async function legalPage(
  k: PageKit,
  r: PageRequest,
  title: 'title.legalTerms' | 'title.legalPrivacy',
): Promise<void> {
  const t = await k.t(r);
  return k.page(r, 200, messagePage(await k.context(r), title, t('intro.legalUnpublished')));
}
