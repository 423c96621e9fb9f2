// What the SAML connector needs from an upstream IdP's metadata (SAML metadata §2.4.3
// IDPSSODescriptor) and the URLs ZITADEL gives the service provider side of a SAML template.
import type { Element as XmlElement } from '@xmldom/xmldom';
import { xmldom } from '../../platform/modules/lazy-module.js';
import { samlMetadataInvalid } from './saml.errors.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const SAML_BINDINGS = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
} as const;

export interface UpstreamIdpMetadata {
  readonly entityId: string;
  /** SingleSignOnService locations by binding URI. */
  readonly sso: Readonly<Record<string, string>>;
  /** Base64 DER bodies of the certificates the IdP signs with (KeyDescriptor use="signing" or no use). */
  readonly signingCertificates: readonly string[];
  readonly wantAuthnRequestsSigned: boolean;
}

/** ZITADEL's SP URLs of a SAML template: entity id = metadata URL, and the ACS beside it. */
export function samlSpUrls(issuer: string, idpId: string): { entityId: string; metadata: string; acs: string } {
  const base = `${issuer.replace(/\/+$/, '')}/idps/${encodeURIComponent(idpId)}/saml`;
  return { entityId: `${base}/metadata`, metadata: `${base}/metadata`, acs: `${base}/acs` };
}

/** The SP entity id that belongs to an ACS URL built by `samlSpUrls`. */
export function entityIdOfAcs(acs: string): string {
  if (!acs.endsWith('/saml/acs')) throw new TypeError(`not a SAML ACS URL: ${acs}`);
  return `${acs.slice(0, -'/acs'.length)}/metadata`;
}

function elements(root: XmlElement, ns: string, localName: string): XmlElement[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName)) as unknown as XmlElement[];
}

function childElements(parent: XmlElement, ns: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    const el = n as XmlElement;
    if (n.nodeType === 1 && el.namespaceURI === ns && el.localName === localName) out.push(el);
  }
  return out;
}

/**
 * Reads an IdP's metadata (an EntityDescriptor, or the first one with an IDPSSODescriptor in an
 * EntitiesDescriptor). Metadata needs no DTD, so one is refused before parsing (XXE, entity bombs).
 */
export function parseIdpMetadata(xml: string): UpstreamIdpMetadata {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw samlMetadataInvalid('a DTD is not allowed');
  let root: XmlElement;
  try {
    const doc = new (xmldom().DOMParser)({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
    if (!doc.documentElement) throw new Error('no root element');
    root = doc.documentElement as unknown as XmlElement;
  } catch {
    throw samlMetadataInvalid('not well-formed XML');
  }
  const descriptor = elements(root, MD, 'IDPSSODescriptor')[0];
  if (!descriptor) throw samlMetadataInvalid('no IDPSSODescriptor');
  const entity = descriptor.parentNode as XmlElement | null;
  const entityId = entity?.getAttribute('entityID')?.trim();
  if (!entityId) throw samlMetadataInvalid('no entityID');

  const sso: Record<string, string> = {};
  for (const service of childElements(descriptor, MD, 'SingleSignOnService')) {
    const binding = service.getAttribute('Binding');
    const location = service.getAttribute('Location')?.trim();
    if (binding && location && !(binding in sso)) sso[binding] = location;
  }
  if (Object.keys(sso).length === 0) throw samlMetadataInvalid('no SingleSignOnService');

  const signingCertificates: string[] = [];
  for (const key of childElements(descriptor, MD, 'KeyDescriptor')) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const cert of elements(key, DS, 'X509Certificate')) {
      const body = (cert.textContent ?? '').replace(/\s+/g, '');
      if (body && !signingCertificates.includes(body)) signingCertificates.push(body);
    }
  }
  if (signingCertificates.length === 0) throw samlMetadataInvalid('no signing certificate');

  return {
    entityId,
    sso,
    signingCertificates,
    wantAuthnRequestsSigned: descriptor.getAttribute('WantAuthnRequestsSigned') === 'true',
  };
}
