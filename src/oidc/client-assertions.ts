import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AssertionRelay } from './assertion-relay.js';
import {
  ASSERTION_CLOCK_TOLERANCE_SECONDS,
  ClientAssertionRefusal,
  assertionClient,
  assertionNotSigned,
  malformedAssertion,
} from './client-assertion.rules.js';
import { OidcClients } from './oidc-clients.js';

/** Algorithms a registered key may sign an assertion with (no HMAC: apps have no shared key). */
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Where a client assertion is presented: the instance, its issuer and the endpoint's URL. */
export interface AssertionTarget {
  readonly instanceId: string;
  readonly issuer: string;
  readonly endpoint: string;
}

/** Checks client assertions by ZITADEL's rules and swaps them for stand-ins (see AssertionRelay). */
@Injectable()
export class ClientAssertions {
  constructor(
    private readonly standIns: AssertionRelay,
    private readonly clients: OidcClients,
  ) {}

  /**
   * Checks the client assertion of a client-authenticated request and replaces it in `form` by
   * a stand-in (answering the client it names), or says why it is refused. A form without
   * exactly one assertion is left to the provider (undefined), which refuses duplicates.
   */
  async relay(
    target: AssertionTarget,
    form: URLSearchParams,
  ): Promise<{ clientId: string } | ClientAssertionRefusal | undefined> {
    const presented = form.getAll('client_assertion');
    if (presented.length !== 1) return undefined;
    const verified = await this.verify(target, presented[0]);
    if (verified instanceof ClientAssertionRefusal) return verified;
    form.set('client_assertion', await this.standIns.standIn(target.instanceId, target.issuer, verified.clientId));
    return verified;
  }

  private async verify(
    target: AssertionTarget,
    assertion: string,
  ): Promise<{ clientId: string } | ClientAssertionRefusal> {
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(assertion);
    } catch {
      return malformedAssertion();
    }
    const audiences = [target.issuer, target.endpoint, `${target.issuer}/oauth/v2/token`];
    const named = assertionClient(claims, { now: Math.floor(Date.now() / 1000), audiences });
    if (named instanceof ClientAssertionRefusal) return named;
    const jwks = await this.clients.registeredKeys(target.instanceId, named.clientId);
    if (!jwks?.keys.length) return assertionNotSigned();
    try {
      await jwtVerify(assertion, createLocalJWKSet(jwks), {
        algorithms: ASSERTION_ALGS,
        clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
      });
    } catch {
      return assertionNotSigned();
    }
    return named;
  }
}
