import type { Element } from '@xmldom/xmldom';
import { xmldom } from '../modules/lazy-module.js';

// SAML metadata documents from API callers (an app's SP metadata, an identity provider's), read
// the one strict way: the checks of what the document must describe stay with each context.

export const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DOCUMENT_TYPE_NODE = 10;

/** Why a metadata document has no usable EntityDescriptor; `detail` is the parser's word on malformed XML. */
export type EntityDescriptorProblem =
  | { readonly problem: 'malformed'; readonly detail: string }
  | { readonly problem: 'doctype' }
  | { readonly problem: 'root' }
  | { readonly problem: 'entityId' };

class XmlRefused extends Error {}

/**
 * The md:EntityDescriptor at the root of a metadata document, and its entityID. Errors (an
 * undeclared entity, a broken tag) stop the parse, warnings do not; a DOCTYPE is refused, so no
 * entity can be declared, expanded or fetched (XXE, entity expansion). `refuse` words a problem as
 * the caller's error.
 */
export function readEntityDescriptor(
  xml: string,
  refuse: (problem: EntityDescriptorProblem) => Error,
): { root: Element; entityId: string } {
  let doc;
  try {
    doc = new (xmldom().DOMParser)({
      onError: (level, message) => {
        if (level !== 'warning') throw new XmlRefused(message);
      },
    }).parseFromString(xml, 'application/xml');
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : (err as Error).message;
    throw refuse({ problem: 'malformed', detail });
  }
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === DOCUMENT_TYPE_NODE) throw refuse({ problem: 'doctype' });
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== MD_NS || root.localName !== 'EntityDescriptor') throw refuse({ problem: 'root' });
  const entityId = root.getAttribute('entityID')?.trim() ?? '';
  if (!entityId) throw refuse({ problem: 'entityId' });
  return { root, entityId };
}

/** The element children of `parent` named `localName` in namespace `ns` (descendants further down are not). */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    const el = n as Element;
    if (n.nodeType === 1 && el.namespaceURI === ns && el.localName === localName) out.push(el);
  }
  return out;
}
