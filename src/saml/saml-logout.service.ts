import { Injectable } from '@nestjs/common';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { isError } from '../platform/errors/domain-error.js';
import { loginClientCaller } from '../platform/auth/login-client.js';
import { Transactions } from '../platform/database/transactions.js';
import { SESSION_ERRORS } from '../sessions/sessions.errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SamlCertificates } from './saml-certificates.store.js';
import { resolveSlo } from './saml-endpoints.js';
import { SamlLoginService, type InboundMessage, type Site } from './saml-login.service.js';
import { deliver, logoutResponseXml, NS, STATUS, type Delivery } from './saml-xml.js';
import * as errors from './saml.errors.js';

export type SloOutcome =
  | { readonly kind: 'deliver'; readonly delivery: Delivery }
  | { readonly kind: 'done'; readonly terminatedSessions: number };

function texts(root: XmlElement, ns: string, localName: string): string[] {
  const list = root.getElementsByTagNameNS(ns, localName);
  return Array.from({ length: list.length }, (_, i) => list[i].textContent?.trim() ?? '').filter(Boolean);
}

/**
 * Single Logout (SAML profiles §4.4), SP-initiated. A LogoutRequest ends the Portcullis sessions
 * that logged the NameID in at that SP (only the ones its SessionIndex names, when it names any)
 * and is answered with a signed LogoutResponse (Success) to the SP's SingleLogoutService. Other
 * SPs the same sessions reached are not sent LogoutRequests (IdP-to-SP propagation is not built),
 * so LogoutResponses that arrive are checked and acknowledged, nothing more.
 */
@Injectable()
export class SamlLogoutService {
  constructor(
    private readonly tx: Transactions,
    private readonly certs: SamlCertificates,
    private readonly login: SamlLoginService,
    private readonly sessions: SessionsService,
  ) {}

  async receive(site: Site, msg: InboundMessage, requestId: string): Promise<SloOutcome> {
    const isResponse = !!msg.params.SAMLResponse;
    const encoded = msg.params.SAMLRequest ?? msg.params.SAMLResponse;
    if (!encoded) throw errors.missingMessage();
    const { root, sp, spDesc, urls } = await this.login.inbound(
      site,
      msg,
      encoded,
      isResponse ? 'logoutResponse' : 'logoutRequest',
    );
    const destination = root.getAttribute('Destination');
    if (destination && destination !== urls.slo) throw errors.wrongDestination();
    if (isResponse) return { kind: 'done', terminatedSessions: 0 };

    const nameId = texts(root, NS.assertion, 'NameID')[0];
    const sessionIndexes = texts(root, NS.protocol, 'SessionIndex');
    const rows: { session_id: string }[] = nameId
      ? await this.tx.reader.query(
          `SELECT DISTINCT session_id FROM saml_requests
            WHERE instance_id = $1 AND issuer = $2 AND state = 'answered' AND name_id = $3 AND session_id IS NOT NULL
              AND (cardinality($4::text[]) = 0 OR id = ANY($4::text[]))`,
          [site.instance.id, sp.entityId, nameId, sessionIndexes],
        )
      : [];
    let terminated = 0;
    // The SP's LogoutRequest is answered as the login client (session.delete), not as the system.
    const caller = loginClientCaller(site.instance, requestId, site.origin);
    for (const { session_id } of rows) {
      try {
        await this.sessions.delete(caller, session_id, undefined); // writes session.terminated
        terminated++;
      } catch (err) {
        if (!isError(err, SESSION_ERRORS.sessionNotFound)) throw err; // already ended
      }
    }

    const slo = resolveSlo(spDesc, msg.binding);
    if (!slo) return { kind: 'done', terminatedSessions: terminated };
    const key = await this.certs.signing(site.instance.id, site.instance.name);
    const response = logoutResponseXml({
      idpEntityId: urls.entityId,
      destination: slo.location,
      inResponseTo: root.getAttribute('ID') ?? '',
      status: STATUS.success,
      now: new Date(),
    });
    return {
      kind: 'deliver',
      delivery: await deliver(slo.binding, slo.location, 'SAMLResponse', response, msg.params.RelayState ?? '', key, {
        signAssertion: false,
      }),
    };
  }
}
