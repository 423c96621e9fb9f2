/**
 * SAML 2.0 service provider metadata (SAML Metadata §2.3.2, §2.4.4), checked before it is stored:
 * well-formed XML with no DOCTYPE (so no entity can be declared, expanded or fetched: XXE and
 * entity-expansion attacks are refused outright), one md:EntityDescriptor with an entityID, at
 * least one AssertionConsumerService in an SPSSODescriptor, and certificates that parse.
 * Pure: the URL variant is fetched elsewhere.
 */
import { X509Certificate } from 'node:crypto';
import { invalidField } from '../platform/errors/domain-error.js';
import { childElements, MD_NS, readEntityDescriptor } from '../platform/xml/metadata-xml.js';

export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** SAML Core §8.3.6: an entity identifier is at most 1024 characters. */
const MAX_ENTITY_ID = 1024;

export interface AssertionConsumerService {
  readonly binding: string;
  readonly location: string;
  readonly index?: number;
  readonly isDefault?: boolean;
}

export interface SpMetadata {
  readonly entityId: string;
  readonly assertionConsumerServices: readonly AssertionConsumerService[];
  /** The signing/encryption certificates, as PEM. */
  readonly certificates: readonly string[];
}

/** Parses and checks SP metadata; every refusal is INVALID_ARGUMENT on `field`. */
export function parseSpMetadata(xml: string, field: string): SpMetadata {
  const refuse = (id: string, why: string) => invalidField(id, field, why);
  if (!xml.trim()) throw refuse('APP-s4m00', 'must not be empty');
  const { root, entityId } = readEntityDescriptor(xml, (p) => {
    switch (p.problem) {
      case 'malformed':
        return refuse('APP-s4m01', `is not well-formed XML: ${p.detail}`);
      case 'doctype':
        return refuse('APP-s4m02', 'must not contain a DOCTYPE (entity declarations are refused)');
      case 'root':
        return refuse('APP-s4m03', `must have an EntityDescriptor in the ${MD_NS} namespace as its root element`);
      case 'entityId':
        return refuse('APP-s4m04', 'the EntityDescriptor must have an entityID');
    }
  });
  if (entityId.length > MAX_ENTITY_ID)
    throw refuse('APP-s4m05', `the entityID must be at most ${MAX_ENTITY_ID} characters`);

  const acs: AssertionConsumerService[] = [];
  const certificates: string[] = [];
  for (const sp of childElements(root, MD_NS, 'SPSSODescriptor')) {
    for (const service of childElements(sp, MD_NS, 'AssertionConsumerService')) {
      const binding = service.getAttribute('Binding')?.trim() ?? '';
      const location = service.getAttribute('Location')?.trim() ?? '';
      if (!binding) throw refuse('APP-s4m06', 'every AssertionConsumerService needs a Binding');
      if (!isAbsoluteUrl(location))
        throw refuse('APP-s4m07', 'every AssertionConsumerService needs an absolute URL as its Location');
      const index = service.getAttribute('index');
      const isDefault = service.getAttribute('isDefault');
      acs.push({
        binding,
        location,
        ...(index !== null && index !== '' ? { index: Number(index) } : {}),
        ...(isDefault !== null && isDefault !== '' ? { isDefault: isDefault === 'true' || isDefault === '1' } : {}),
      });
    }
    for (const keyDescriptor of childElements(sp, MD_NS, 'KeyDescriptor')) {
      for (const keyInfo of childElements(keyDescriptor, DS_NS, 'KeyInfo')) {
        for (const data of childElements(keyInfo, DS_NS, 'X509Data')) {
          for (const cert of childElements(data, DS_NS, 'X509Certificate'))
            certificates.push(certificatePem(cert.textContent ?? '', refuse));
        }
      }
    }
  }
  if (acs.length === 0)
    throw refuse('APP-s4m08', 'must have at least one AssertionConsumerService in an SPSSODescriptor');
  return { entityId, assertionConsumerServices: acs, certificates };
}

function isAbsoluteUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function certificatePem(base64: string, refuse: (id: string, why: string) => Error): string {
  const compact = base64.replace(/\s+/g, '');
  try {
    if (!compact) throw new Error('empty');
    return new X509Certificate(Buffer.from(compact, 'base64')).toString();
  } catch {
    throw refuse('APP-s4m09', 'an X509Certificate in a KeyDescriptor is not a readable certificate');
  }
}
