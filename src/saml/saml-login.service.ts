import { FunctionExecutions } from '../actions/function-executions.js';
import type { RequestSite } from '../platform/tenancy/instance-resolver.js';
import { Injectable } from '@nestjs/common';
import { ErrorReason } from '@zitadel/proto/zitadel/saml/v2/authorization_pb.js';
import { AppsQueries } from '../apps/apps.queries.js';
import { loginBase } from '../features/feature-flags.js';
import { InstanceFeatures } from '../features/instance-features.js';
import { authorize } from '../platform/authz/authorize.js';
import { Config } from '../platform/config/config.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, SYSTEM_CREATOR } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import { LoginHandoff } from '../sessions/login-handoff.js';
import { SamlCertificates } from './saml-certificates.store.js';
import { readAuthnRequest, resolveAcs, resolveNameIdFormat } from './saml-endpoints.js';
import { describeSp, identityProvider, idpUrls, parseInbound, serviceProvider, type IdpUrls } from './saml-entities.js';
import { attributesOf, functionSubjectOf, nameIdFor, SamlSubjects } from './saml-subjects.js';
import {
  checkSignatureStructure,
  decodeMessage,
  deliver,
  errorResponseXml,
  issuerOf,
  NS,
  parseXml,
  redirectOctetString,
  refuseDoctype,
  STATUS,
  successResponseXml,
  type Delivery,
} from './saml-xml.js';
import { SamlRequest } from './saml.entity.js';
import * as errors from './saml.errors.js';

type InboundKind = 'login' | 'logoutRequest' | 'logoutResponse';
const INBOUND_ELEMENTS: Record<InboundKind, string> = {
  login: 'AuthnRequest',
  logoutRequest: 'LogoutRequest',
  logoutResponse: 'LogoutResponse',
};

/** ZITADEL keeps auth requests for its auth request lifetime; ours live ten minutes. */
export const SAML_REQUEST_LIFETIME_MS = 10 * 60_000;
/** Tolerance for the clocks of SPs: their IssueInstant, our NotBefore. */
export const CLOCK_SKEW_MS = 2 * 60_000;
/** How long an assertion may be presented to the SP. */
export const ASSERTION_LIFETIME_MS = 5 * 60_000;

/** The host a browser request came in on: which instance, and the origin its URLs are built on. */
export type Site = RequestSite;

/** A SAML message as the HTTP layer received it (bindings §3.4 Redirect, §3.5 POST). */
export interface InboundMessage {
  readonly binding: 'post' | 'redirect';
  /** Decoded query (Redirect) or form (POST) fields. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string as received, for the Redirect signature's octet string. */
  readonly rawQuery: string;
}

export type SsoOutcome =
  | { readonly kind: 'login'; readonly location: string }
  | { readonly kind: 'deliver'; readonly delivery: Delivery };

export type SamlAnswer =
  | { readonly kind: 'session'; readonly sessionId: string; readonly sessionToken: string }
  | { readonly kind: 'error'; readonly reason: ErrorReason; readonly description?: string };

export interface SamlAnswered {
  readonly details: ChangeInfo;
  readonly delivery: Delivery;
}

const ERROR_STATUS: Record<ErrorReason, { top: string; second?: string }> = {
  [ErrorReason.UNSPECIFIED]: { top: STATUS.responder },
  [ErrorReason.VERSION_MISSMATCH]: { top: STATUS.versionMismatch },
  [ErrorReason.AUTH_N_FAILED]: { top: STATUS.responder, second: STATUS.authnFailed },
  [ErrorReason.INVALID_ATTR_NAME_OR_VALUE]: { top: STATUS.responder, second: STATUS.invalidAttrNameOrValue },
  [ErrorReason.INVALID_NAMEID_POLICY]: { top: STATUS.responder, second: STATUS.invalidNameIdPolicy },
  [ErrorReason.REQUEST_DENIED]: { top: STATUS.responder, second: STATUS.requestDenied },
  [ErrorReason.REQUEST_UNSUPPORTED]: { top: STATUS.requester, second: STATUS.requestUnsupported },
  [ErrorReason.UNSUPPORTED_BINDING]: { top: STATUS.requester, second: STATUS.unsupportedBinding },
};

/**
 * SP-initiated Web Browser SSO (SAML profiles §4.1): the SSO endpoint checks and stores an
 * AuthnRequest and sends the browser to the login UI; the login UI reads it (GetSAMLRequest) and
 * answers it once with a session (CreateResponse), which yields the signed Response and the
 * binding that carries it to the SP.
 */
