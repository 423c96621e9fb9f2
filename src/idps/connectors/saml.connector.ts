// The SAML 2.0 service provider side of a SAML template, on passport-saml's SAML engine
// (@node-saml/passport-saml re-exports node-saml's SAML class: the strategy's own request and
// response handling, used without Express so it fits the transport-free connector contract).
import { randomBytes } from 'node:crypto';
import { type FactoryProvider, Injectable } from '@nestjs/common';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { lazyModule, xmldom } from '../../platform/modules/lazy-module.js';
import type { CacheProvider, SamlConfig } from '@node-saml/passport-saml';
import type { ConfigOf, IdpSecrets, IdpTemplate, SamlNameIdFormat } from '../idp-config.js';
import type {
  ConnectorContext,
  IdpInformation,
  RedirectConnector,
  UpstreamCallback,
  UpstreamStart,
} from './connector.js';
import { IdpConnectors } from './registry.js';
import { assertionFacts, samlInformation } from './saml-mapping.js';
import { SAML_BINDINGS, entityIdOfAcs, parseIdpMetadata, type UpstreamIdpMetadata } from './saml-metadata.js';
import { samlBindingUnsupported, samlResponseInvalid, samlSigningKeyMissing } from './saml.errors.js';

type SamlTemplate = IdpTemplate & { config: ConfigOf<'saml'> };

export const NAMEID_FORMATS: Readonly<Record<SamlNameIdFormat, string>> = {
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
};

/** crewjam/saml's (ZITADEL's SAML library) MaxClockSkew and MaxIssueDelay. */
const CLOCK_SKEW_MS = 180_000;
const MAX_ISSUE_DELAY_MS = 90_000;

/** passport-saml and its XML stack, loaded when a SAML provider is first used. */
const passportSaml = lazyModule(() => import('@node-saml/passport-saml'));

/**
 * Which SingleSignOnService the AuthnRequest goes to: the configured binding, or when it is
 * unspecified, Redirect if the IdP offers it and else POST (crewjam's samlsp, which ZITADEL uses).
 * Artifact resolution needs a back channel to the IdP that neither ZITADEL nor Portcullis has.
 */
export function chooseSsoBinding(
  binding: ConfigOf<'saml'>['binding'],
  metadata: UpstreamIdpMetadata,
): { binding: 'redirect' | 'post'; location: string } {
  const offered = (b: 'redirect' | 'post') => metadata.sso[SAML_BINDINGS[b]];
  if (binding === 'redirect' || binding === 'post') {
    const location = offered(binding);
    if (!location) throw samlBindingUnsupported(SAML_BINDINGS[binding]);
    return { binding, location };
  }
  if (binding === 'artifact') throw samlBindingUnsupported(SAML_BINDINGS.artifact);
  for (const b of ['redirect', 'post'] as const) {
    const location = offered(b);
    if (location) return { binding: b, location };
  }
  throw samlBindingUnsupported(`${SAML_BINDINGS.redirect} or ${SAML_BINDINGS.post}`);
}

/** An xs:ID (starts with a letter or underscore), 160 random bits as crewjam's request ids. */
function requestId(): string {
  return `id-${randomBytes(20).toString('hex')}`;
}

/**
 * node-saml checks InResponseTo against a cache; here the cache holds exactly the one request id
 * the intent kept when it started, so no request id lives in a process's memory between calls.
 */
function onlyRequest(id: string | undefined): CacheProvider {
  const instant = new Date().toISOString();
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (id && key === id ? instant : null),
    removeAsync: async () => null,
  };
}

function baseConfig(template: SamlTemplate, metadata: UpstreamIdpMetadata, acs: string): SamlConfig {
  return {
    issuer: entityIdOfAcs(acs),
    audience: entityIdOfAcs(acs),
    callbackUrl: acs,
    idpCert: [...metadata.signingCertificates],
    identifierFormat: NAMEID_FORMATS[template.config.nameIdFormat],
    allowCreate: true,
    // crewjam sends no RequestedAuthnContext; asking for one makes some IdPs refuse.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    // Either the Response or the Assertion must carry a valid signature (crewjam accepts both).
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    maxAssertionAgeMs: MAX_ISSUE_DELAY_MS + CLOCK_SKEW_MS,
  };
}

