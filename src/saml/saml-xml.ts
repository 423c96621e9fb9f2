// Pure SAML 2.0 message handling: decoding, the structural guards run before anything trusts a
// message, the documents Portcullis issues, XML signatures and the two HTTP bindings.
import { createHash, createSign, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { lazyModule, xmldom } from '../platform/modules/lazy-module.js';
import { doctypeRefused, malformedMessage, schemaInvalid, signatureInvalid } from './saml.errors.js';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export const BINDING = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
} as const;

export const NAMEID = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;
export const SUPPORTED_NAMEID_FORMATS: readonly string[] = [NAMEID.persistent, NAMEID.emailAddress, NAMEID.unspecified];

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  versionMismatch: 'urn:oasis:names:tc:SAML:2.0:status:VersionMismatch',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  invalidAttrNameOrValue: 'urn:oasis:names:tc:SAML:2.0:status:InvalidAttrNameOrValue',
  invalidNameIdPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  requestUnsupported: 'urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported',
  unsupportedBinding: 'urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding',
} as const;

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** The attribute carrying the user's role keys in the app's project. */
export const ROLES_ATTRIBUTE = 'urn:zitadel:iam:org:project:roles';

// ---- decoding and guards -----------------------------------------------------------------------

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** SAML bindings §3.4.4.1 (Redirect: base64 of DEFLATE) and §3.5.4 (POST: base64). */
export function decodeMessage(encoded: string, binding: 'post' | 'redirect'): string {
  const compact = encoded.replace(/\s+/g, '');
  if (!compact || !BASE64.test(compact)) throw malformedMessage();
  const bytes = Buffer.from(compact, 'base64');
  const inflate = () => inflateRawSync(bytes, { maxOutputLength: 1024 * 1024 }).toString('utf8');
  try {
    let xml = binding === 'redirect' ? inflate() : bytes.toString('utf8');
    // Leniency: node-saml (passport-saml) DEFLATEs its HTTP-POST AuthnRequests too.
    if (binding === 'post' && !xml.trimStart().startsWith('<')) xml = inflate();
    if (!xml.trimStart().startsWith('<')) throw malformedMessage();
    return xml;
  } catch {
    throw malformedMessage();
  }
}

/**
 * SAML core §6 / saml-sec-consider §6.3.1: no SAML message needs a DTD, so a DOCTYPE or entity
 * declaration is refused outright (XXE, billion laughs) before any parser or validator sees it.
 */
export function refuseDoctype(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) throw doctypeRefused();
}

/** A strict DOM parse (errors are fatal); call after `refuseDoctype`. */
export function parseXml(xml: string): XmlElement {
  try {
    const doc = new (xmldom().DOMParser)({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
    if (!doc.documentElement) throw new Error('no root');
    return doc.documentElement as unknown as XmlElement;
  } catch {
    throw malformedMessage();
  }
}

function children(el: XmlElement, ns: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XmlElement).namespaceURI === ns && (n as XmlElement).localName === localName)
      out.push(n as XmlElement);
  }
  return out;
}

/** The Issuer of a protocol message (SAML core §3.2.1), as the message claims it. */
export function issuerOf(root: XmlElement): string | undefined {
  return children(root, NS.assertion, 'Issuer')[0]?.textContent?.trim() || undefined;
}

/**
 * Against signature wrapping (XSW): a signed message has exactly one ds:Signature in the whole
 * document, as a direct child of the root, whose single Reference points at the root's ID. The
 * signature itself is verified by samlify afterwards; this makes sure what it verifies is what
 * gets read. `signed` tells whether there is an embedded signature at all.
 */
export function checkSignatureStructure(root: XmlElement): { signed: boolean } {
  const all = root.getElementsByTagNameNS(NS.dsig, 'Signature');
  if (all.length === 0) return { signed: false };
  const sig = all[0] as unknown as XmlElement;
  if (all.length > 1 || sig.parentNode !== (root as unknown)) throw signatureInvalid();
  const refs = sig.getElementsByTagNameNS(NS.dsig, 'Reference');
  const id = root.getAttribute('ID');
  if (refs.length !== 1 || !id || refs[0].getAttribute('URI') !== `#${id}`) throw signatureInvalid();
  return { signed: true };
}

// ---- schema validation -------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const SCHEMA_DIR = require.resolve('@authenio/samlify-xmllint-wasm').replace(/index\.js$/, 'schemas/');
const SCHEMA_FILES = [
  'saml-schema-protocol-2.0.xsd',
  'datatypes.dtd',
  'saml-schema-assertion-2.0.xsd',
  'xmldsig-core-schema.xsd',
  'XMLSchema.dtd',
  'xenc-schema.xsd',
];
let schemas: { fileName: string; contents: string }[] | undefined;
/** libxml2 in WebAssembly: loaded when the first SAML message is validated, not by every server at boot. */
const xmllint = lazyModule(() => import('xmllint-wasm'));
/** Digests of documents that validated lately: samlify validates again what we checked first. */
const recentlyValid = new Map<string, true>();

