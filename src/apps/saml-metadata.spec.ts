import { DomainError } from '../platform/errors/domain-error.js';
import { DOCTYPE_METADATA, SP_CERTIFICATE, XXE_METADATA, spMetadata } from '../../test/apps/saml-fixtures.js';
import { parseSpMetadata } from './saml-metadata.js';

function refusal(xml: string): DomainError {
  try {
    parseSpMetadata(xml, 'saml_request.metadata_xml');
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('accepted');
}

describe('parseSpMetadata', () => {
  it('reads the entity id, assertion consumer services and certificates', () => {
    const parsed = parseSpMetadata(spMetadata(), 'f');
    expect(parsed.entityId).toBe('https://sp.example.test/metadata');
    expect(parsed.assertionConsumerServices).toEqual([
      {
        binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
        location: 'https://sp.example.test/acs',
        index: 0,
        isDefault: true,
      },
    ]);
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.certificates[0]).toContain('BEGIN CERTIFICATE');
  });

  it('accepts metadata without certificates', () => {
    expect(parseSpMetadata(spMetadata({ certificate: null }), 'f').certificates).toEqual([]);
  });

  it('accepts a certificate wrapped over lines', () => {
    const wrapped = SP_CERTIFICATE.replace(/(.{64})/g, '$1\n      ');
    expect(parseSpMetadata(spMetadata({ certificate: wrapped }), 'f').certificates).toHaveLength(1);
  });

  it.each([
    ['not XML', 'just text'],
    [
      'broken XML',
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:SPSSODescriptor>',
    ],
    ['empty', '   '],
    ['another root', '<EntityDescriptor entityID="x"/>'],
    ['no entityID', spMetadata({ entityId: '' })],
    ['no ACS', spMetadata({ acsLocation: null })],
    ['a relative ACS location', spMetadata({ acsLocation: '/acs' })],
    ['a bad certificate', spMetadata({ certificate: 'bm90IGEgY2VydA==' })],
    ['an XXE attempt', XXE_METADATA],
    ['a DOCTYPE', DOCTYPE_METADATA],
    [
      'entity expansion',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&lol2;"/>',
    ],
  ])('refuses %s with INVALID_ARGUMENT on the field', (_name, xml) => {
    const err = refusal(xml);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.kind).toBe('InvalidArgument');
    expect(err.fieldViolations[0].field).toBe('saml_request.metadata_xml');
  });

  it('says why a DOCTYPE is refused', () => {
    expect(refusal(DOCTYPE_METADATA).message).toContain('DOCTYPE');
  });
});
