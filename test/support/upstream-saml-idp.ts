// An upstream SAML identity provider for tests, played by samlify: it publishes metadata, reads
// the AuthnRequests Portcullis sends (checking their signature when it wants them signed) and
// answers with Responses it signs, each part overridable so tests can make bad ones.
import { randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import type { UpstreamStart } from '../../src/idps/connectors/connector.js';
import type { ConfigOf, IdpSecrets } from '../../src/idps/idp-config.js';
import { generateSelfSigned } from '../../src/platform/crypto/self-signed-certificate.js';
import { redirectOctetString, validateSchema } from '../../src/saml/saml-xml.js';

samlify.setSchemaValidator({ validate: validateSchema });

const BINDING = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
} as const;
export const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const NAMEID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

export interface SamlKeyPair {
  readonly privateKey: string;
  readonly certificate: string;
}

export async function samlKeyPair(name = 'sp.test'): Promise<SamlKeyPair> {
  const { privateKey, certificate } = await generateSelfSigned(name);
  return { privateKey, certificate };
}

/** What the IdP read from an AuthnRequest. */
/** The SP's own key and certificate as a SAML provider's secrets. */
export const samlSecretsOf = (keys: SamlKeyPair): IdpSecrets => ({
  samlKey: keys.privateKey,
  samlCertificate: keys.certificate,
});

export interface ReceivedRequest {
  readonly id: string;
  readonly relayState: string;
  readonly nameIdFormat?: string;
  readonly acs?: string;
  readonly issuer?: string;
}

export interface ResponseOverrides {
  inResponseTo?: string;
  nameId?: string | null;
  nameIdFormat?: string;
  attributes?: Record<string, string[]>;
  audience?: string;
  destination?: string;
  recipient?: string;
  issuer?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  issueInstant?: Date;
  /** Sign the whole Response as well as the assertion. */
  signResponse?: boolean;
  /** Sign with this key instead of the one in the published metadata. */
  signingKey?: SamlKeyPair;
  /** Change the signed XML afterwards (a tampered response). */
  tamper?: (xml: string) => string;
  /** Send the Response unsigned (built, never signed). */
  unsigned?: boolean;
  /** Encrypt the (signed) assertion to the SP's encryption certificate from its metadata. */
  encrypt?: boolean;
}

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlId = () => `_${randomBytes(16).toString('hex')}`;

function responseXml(values: {
  id: string;
  assertionId: string;
  issueInstant: string;
  destination: string;
  inResponseTo: string;
  issuer: string;
  nameId: string | null;
  nameIdFormat: string;
  recipient: string;
  notBefore: string;
  notOnOrAfter: string;
  audience: string;
  attributes: Record<string, string[]>;
}): string {
  const v = values;
  const subject =
    `<saml:Subject>${v.nameId === null ? '' : `<saml:NameID Format="${esc(v.nameIdFormat)}">${esc(v.nameId)}</saml:NameID>`}` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData ` +
    `NotOnOrAfter="${v.notOnOrAfter}" Recipient="${esc(v.recipient)}" InResponseTo="${esc(v.inResponseTo)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>`;
  const attrs = Object.entries(v.attributes);
  const attributeStatement = attrs.length
    ? `<saml:AttributeStatement>${attrs
        .map(
          ([name, vals]) =>
            `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
            vals.map((x) => `<saml:AttributeValue xsi:type="xs:string">${esc(x)}</saml:AttributeValue>`).join('') +
            `</saml:Attribute>`,
        )
        .join('')}</saml:AttributeStatement>`
    : '';
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="${v.id}" Version="2.0" IssueInstant="${v.issueInstant}" Destination="${esc(v.destination)}" InResponseTo="${esc(v.inResponseTo)}">` +
    `<saml:Issuer>${esc(v.issuer)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ` +
    `ID="${v.assertionId}" Version="2.0" IssueInstant="${v.issueInstant}"><saml:Issuer>${esc(v.issuer)}</saml:Issuer>${subject}` +
    `<saml:Conditions NotBefore="${v.notBefore}" NotOnOrAfter="${v.notOnOrAfter}"><saml:AudienceRestriction>` +
    `<saml:Audience>${esc(v.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${v.issueInstant}" SessionIndex="${v.assertionId}"><saml:AuthnContext>` +
    `<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>` +
    `</saml:AuthnContext></saml:AuthnStatement>${attributeStatement}</saml:Assertion></samlp:Response>`
  );
}

export class UpstreamSamlIdp {
  private constructor(
    readonly entityId: string,
    readonly ssoUrl: string,
    readonly keys: SamlKeyPair,
    private readonly wantSignedRequests: boolean,
    private readonly bindings: readonly ('post' | 'redirect')[],
  ) {}

