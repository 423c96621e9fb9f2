import { deflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { generateSelfSigned } from '../platform/crypto/self-signed-certificate.js';
import {
  checkSignatureStructure,
  decodeMessage,
  deliver,
  errorResponseXml,
  logoutResponseXml,
  NAMEID,
  parseXml,
  redirectOctetString,
  refuseDoctype,
  signMessage,
  STATUS,
  successResponseXml,
  validateSchema,
} from './saml-xml.js';
import { SAML_ERRORS } from './saml.errors.js';

const request =
  '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"/>';
let key: { privateKey: string; certificate: string };
beforeAll(async () => {
  key = await generateSelfSigned('unit');
});

const assertion = () =>
  successResponseXml({
    idpEntityId: 'https://idp.test/saml/v2/metadata',
    spEntityId: 'https://sp.test/metadata',
    acsUrl: 'https://sp.test/acs',
    inResponseTo: '_req',
    nameId: 'ada & co <x>',
    nameIdFormat: NAMEID.persistent,
    sessionIndex: '123',
    authnInstant: new Date(),
    multiFactor: false,
    attributes: { Email: ['ada@example.com'], roles: ['a', 'b'], Empty: [] },
    now: new Date(),
    clockSkewMs: 60_000,
    lifetimeMs: 300_000,
  });

describe('decoding', () => {
  it('reads Redirect (DEFLATE) and POST messages, and DEFLATEd POST messages too', () => {
    expect(decodeMessage(deflateRawSync(Buffer.from(request)).toString('base64'), 'redirect')).toBe(request);
    expect(decodeMessage(Buffer.from(request).toString('base64'), 'post')).toBe(request);
    expect(decodeMessage(deflateRawSync(Buffer.from(request)).toString('base64'), 'post')).toBe(request);
  });

  it('refuses what is not base64 XML', () => {
    expect(() => decodeMessage('%%%', 'post')).toThrow(expect.objectContaining({ id: SAML_ERRORS.malformedMessage }));
    expect(() => decodeMessage(Buffer.from('hello').toString('base64'), 'redirect')).toThrow(
      expect.objectContaining({ id: SAML_ERRORS.malformedMessage }),
    );
  });

  it('refuses malformed XML', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(expect.objectContaining({ id: SAML_ERRORS.malformedMessage }));
  });

  it('refuses any DOCTYPE or entity declaration', () => {
    expect(() => refuseDoctype('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(
      expect.objectContaining({ id: SAML_ERRORS.doctypeRefused }),
    );
    expect(() => refuseDoctype('<?xml version="1.0"?><!doctype x><x/>')).toThrow(
      expect.objectContaining({ id: SAML_ERRORS.doctypeRefused }),
    );
    expect(() => refuseDoctype(request)).not.toThrow();
  });
});

describe('signature structure (XSW)', () => {
  const sig = (uri: string) =>
    `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="${uri}"/></ds:SignedInfo></ds:Signature>`;
  const wrap = (inner: string) => request.replace('/>', `>${inner}</samlp:AuthnRequest>`);

  it.each([
    ['no signature', request, { signed: false }],
    ['one signature over the root', wrap(sig('#_a')), { signed: true }],
  ])('accepts %s', (_name, xml, expected) => {
    expect(checkSignatureStructure(parseXml(xml))).toEqual(expected);
  });

  it.each([
    ['a signature over another element', wrap(sig('#_other'))],
    ['two signatures', wrap(sig('#_a') + sig('#_a'))],
    ['a signature below the root', wrap(`<x:W xmlns:x="urn:x">${sig('#_a')}</x:W>`)],
  ])('refuses %s', (_name, xml) => {
    expect(() => checkSignatureStructure(parseXml(xml))).toThrow(
      expect.objectContaining({ id: SAML_ERRORS.signatureInvalid }),
    );
  });

  it('takes the Redirect octet string raw, in the order the binding fixes', () => {
    expect(
      redirectOctetString('Signature=s&SigAlg=a%2Bb&RelayState=r%20s&SAMLRequest=x%3D&other=1', 'SAMLRequest'),
    ).toBe('SAMLRequest=x%3D&RelayState=r%20s&SigAlg=a%2Bb');
  });
});

describe('what Portcullis issues', () => {
  it('is valid against the SAML schemas, escaped, and signed on the assertion and the message', async () => {
    const { xml } = assertion();
    expect(xml).toContain('ada &amp; co &lt;x&gt;');
    expect(xml).not.toContain('Name="Empty"');
    const signed = await signMessage(xml, key, { assertion: true, message: true });
    await expect(validateSchema(signed)).resolves.toBe(true);
    const doc = parseXml(signed);
    const signatures = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature');
    expect(signatures.length).toBe(2);
    for (let i = 0; i < signatures.length; i++) {
      const verifier = new SignedXml({ publicCert: key.certificate });
      verifier.loadSignature(signatures[i] as never);
      expect(verifier.checkSignature(signed)).toBe(true);
    }
  });

  it('writes error responses and logout responses the schemas accept', async () => {
    const now = new Date();
    await expect(
      validateSchema(
        errorResponseXml({
          idpEntityId: 'i',
          acsUrl: 'https://sp/acs',
          inResponseTo: '_r',
          topLevel: STATUS.responder,
          secondLevel: STATUS.requestDenied,
          message: 'no',
          now,
        }),
      ),
    ).resolves.toBe(true);
    await expect(
      validateSchema(
        logoutResponseXml({
          idpEntityId: 'i',
          destination: 'https://sp/slo',
          inResponseTo: '_r',
          status: STATUS.success,
          now,
        }),
      ),
    ).resolves.toBe(true);
  });

  it('signs the Redirect query and leaves no XML signature on the message', async () => {
    const d = await deliver('redirect', 'https://sp.test/acs?x=1', 'SAMLResponse', assertion().xml, 'rs', key, {
      signAssertion: true,
    });
    expect(d.binding).toBe('redirect');
    const url = new URL(d.url);
    expect([...url.searchParams.keys()]).toEqual(['x', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
    const p = await deliver('post', 'https://sp.test/acs', 'SAMLResponse', assertion().xml, '', key, {
      signAssertion: true,
    });
    expect(p.binding === 'post' && Object.keys(p.fields)).toEqual(['SAMLResponse']);
  });
});
