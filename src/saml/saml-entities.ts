// samlify sealed in one file: the IdP and SP entities it checks inbound messages with, and the
// IdP metadata it writes. Everything Portcullis issues is built in saml-xml.ts.
import type { Element as XmlElement } from '@xmldom/xmldom';
import { BINDING, NAMEID, NS, RSA_SHA256, parseXml, validateSchema } from './saml-xml.js';
import { DomainError } from '../platform/errors/domain-error.js';
import { lazyModule } from '../platform/modules/lazy-module.js';
import { schemaInvalid, signatureInvalid, signatureRequired } from './saml.errors.js';

/** samlify and its XML stack, loaded when the first SAML message or metadata is handled. */
const samlifyModule = lazyModule(async () => {
  const samlify = await import('samlify');
  // Every message samlify reads is schema-validated first (it refuses to parse without a validator).
  samlify.setSchemaValidator({ validate: validateSchema });
  return samlify;
});

/** The IdP's URLs on one origin (ZITADEL's paths). */
export interface IdpUrls {
  readonly entityId: string;
  readonly sso: string;
  readonly slo: string;
}

export function idpUrls(origin: string): IdpUrls {
  return { entityId: `${origin}/saml/v2/metadata`, sso: `${origin}/saml/v2/SSO`, slo: `${origin}/saml/v2/SLO` };
}

export async function identityProvider(
  urls: IdpUrls,
  certificatePem: string,
  options: { verifySignatures?: boolean } = {},
) {
  const verify = options.verifySignatures ?? false;
  const samlify = await samlifyModule();
  return samlify.IdentityProvider({
    entityID: urls.entityId,
    signingCert: certificatePem,
    wantAuthnRequestsSigned: verify,
    wantLogoutRequestSigned: verify,
    wantLogoutResponseSigned: verify,
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: [NAMEID.persistent, NAMEID.emailAddress, NAMEID.unspecified],
    singleSignOnService: [
      { Binding: BINDING.redirect, Location: urls.sso },
      { Binding: BINDING.post, Location: urls.sso },
    ],
    singleLogoutService: [
      { Binding: BINDING.redirect, Location: urls.slo },
      { Binding: BINDING.post, Location: urls.slo },
    ],
  });
}

export type IdentityProviderEntity = Awaited<ReturnType<typeof identityProvider>>;

export async function serviceProvider(metadata: string) {
  return (await samlifyModule()).ServiceProvider({ metadata });
}

export interface SpEndpoint {
  readonly binding: 'post' | 'redirect';
  readonly location: string;
  readonly index?: number;
  readonly isDefault: boolean;
}

/** What Portcullis needs from the SP metadata (validated when the app was saved). */
export interface SpDescription {
  readonly entityId: string;
  readonly authnRequestsSigned: boolean;
  readonly assertionConsumerServices: readonly SpEndpoint[];
  readonly singleLogoutServices: readonly SpEndpoint[];
  readonly nameIdFormats: readonly string[];
}

function endpoints(descriptor: XmlElement, localName: string): SpEndpoint[] {
  const out: SpEndpoint[] = [];
  const list = descriptor.getElementsByTagNameNS(NS.metadata, localName);
  for (let i = 0; i < list.length; i++) {
    const el = list[i] as unknown as XmlElement;
    const b = el.getAttribute('Binding');
    const binding = b === BINDING.post ? 'post' : b === BINDING.redirect ? 'redirect' : undefined;
    const location = el.getAttribute('Location');
    if (!binding || !location) continue; // Artifact, SOAP, PAOS: not served
    const index = el.getAttribute('index');
    out.push({
      binding,
      location,
      ...(index !== null && index !== '' ? { index: Number(index) } : {}),
      isDefault: el.getAttribute('isDefault') === 'true',
    });
  }
  return out;
}

export function describeSp(metadata: string): SpDescription {
  const root = parseXml(metadata);
  const descriptor = root.getElementsByTagNameNS(NS.metadata, 'SPSSODescriptor')[0] as unknown as
    | XmlElement
    | undefined;
  if (!descriptor) throw new Error('stored SP metadata has no SPSSODescriptor');
  const formats = descriptor.getElementsByTagNameNS(NS.metadata, 'NameIDFormat');
  return {
    entityId: root.getAttribute('entityID') ?? '',
    authnRequestsSigned: descriptor.getAttribute('AuthnRequestsSigned') === 'true',
    assertionConsumerServices: endpoints(descriptor, 'AssertionConsumerService'),
    singleLogoutServices: endpoints(descriptor, 'SingleLogoutService'),
    nameIdFormats: Array.from({ length: formats.length }, (_, i) => formats[i].textContent?.trim() ?? '').filter(
      Boolean,
    ),
  };
}

/** samlify's failures, as the refusals the endpoints show. */
export function samlifyFailure(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/MISSING_SIG|missing signature/i.test(message)) return signatureRequired();
  if (/SIG|CERT|WRAPPING|signature/i.test(message)) return signatureInvalid();
  return schemaInvalid();
}

export interface ParsedInbound {
  readonly extract: Record<string, any>;
  readonly samlContent: string;
}

/**
 * Has samlify schema-validate a message and, when `verify`, check its signature against the SP
 * metadata's signing certificate (Redirect: the query signature; POST: the enveloped one).
 */
export async function parseInbound(
  kind: 'login' | 'logoutRequest' | 'logoutResponse',
  idp: IdentityProviderEntity,
  sp: Awaited<ReturnType<typeof serviceProvider>>,
  binding: 'post' | 'redirect',
  request: { query?: Record<string, string>; body?: Record<string, string>; octetString?: string },
): Promise<ParsedInbound> {
  try {
    const result =
      kind === 'login'
        ? await idp.parseLoginRequest(sp, binding, request as never)
        : kind === 'logoutRequest'
          ? await idp.parseLogoutRequest(sp, binding, request as never)
          : await idp.parseLogoutResponse(sp, binding, request as never);
    return { extract: result.extract as Record<string, any>, samlContent: result.samlContent };
  } catch (err) {
    throw samlifyFailure(err);
  }
}