  static async start(
    options: { wantSignedRequests?: boolean; bindings?: readonly ('post' | 'redirect')[] } = {},
  ): Promise<UpstreamSamlIdp> {
    const name = `idp-${randomBytes(4).toString('hex')}.upstream.test`;
    return new UpstreamSamlIdp(
      `https://${name}/metadata`,
      `https://${name}/sso`,
      await samlKeyPair(name),
      options.wantSignedRequests ?? false,
      options.bindings ?? ['redirect', 'post'],
    );
  }

  private entity(wantSignedRequests = this.wantSignedRequests, keys = this.keys, encrypt = false) {
    return samlify.IdentityProvider({
      isAssertionEncrypted: encrypt,
      entityID: this.entityId,
      signingCert: keys.certificate,
      privateKey: keys.privateKey,
      wantAuthnRequestsSigned: wantSignedRequests,
      requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      nameIDFormat: [NAMEID_PERSISTENT],
      singleSignOnService: this.bindings.map((b) => ({ Binding: BINDING[b], Location: this.ssoUrl })),
    });
  }

  /** The metadata XML a SAML template is configured with. */
  get metadata(): string {
    return this.entity().getMetadata();
  }

  /**
   * Reads the AuthnRequest as the browser delivers it (follows the redirect, or posts the form),
   * with samlify checking the signature when this IdP wants signed requests.
   */
  async receive(start: UpstreamStart, spMetadata: string): Promise<ReceivedRequest> {
    const sp = samlify.ServiceProvider({ metadata: spMetadata });
    let parsed: { extract: Record<string, any> };
    let relayState: string;
    if (start.kind === 'redirect') {
      const url = new URL(start.url);
      if (`${url.origin}${url.pathname}` !== this.ssoUrl)
        throw new Error(`request sent to ${url.origin}${url.pathname}`);
      const query = Object.fromEntries(url.searchParams);
      relayState = query.RelayState ?? '';
      parsed = await this.entity().parseLoginRequest(sp, 'redirect', {
        query,
        octetString: redirectOctetString(url.search.slice(1), 'SAMLRequest'),
      });
    } else {
      if (start.url !== this.ssoUrl) throw new Error(`form posted to ${start.url}`);
      relayState = start.fields.RelayState ?? '';
      parsed = await this.entity().parseLoginRequest(sp, 'post', { body: { ...start.fields } });
    }
    const request = parsed.extract.request ?? {};
    return {
      id: request.id,
      relayState,
      nameIdFormat: parsed.extract.nameIDPolicy?.format,
      acs: request.assertionConsumerServiceUrl,
      issuer: parsed.extract.issuer,
    };
  }

  /** A base64 SAMLResponse for the SP of `spMetadata` (samlify signs the assertion, and the response if asked). */
  async respond(spMetadata: string, o: ResponseOverrides & { inResponseTo: string }): Promise<string> {
    const sp = samlify.ServiceProvider({ metadata: spMetadata, wantMessageSigned: o.signResponse ?? false });
    const spMeta = sp.entityMeta;
    const acs = spMeta.getAssertionConsumerService('post') as string;
    const now = o.issueInstant ?? new Date();
    const values = {
      id: xmlId(),
      assertionId: xmlId(),
      issueInstant: now.toISOString(),
      destination: o.destination ?? acs,
      inResponseTo: o.inResponseTo,
      issuer: o.issuer ?? this.entityId,
      nameId: o.nameId === undefined ? 'upstream-user-1' : o.nameId,
      nameIdFormat: o.nameIdFormat ?? NAMEID_PERSISTENT,
      recipient: o.recipient ?? acs,
      notBefore: (o.notBefore ?? new Date(now.getTime() - 1000)).toISOString(),
      notOnOrAfter: (o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString(),
      audience: o.audience ?? (spMeta.getEntityID() as string),
      attributes: o.attributes ?? {},
    };
    const xml = responseXml(values);
    if (o.unsigned) return Buffer.from(xml).toString('base64');
    const idp = this.entity(false, o.signingKey ?? this.keys, o.encrypt ?? false);
    const { context } = await idp.createLoginResponse(
      sp,
      { extract: { request: { id: o.inResponseTo } } },
      'post',
      {},
      () => ({ id: values.id, context: xml }),
    );
    if (!o.tamper) return context;
    return Buffer.from(o.tamper(Buffer.from(context, 'base64').toString('utf8'))).toString('base64');
  }
}

/** A SAML provider's settings trusting `upstream` by its metadata: unsigned requests, persistent name ids. */
export function samlConfigFor(upstream: UpstreamSamlIdp, overrides: Partial<ConfigOf<'saml'>> = {}): ConfigOf<'saml'> {
  return {
    kind: 'saml',
    metadataXml: upstream.metadata,
    binding: 'unspecified',
    withSignedRequest: false,
    nameIdFormat: 'persistent',
    federatedLogoutEnabled: false,
    ...overrides,
  };
}