/**
 * Strict XML Schema validation against the SAML 2.0 protocol/assertion, XML-DSig and XML-Enc
 * schemas (the ones @authenio/samlify-xmllint-wasm ships), with libxml2 compiled to WebAssembly:
 * no Java, no native build. Throws SAML-xsd00; never logs the document.
 */
export async function validateSchema(xml: string): Promise<true> {
  refuseDoctype(xml);
  const digest = createHash('sha256').update(xml).digest('base64url');
  if (recentlyValid.has(digest)) return true;
  schemas ??= SCHEMA_FILES.map((f) => ({ fileName: f, contents: readFileSync(SCHEMA_DIR + f, 'utf8') }));
  let valid = false;
  try {
    const { validateXML } = await xmllint();
    const result = await validateXML({
      xml: [{ fileName: 'message.xml', contents: xml }],
      schema: [schemas[0]],
      preload: schemas.slice(1),
    });
    valid = result.valid;
  } catch {
    valid = false;
  }
  if (!valid) throw schemaInvalid();
  recentlyValid.set(digest, true);
  if (recentlyValid.size > 256) recentlyValid.delete(recentlyValid.keys().next().value!);
  return true;
}

// ---- documents ---------------------------------------------------------------------------------

export function xmlEscape(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** SAML core §1.3.4: an xs:ID, so it must not start with a digit. */
export function samlId(): string {
  return '_' + randomBytes(20).toString('hex');
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface AssertionInput {
  readonly idpEntityId: string;
  readonly spEntityId: string;
  readonly acsUrl: string;
  readonly inResponseTo: string;
  readonly nameId: string;
  readonly nameIdFormat: string;
  /** Our request id: the SP quotes it back in a LogoutRequest. */
  readonly sessionIndex: string;
  readonly authnInstant: Date;
  readonly multiFactor: boolean;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly now: Date;
  /** How far NotBefore lies before now (clocks of SPs run a little behind). */
  readonly clockSkewMs: number;
  /** How long the assertion may be presented. */
  readonly lifetimeMs: number;
}

/** A successful samlp:Response with one bearer assertion (SAML profiles §4.1.4.2), unsigned. */
export function successResponseXml(a: AssertionInput): { xml: string; responseId: string; assertionId: string } {
  const responseId = samlId();
  const assertionId = samlId();
  const now = iso(a.now);
  const notBefore = iso(new Date(a.now.getTime() - a.clockSkewMs));
  const notOnOrAfter = iso(new Date(a.now.getTime() + a.lifetimeMs));
  const attrs = Object.entries(a.attributes)
    .filter(([, values]) => values.length > 0)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${xmlEscape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
        values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${xmlEscape(v)}</saml:AttributeValue>`).join('') +
        '</saml:Attribute>',
    )
    .join('');
  const classRef = a.multiFactor
    ? 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract'
    : 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${responseId}" Version="2.0" IssueInstant="${now}"` +
    ` Destination="${xmlEscape(a.acsUrl)}" InResponseTo="${xmlEscape(a.inResponseTo)}">` +
    `<saml:Issuer>${xmlEscape(a.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>` +
    `<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${assertionId}" Version="2.0" IssueInstant="${now}">` +
    `<saml:Issuer>${xmlEscape(a.idpEntityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${xmlEscape(a.nameIdFormat)}">${xmlEscape(a.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData InResponseTo="${xmlEscape(a.inResponseTo)}" NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlEscape(a.acsUrl)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${xmlEscape(a.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(a.authnInstant)}" SessionIndex="${xmlEscape(a.sessionIndex)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${classRef}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`;
  return { xml, responseId, assertionId };
}

/** A samlp:Response without assertion carrying a failure status (SAML core §3.2.2.2). */
export function errorResponseXml(e: {
  idpEntityId: string;
  acsUrl: string;
  inResponseTo: string;
  topLevel: string;
  secondLevel?: string;
  message?: string;
  now: Date;
}): string {
  const sub = e.secondLevel ? `<samlp:StatusCode Value="${e.secondLevel}"/>` : '';
  const message = e.message ? `<samlp:StatusMessage>${xmlEscape(e.message)}</samlp:StatusMessage>` : '';
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${samlId()}" Version="2.0" IssueInstant="${iso(e.now)}"` +
    ` Destination="${xmlEscape(e.acsUrl)}" InResponseTo="${xmlEscape(e.inResponseTo)}">` +
    `<saml:Issuer>${xmlEscape(e.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${e.topLevel}">${sub}</samlp:StatusCode>${message}</samlp:Status></samlp:Response>`
  );
}

/** samlp:LogoutResponse (SAML core §3.7.2). */
export function logoutResponseXml(l: {
  idpEntityId: string;
  destination: string;
  inResponseTo: string;
  status: string;
  now: Date;
}): string {
  return (
    `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${samlId()}" Version="2.0" IssueInstant="${iso(l.now)}"` +
    ` Destination="${xmlEscape(l.destination)}" InResponseTo="${xmlEscape(l.inResponseTo)}">` +
    `<saml:Issuer>${xmlEscape(l.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${l.status}"/></samlp:Status></samlp:LogoutResponse>`
  );
}

// ---- signatures --------------------------------------------------------------------------------

export interface SigningKey {
  readonly privateKey: string;
  readonly certificate: string;
}

/**
 * An enveloped RSA-SHA256 signature (exclusive c14n, SHA-256 digest) over the element `target`
 * selects, placed right after its Issuer as the schema wants it (SAML core §5.4.1).
 */
/** xml-crypto, loaded when the first message is signed. */
const xmlCrypto = lazyModule(() => import('xml-crypto'));

async function signElement(xml: string, key: SigningKey, target: string): Promise<string> {
  const { SignedXml } = await xmlCrypto();
  const sig = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificate,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: target, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

/** Signs the assertion (when there is one) and then the whole message. */
export async function signMessage(
  xml: string,
  key: SigningKey,
  options: { assertion: boolean; message: boolean },
): Promise<string> {
  let out = xml;
  if (options.assertion) out = await signElement(out, key, "/*[local-name(.)='Response']/*[local-name(.)='Assertion']");
  if (options.message) out = await signElement(out, key, '/*');
  return out;
}

// ---- bindings ----------------------------------------------------------------------------------

export type Delivery =
  | { readonly binding: 'post'; readonly url: string; readonly fields: Readonly<Record<string, string>> }
  | { readonly binding: 'redirect'; readonly url: string };

/**
 * Puts a message on the wire. POST (bindings §3.5): the message is signed in the XML. Redirect
 * (§3.4.4.1): XML signatures are not carried; the query string `<kind>=…&RelayState=…&SigAlg=…`
 * is signed instead. Assertions stay signed inside either way.
 */
export async function deliver(
  binding: 'post' | 'redirect',
  url: string,
  kind: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState: string,
  key: SigningKey,
  options: { signAssertion: boolean },
): Promise<Delivery> {
  if (binding === 'post') {
    const signed = await signMessage(xml, key, { assertion: options.signAssertion, message: true });
    const fields: Record<string, string> = { [kind]: Buffer.from(signed, 'utf8').toString('base64') };
    if (relayState) fields.RelayState = relayState;
    return { binding: 'post', url, fields };
  }
  const body = await signMessage(xml, key, { assertion: options.signAssertion, message: false });
  let query = `${kind}=${encodeURIComponent(deflateRawSync(Buffer.from(body, 'utf8')).toString('base64'))}`;
  if (relayState) query += `&RelayState=${encodeURIComponent(relayState)}`;
  query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
  const signature = createSign('RSA-SHA256').update(query).sign(key.privateKey, 'base64');
  query += `&Signature=${encodeURIComponent(signature)}`;
  return { binding: 'redirect', url: url + (url.includes('?') ? '&' : '?') + query };
}

/** The octet string a Redirect-binding signature covers, taken raw from the received query (§3.4.4.1). */
export function redirectOctetString(rawQuery: string, kind: 'SAMLRequest' | 'SAMLResponse'): string {
  const raw = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && !raw.has(part.slice(0, eq))) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return [kind, 'RelayState', 'SigAlg']
    .filter((k) => raw.has(k))
    .map((k) => `${k}=${raw.get(k)}`)
    .join('&');
}

// ---- pages -------------------------------------------------------------------------------------

/** Bindings §3.5.4: a form the browser posts on its own (a button for when scripts are off). */
export function autoPostPage(url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`)
    .join('');
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Continue</title></head>' +
    '<body onload="document.forms[0].submit()">' +
    `<form method="post" action="${xmlEscape(url)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
    '</body></html>'
  );
}

export function errorPage(title: string, message: string, id: string): string {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title>' +
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{color:#666}</style></head>' +
    `<body><h1>${xmlEscape(title)}</h1><p>${xmlEscape(message)}</p><p><code>${xmlEscape(id)}</code></p></body></html>`
  );
}