function rootOf(xml: string): XmlElement | undefined {
  try {
    const doc = new (xmldom().DOMParser)({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
    return (doc.documentElement as unknown as XmlElement) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * SAML bindings §3.5.5.2 and crewjam's validateDestination: a signed Response, or one that names a
 * Destination, must name our ACS; SAML profiles §4.1.4.3: every SubjectConfirmationData
 * Recipient must be the ACS; the assertion's Issuer must be the IdP of the metadata.
 */
function checkAddressing(
  responseXml: string,
  recipients: readonly string[],
  issuer: string,
  expected: {
    acs: string;
    idpEntityId: string;
  },
): void {
  const root = rootOf(responseXml);
  if (root?.localName !== 'Response') throw samlResponseInvalid();
  const destination = root.getAttribute('Destination');
  const signed = Array.from(root.childNodes).some(
    (n) => n.nodeType === 1 && (n as XmlElement).localName === 'Signature',
  );
  if ((signed || destination) && destination !== expected.acs) throw samlResponseInvalid();
  if (recipients.some((r) => r !== expected.acs)) throw samlResponseInvalid();
  if (issuer !== expected.idpEntityId) throw samlResponseInvalid();
}

@Injectable()
export class SamlConnector implements RedirectConnector<'saml'> {
  readonly kinds = ['saml'] as const;

  /**
   * Builds the AuthnRequest for the template's IdP: Redirect (query-string signature when signed,
   * SAML bindings §3.4.4.1) or POST (enveloped XML signature); RelayState carries `ctx.state`.
   */
  async start(
    template: SamlTemplate,
    secrets: IdpSecrets,
    ctx: ConnectorContext,
  ): Promise<{ start: UpstreamStart; flowState: Record<string, string> }> {
    const metadata = parseIdpMetadata(template.config.metadataXml);
    const { binding, location } = chooseSsoBinding(template.config.binding, metadata);
    const sign = template.config.withSignedRequest;
    if (sign && !secrets.samlKey) throw samlSigningKeyMissing();
    const id = requestId();
    const { SAML, ValidateInResponseTo } = await passportSaml();
    const saml = new SAML({
      ...baseConfig(template, metadata, ctx.callbackUrl),
      entryPoint: location,
      authnRequestBinding: binding === 'post' ? 'HTTP-POST' : 'HTTP-Redirect',
      // SAML bindings §3.5.4: the POST binding carries the message base64-encoded, not DEFLATEd.
      skipRequestCompression: binding === 'post',
      generateUniqueId: () => id,
      validateInResponseTo: ValidateInResponseTo.never,
      ...(sign ? { privateKey: secrets.samlKey, publicCert: secrets.samlCertificate } : {}),
    });
    if (binding === 'redirect') {
      const url = await saml.getAuthorizeUrlAsync(ctx.state, undefined, {});
      return { start: { kind: 'redirect', url }, flowState: { requestId: id } };
    }
    const message = await saml.getAuthorizeMessageAsync(ctx.state);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(message)) if (typeof v === 'string') fields[k] = v;
    return { start: { kind: 'postForm', url: location, fields }, flowState: { requestId: id } };
  }

  /**
   * Validates the Response posted to the ACS (HTTP-POST binding; SAML profiles §4.1.2 forbids the
   * Redirect binding for responses): signature against the IdP's certificates, audience = our
   * entity id, InResponseTo = the request this intent sent, the validity window, destination and
   * recipient; then maps it. Every failure is the one `samlResponseInvalid` answer.
   */
  async finish(
    template: SamlTemplate,
    secrets: IdpSecrets,
    flowState: Record<string, string>,
    callback: UpstreamCallback,
    ctx: ConnectorContext,
  ): Promise<IdpInformation> {
    const encoded = callback.body.get('SAMLResponse');
    if (!encoded || !flowState.requestId) throw samlResponseInvalid();
    const metadata = parseIdpMetadata(template.config.metadataXml);
    const { SAML, ValidateInResponseTo } = await passportSaml();
    const saml = new SAML({
      ...baseConfig(template, metadata, ctx.callbackUrl),
      validateInResponseTo: ValidateInResponseTo.always,
      cacheProvider: onlyRequest(flowState.requestId),
      ...(secrets.samlKey ? { decryptionPvk: secrets.samlKey } : {}),
    });
    let assertionXml: string | undefined;
    let responseXml: string | undefined;
    let issuer: string | undefined;
    try {
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: encoded });
      assertionXml = profile?.getAssertionXml?.();
      responseXml = profile?.getSamlResponseXml?.();
      issuer = profile?.issuer;
    } catch {
      throw samlResponseInvalid();
    }
    if (!assertionXml || !responseXml || !issuer) throw samlResponseInvalid();
    const facts = assertionFacts(assertionXml);
    checkAddressing(responseXml, facts.recipients, issuer, {
      acs: ctx.callbackUrl,
      idpEntityId: metadata.entityId,
    });
    return samlInformation(assertionXml, facts, template.config.transientMappingAttributeName);
  }

  /**
   * Our SP metadata for the template (entity id and ACS as ZITADEL names them): the ACS for
   * HTTP-POST, the NameID format asked for, the certificate requests are signed with (when they
   * are) and the one IdPs may encrypt assertions to.
   */
  async metadata(template: SamlTemplate, secrets: IdpSecrets, acs: string): Promise<string> {
    const sign = template.config.withSignedRequest && !!secrets.samlKey;
    const { generateServiceProviderMetadata } = await passportSaml();
    return generateServiceProviderMetadata({
      issuer: entityIdOfAcs(acs),
      callbackUrl: acs,
      identifierFormat: NAMEID_FORMATS[template.config.nameIdFormat],
      wantAssertionsSigned: true,
      ...(secrets.samlKey && secrets.samlCertificate
        ? { decryptionPvk: secrets.samlKey, decryptionCert: secrets.samlCertificate }
        : {}),
      ...(sign ? { privateKey: secrets.samlKey, publicCerts: secrets.samlCertificate } : {}),
    });
  }
}

/** The SAML connector, registered for `saml`. */
export const SAML_CONNECTOR_PROVIDER: FactoryProvider = {
  provide: SamlConnector,
  useFactory: (registry: IdpConnectors) => {
    const connector = new SamlConnector();
    registry.registerRedirect(connector);
    return connector;
  },
  inject: [IdpConnectors],
};
