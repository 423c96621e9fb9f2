// From a verified SAML assertion to what an intent keeps: the upstream user id (ZITADEL's rules
// for NameID and transient NameIDs), the attributes as raw information, the assertion itself.
import type { Element as XmlElement } from '@xmldom/xmldom';
import { xmldom } from '../../platform/modules/lazy-module.js';
import type { IdpInformation, UpstreamUser } from './connector.js';
import { samlMissingMappingAttribute, samlResponseInvalid } from './saml.errors.js';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const TRANSIENT_NAMEID = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

export interface AssertionFacts {
  readonly nameId?: { readonly value: string; readonly format?: string };
  /** Every Attribute of every AttributeStatement, by Name, values in document order. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** SubjectConfirmationData/@Recipient values (SAML profiles §4.1.4.3: must be the ACS). */
  readonly recipients: readonly string[];
}

function descendants(root: XmlElement, localName: string): XmlElement[] {
  return Array.from(root.getElementsByTagNameNS(SAML, localName)) as unknown as XmlElement[];
}

/** Reads the facts of one assertion (already verified by its signature, or its response's). */
export function assertionFacts(assertionXml: string): AssertionFacts {
  let root: XmlElement;
  try {
    const doc = new (xmldom().DOMParser)({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(assertionXml, 'text/xml');
    root = doc.documentElement as unknown as XmlElement;
  } catch {
    throw samlResponseInvalid();
  }
  if (!root || root.namespaceURI !== SAML || root.localName !== 'Assertion') throw samlResponseInvalid();
  const subject = descendants(root, 'Subject')[0];
  const nameIdEl = subject && (Array.from(subject.getElementsByTagNameNS(SAML, 'NameID'))[0] as XmlElement | undefined);
  const nameId = nameIdEl
    ? { value: (nameIdEl.textContent ?? '').trim(), format: nameIdEl.getAttribute('Format') ?? undefined }
    : undefined;
  const attributes: Record<string, string[]> = {};
  for (const statement of descendants(root, 'AttributeStatement')) {
    for (const attribute of Array.from(statement.getElementsByTagNameNS(SAML, 'Attribute')) as XmlElement[]) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = (Array.from(attribute.getElementsByTagNameNS(SAML, 'AttributeValue')) as XmlElement[]).map(
        (v) => v.textContent ?? '',
      );
      attributes[name] = [...(attributes[name] ?? []), ...values];
    }
  }
  const recipients = descendants(root, 'SubjectConfirmationData')
    .map((d) => d.getAttribute('Recipient'))
    .filter((r): r is string => !!r);
  return { nameId: nameId?.value ? nameId : undefined, attributes, recipients };
}

/** ZITADEL's transientMappingID: the mapping attribute must be there with exactly one value. */
function mappingId(facts: AssertionFacts, attributeName: string | undefined): string {
  const name = attributeName?.trim();
  const values = name ? facts.attributes[name] : undefined;
  if (values?.length !== 1 || !values[0]) throw samlMissingMappingAttribute();
  return values[0];
}

/**
 * The upstream user id, as ZITADEL decides it: the NameID; for a transient NameID (which changes
 * per sign-in) or none at all (ADFS, Shibboleth), the value of `transientMappingAttributeName`.
 */
export function samlUserId(facts: AssertionFacts, transientMappingAttributeName: string | undefined): string {
  if (!facts.nameId || facts.nameId.format === TRANSIENT_NAMEID) return mappingId(facts, transientMappingAttributeName);
  return facts.nameId.value;
}

// Well-known attribute names (plain, LDAP OIDs as in eduPerson/SAML2 profiles, and the
// WS-Federation claim URIs ADFS and Entra ID send), first match wins.
const WELL_KNOWN: Readonly<Record<Exclude<keyof UpstreamUser, 'id' | 'emailVerified' | 'phoneVerified'>, string[]>> = {
  email: [
    'email',
    'mail',
    'emailAddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  ],
  givenName: [
    'givenName',
    'firstName',
    'given_name',
    'urn:oid:2.5.4.42',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  ],
  familyName: [
    'sn',
    'surname',
    'lastName',
    'family_name',
    'urn:oid:2.5.4.4',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  ],
  displayName: [
    'displayName',
    'urn:oid:2.16.840.1.113730.3.1.241',
    'http://schemas.microsoft.com/identity/claims/displayname',
  ],
  nickName: ['nickname', 'nickName'],
  preferredUsername: ['username', 'preferred_username', 'uid', 'urn:oid:0.9.2342.19200300.100.1.1'],
  phone: ['phone', 'telephoneNumber', 'mobile', 'urn:oid:2.5.4.20'],
  preferredLanguage: ['preferredLanguage', 'urn:oid:2.16.840.1.113730.3.1.39'],
  avatarUrl: [],
  profile: [],
};

/**
 * Maps a verified assertion. ZITADEL's raw information for SAML is `{ id, attributes }`; ZITADEL
 * maps no profile field itself, Portcullis fills the profile from well-known attribute names so
 * auto-creation has a name and email to start from (an email from SAML is never taken as verified).
 */
export function samlInformation(
  assertionXml: string,
  facts: AssertionFacts,
  transientMappingAttributeName: string | undefined,
): IdpInformation {
  const id = samlUserId(facts, transientMappingAttributeName);
  const profile: Record<string, string> = {};
  for (const [field, names] of Object.entries(WELL_KNOWN)) {
    const value = names.map((n) => facts.attributes[n]?.[0]).find((v) => v?.trim());
    if (value) profile[field] = value.trim();
  }
  const user: UpstreamUser = { ...profile, id, emailVerified: false };
  return {
    user,
    raw: { id, attributes: facts.attributes },
    saml: { assertion: assertionXml },
  };
}