@Injectable()
export class SamlLoginService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly config: Config,
    private readonly apps: AppsQueries,
    private readonly certs: SamlCertificates,
    private readonly handoff: LoginHandoff,
    private readonly subjects: SamlSubjects,
    private readonly functions: FunctionExecutions,
    private readonly features: InstanceFeatures,
  ) {}

  // ---- public endpoints -------------------------------------------------------------------

  async metadata(site: Site): Promise<string> {
    const cert = await this.certs.certificate(site.instance.id, site.instance.name);
    return (await identityProvider(idpUrls(site.origin), cert)).getMetadata();
  }

  certificate(site: Site): Promise<string> {
    return this.certs.certificate(site.instance.id, site.instance.name);
  }

  /** /saml/v2/SSO: an AuthnRequest by Redirect or POST. */
  async receiveAuthnRequest(site: Site, msg: InboundMessage): Promise<SsoOutcome> {
    const encoded = msg.params.SAMLRequest;
    if (!encoded) throw msg.params.SAMLResponse ? errors.wrongMessageType() : errors.idpInitiatedOff();
    const { root, sp, spDesc, urls } = await this.inbound(site, msg, encoded, 'login');

    const ask = readAuthnRequest(root);
    if (ask.version !== '2.0') throw errors.versionMismatch();
    if (ask.destination !== undefined && ask.destination !== urls.sso) throw errors.wrongDestination();
    const issuedAt = Date.parse(ask.issueInstant);
    const now = Date.now();
    if (
      !Number.isFinite(issuedAt) ||
      issuedAt > now + CLOCK_SKEW_MS ||
      issuedAt < now - SAML_REQUEST_LIFETIME_MS - CLOCK_SKEW_MS
    )
      throw errors.requestStale();
    const acs = resolveAcs(spDesc, ask);
    const relayState = msg.params.RelayState ?? '';
    const refuse = async (topLevel: string, secondLevel: string, message: string): Promise<SsoOutcome> => {
      const key = await this.certs.signing(site.instance.id, site.instance.name);
      const failure = errorResponseXml({
        idpEntityId: urls.entityId,
        acsUrl: acs.location,
        inResponseTo: ask.id,
        topLevel,
        secondLevel,
        message,
        now: new Date(),
      });
      return {
        kind: 'deliver',
        delivery: await deliver(acs.binding, acs.location, 'SAMLResponse', failure, relayState, key, {
          signAssertion: false,
        }),
      };
    };
    // §3.4.1: a passive request must not take over the user interface, and Portcullis signs users
    // in only through its login pages.
    if (ask.isPassive)
      return refuse(
        STATUS.responder,
        STATUS.noPassive,
        'sign-in needs the login pages, which a passive request does not allow',
      );
    const nameIdFormat = resolveNameIdFormat(spDesc, ask.nameIdFormat);
    // §3.4.1.1: a NameID format we cannot issue is answered with InvalidNameIDPolicy.
    if (!nameIdFormat)
      return refuse(
        STATUS.requester,
        STATUS.invalidNameIdPolicy,
        'supported NameID formats: persistent, emailAddress, unspecified',
      );

    const id = this.ids.next();
    try {
      await this.tx.run(async (tx) => {
        const created = new Date();
        await tx.insert(SamlRequest, {
          instanceId: site.instance.id,
          id,
          appId: sp.appId,
          issuer: sp.entityId,
          requestId: ask.id,
          idpEntityId: urls.entityId,
          acsUrl: acs.location,
          responseBinding: acs.binding,
          relayState,
          nameIdFormat,
          state: 'pending',
          sessionId: null,
          userId: null,
          nameId: null,
          createdAt: created,
          expiresAt: new Date(created.getTime() + SAML_REQUEST_LIFETIME_MS),
          answeredAt: null,
          forceAuthn: ask.forceAuthn,
        });
        await this.events.push(tx, site.instance.id, SYSTEM_CREATOR, [
          {
            aggregateType: 'saml_request',
            aggregateId: id,
            resourceOwner: sp.orgId,
            type: 'saml_request.added',
            payload: { appId: sp.appId, issuer: sp.entityId, acs: acs.location, binding: acs.binding, nameIdFormat },
          },
        ]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.replayedRequest();
      throw err;
    }
    return { kind: 'login', location: await this.loginUrl(site, sp.loginBaseUri, sp.loginVersion, id) };
  }

  // ---- SAMLService ------------------------------------------------------------------------

  async getRequest(caller: Caller, id: string): Promise<SamlRequest> {
    authorize(caller, 'session.link', { instance: true }, errors.samlRequestDenied);
    const row = await this.tx.reader.findOneBy(SamlRequest, { instanceId: caller.instance.id, id });
    if (!row) throw errors.samlRequestNotFound();
    if (row.expiresAt.getTime() <= Date.now()) throw errors.samlRequestExpired();
    return row;
  }

  async createResponse(caller: Caller, id: string, answer: SamlAnswer): Promise<SamlAnswered> {
    authorize(caller, 'session.link', { instance: true }, errors.samlRequestDenied);
    const instance = caller.instance;
    const request = await this.tx.reader.findOneBy(SamlRequest, { instanceId: instance.id, id });
    if (!request) throw errors.samlRequestNotFound();
    if (request.state === 'answered') throw errors.samlRequestAnswered();
    if (request.expiresAt.getTime() <= Date.now()) throw errors.samlRequestExpired();

    const now = new Date();
    let xml: string;
    let success = false;
    let subjectOf: { userId: string; sessionId: string; nameId: string } | undefined;
    const fail = (status: { top: string; second?: string }, message?: string) =>
      errorResponseXml({
        idpEntityId: request.idpEntityId,
        acsUrl: request.acsUrl,
        inResponseTo: request.requestId,
        topLevel: status.top,
        secondLevel: status.second,
        message,
        now,
      });

    if (answer.kind === 'session') {
      const login = await this.handoff.sessionFor(
        caller,
        answer.sessionId,
        answer.sessionToken,
        request.forceAuthn ? { checkedSince: request.createdAt } : {},
      );
      const sp = await this.apps.activeServiceProvider(instance.id, request.issuer);
      if (!sp || sp.appId !== request.appId) throw errors.serviceProviderGone();
      const subject = await this.subjects.load(instance.id, login.userId, sp.projectId, sp.orgId);
      if (!subject) throw errors.serviceProviderGone();
      const nameId = nameIdFor(subject, request.nameIdFormat);
      if (sp.project.projectAccessRequired && !subject.orgHasProject) {
        xml = fail(ERROR_STATUS[ErrorReason.REQUEST_DENIED], "the user's organization has no access to the project");
      } else if (sp.project.authorizationRequired && !subject.authorized) {
        xml = fail(ERROR_STATUS[ErrorReason.REQUEST_DENIED], 'the user has no authorization for the project');
      } else if (!nameId) {
        xml = fail(
          ERROR_STATUS[ErrorReason.INVALID_NAMEID_POLICY],
          'the user has no value for the requested NameID format',
        );
      } else {
        success = true;
        subjectOf = { userId: login.userId, sessionId: login.sessionId, nameId };
        xml = successResponseXml({
          idpEntityId: request.idpEntityId,
          spEntityId: request.issuer,
          acsUrl: request.acsUrl,
          inResponseTo: request.requestId,
          nameId,
          nameIdFormat: request.nameIdFormat,
          sessionIndex: request.id,
          authnInstant: login.authTime,
          multiFactor: login.multiFactor,
          attributes: await this.functions.samlAttributes(instance, functionSubjectOf(subject), attributesOf(subject)),
          now,
          clockSkewMs: CLOCK_SKEW_MS,
          lifetimeMs: ASSERTION_LIFETIME_MS,
        }).xml;
      }
    } else {
      xml = fail(ERROR_STATUS[answer.reason] ?? ERROR_STATUS[ErrorReason.UNSPECIFIED], answer.description);
    }

    const key = await this.certs.signing(instance.id, instance.name);
    const delivery = await deliver(
      request.responseBinding,
      request.acsUrl,
      'SAMLResponse',
      xml,
      request.relayState,
      key,
      {
        signAssertion: success,
      },
    );
    const details = await this.tx.run(async (tx) => {
      // Answered once: the row moves from pending to answered under its own condition.
      const updated: { id: string }[] = await tx.query(
        `WITH answered AS (
           UPDATE saml_requests SET state = 'answered', answered_at = now(), session_id = $3, user_id = $4, name_id = $5
            WHERE instance_id = $1 AND id = $2 AND state = 'pending' AND expires_at > now() RETURNING id)
         SELECT id FROM answered`,
        [instance.id, id, subjectOf?.sessionId ?? null, subjectOf?.userId ?? null, subjectOf?.nameId ?? null],
      );
      if (updated.length === 0) throw errors.samlRequestAnswered();
      const [event] = await this.events.push(tx, instance.id, creatorOf(caller), [
        {
          aggregateType: 'saml_request',
          aggregateId: id,
          resourceOwner: instance.id,
          type: success ? 'saml_request.succeeded' : 'saml_request.failed',
          payload: success ? { userId: subjectOf!.userId, sessionId: subjectOf!.sessionId } : {},
        },
      ]);
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: instance.id };
    });
    return { details, delivery };
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * What every message from an SP goes through before anything in it is trusted: decoding, no
   * DOCTYPE (XXE), a strict parse, the expected element, the signature-wrapping guard, a known
   * and active issuer, then schema validation and the signature (see `verify`).
   */
  async inbound(site: Site, msg: InboundMessage, encoded: string, kind: InboundKind) {
    const xml = decodeMessage(encoded, msg.binding);
    refuseDoctype(xml);
    const root = parseXml(xml);
    if (root.namespaceURI !== NS.protocol || root.localName !== INBOUND_ELEMENTS[kind]) throw errors.wrongMessageType();
    const { signed } = checkSignatureStructure(root);
    // Bindings §3.4.4.1: a Redirect message carries its signature in the query, never in the XML.
    if (msg.binding === 'redirect' && signed) throw errors.signatureInvalid();
    const issuer = issuerOf(root);
    const sp = issuer ? await this.apps.activeServiceProvider(site.instance.id, issuer) : undefined;
    if (!sp) throw errors.unknownIssuer();
    const spDesc = describeSp(sp.metadata);
    const urls = idpUrls(site.origin);
    await this.verify(kind, site, urls, sp.metadata, spDesc.authnRequestsSigned, msg, xml, signed);
    return { root, sp, spDesc, urls };
  }

  /**
   * Signature rules for what SPs send: verified whenever one is there; required when the SP's
   * metadata says it signs (AuthnRequestsSigned). Then samlify validates against the schemas and
   * checks the signature with the certificate of the SP's metadata.
   */
  private async verify(
    kind: InboundKind,
    site: Site,
    urls: IdpUrls,
    metadata: string,
    spSigns: boolean,
    msg: InboundMessage,
    xml: string,
    xmlSigned: boolean,
  ) {
    const param = kind === 'login' || kind === 'logoutRequest' ? 'SAMLRequest' : 'SAMLResponse';
    const hasSignature = msg.binding === 'redirect' ? !!msg.params.Signature : xmlSigned;
    if (spSigns && !hasSignature) throw errors.signatureRequired();
    const sp = await serviceProvider(metadata);
    if (hasSignature) {
      const certs = sp.entityMeta.getX509Certificate('signing');
      if (!certs || (Array.isArray(certs) && certs.length === 0)) throw errors.signatureInvalid();
    }
    const cert = await this.certs.certificate(site.instance.id, site.instance.name);
    const idp = await identityProvider(urls, cert, { verifySignatures: hasSignature });
    // POST: what was decoded, re-encoded plainly (the message may have come DEFLATEd).
    const request =
      msg.binding === 'redirect'
        ? { query: { ...msg.params }, octetString: redirectOctetString(msg.rawQuery, param) }
        : { body: { ...msg.params, [param]: Buffer.from(xml, 'utf8').toString('base64') } };
    return parseInbound(kind, idp, sp, msg.binding, request);
  }

  /**
   * `<login>/login?samlRequest=<id>`: the instance's login v2 when it requires one, else a login
   * v2 app's own base URI (or the instance's), else the server's own login (loginBase).
   */
  private async loginUrl(site: Site, appBaseUri: string | null, loginVersion: unknown, id: string): Promise<string> {
    const { loginV2 } = await this.features.of(site.instance.id);
    // An app with a base URI and no version stated counts as a login v2 app, as before.
    const v2 = loginVersion === 'v2' || (!!appBaseUri && loginVersion !== 'v1');
    const base = loginBase(loginV2?.value, { v2, baseUri: appBaseUri }, this.config.loginUiUrl);
    const absolute = base.startsWith('/') ? site.origin + base : base;
    return `${absolute.replace(/\/+$/, '')}/login?samlRequest=${encodeURIComponent(id)}`;
  }
}
