/** SP metadata for tests: valid by default, with the parts a case needs changed. */

/** A self-signed certificate (CN=sp.example.test), made for these tests. */
export const SP_CERTIFICATE =
  'MIIDFzCCAf+gAwIBAgIURUG/yVBSX3makyJkggu5SDvn4pEwDQYJKoZIhvcNAQELBQAwGjEYMBYGA1UEAwwPc3AuZXhhbXBsZS50ZXN0MCAXDTI2MTEyNzExMzAxN1oYDzIxMjYxMTAzMTEzMDE3WjAaMRgwFgYDVQQDDA9zcC5leGFtcGxlLnRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDBaKf+BMYFmCTh+F+zpceWuVKNRMs8zfayao2GuF8war9Shf0+OLHgWL1H8v/0ph3EYU6FSGChHFc0vgBu/f0LrT764UAhmQeKilolVVTh9j08OL+7LJO3TuXyXjcSw55GAcj9Z0I8nUvSPO/LXvy1C6l73VY627XdhCX/yGF2Zr1Z5+vrH5HBp1UQB4zMNL8Zy3lM1ztX3mAGdhWtFX1GE29ilxCKJ2/xBs3C8Z2hqXYr6iog/RQtziDjgPTJ6aJNX9yfOyijR57gbdnj6zGdlGGlIX8A3NIypyUu7+X4w7/gLZa4GV69iCaWg0mZqkHei6XYB5mqvUD+TMVQYzxfAgMBAAGjUzBRMB0GA1UdDgQWBBRCJJO1HSX/9Pse5GVm/XrqEYGdLjAfBgNVHSMEGDAWgBRCJJO1HSX/9Pse5GVm/XrqEYGdLjAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQB8D05qhUVDqLXq0UjgzyW+kSg05eqj5hu+Dnq6tHShS3M2KwCRCWgdK7vPJBaZ+xN9DSM4Epf2oL6GTREb2mPHoCJfTCL8P6wMRhGEI5ocuR8ZD7VKn4nnT1F1uym8KsYe+6sWiDB+WTmUlZHK/CFD0anNqH/8117Afidu3VN/S5IDgkKL0JkAq9FN3NV1yDSRWFB3nfspYwFNU4lAwMJN9GojuS7DRUx0MTzrysjrwRPgiOuMGAu7I0WWCWqZGIAYKASFcvZS2MxiPLNtUV0VLH26exMMzIsop3Ir36WLc1h+hKURzJLXrY2FuoOM/mhKPc2AmMP9KQfJjVgd8JzH';

export interface MetadataOptions {
  entityId?: string;
  acsLocation?: string | null;
  certificate?: string | null;
  prolog?: string;
}

export function spMetadata(options: MetadataOptions = {}): string {
  const entityId = options.entityId ?? 'https://sp.example.test/metadata';
  const acs =
    options.acsLocation === null
      ? ''
      : `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${options.acsLocation ?? 'https://sp.example.test/acs'}" index="0" isDefault="true"/>`;
  const cert =
    options.certificate === null
      ? ''
      : `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${options.certificate ?? SP_CERTIFICATE}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return (
    (options.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>') +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">` +
    `<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${cert}${acs}</md:SPSSODescriptor>` +
    '</md:EntityDescriptor>'
  );
}

/** The classic XXE payload: an external entity pointing at a local file. */
export const XXE_METADATA =
  '<?xml version="1.0"?><!DOCTYPE md:EntityDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&xxe;">' +
  '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
  '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.test/acs"/>' +
  '</md:SPSSODescriptor></md:EntityDescriptor>';

/** A DOCTYPE with an internal entity and no use of it: refused all the same. */
export const DOCTYPE_METADATA = spMetadata({ prolog: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol "lol">]>' });
