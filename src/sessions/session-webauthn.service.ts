import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@bufbuild/protobuf';
import type { EntityManager } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { simpleWebAuthn } from '../platform/modules/lazy-module.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { originAllowed, relyingPartyId } from '../users/mfa/relying-party.js';
import type { UserVerification } from './session.entity.js';
import {
  SESSION_ERRORS,
  webAuthnAssertionInvalid,
  webAuthnChallengeExpired,
  webAuthnNoCredentials,
  webAuthnNotChallenged,
} from './sessions.errors.js';
import { assertionOf, assertionOrigin } from './webauthn-assertion.js';
import { WebAuthnCredentialQueries, type WebAuthnKind } from '../users/mfa/webauthn-credentials.queries.js';

/** How long the browser may take, and so how long the stored challenge is valid. */
const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;

/** The WebAuthn challenge a session keeps until it is answered. */
export interface StoredChallenge {
  readonly challenge: string;
  readonly rpId: string;
  readonly userVerification: UserVerification;
  readonly expiresAt: Date;
}

export interface VerifiedAssertion {
  /** Our id of the credential (user_webauthn_credentials.id). */
  readonly tokenId: string;
  readonly kind: 'passkey' | 'u2f';
  readonly newCounter: number;
  readonly userVerified: boolean;
}

/**
 * Passkeys sign in alone, so an assertion that must verify the user takes passkeys only; one that
 * need not (a second factor) takes U2F security keys and passkeys alike.
 */
function kindsFor(userVerification: UserVerification): WebAuthnKind[] {
  return userVerification === 'required' ? ['passkey'] : ['passkey', 'u2f'];
}

/** WebAuthn assertions of a session (W3C WebAuthn Level 2 §7.2), against the user's stored credentials. */
@Injectable()
export class SessionWebAuthn {
  constructor(
    private readonly config: Config,
    private readonly credentials: WebAuthnCredentialQueries,
  ) {}

  /** Assertion options for `navigator.credentials.get()`: `{ publicKey: … }`, and the challenge to keep. */
  async challenge(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    request: { readonly domain: string; readonly userVerification: UserVerification },
  ): Promise<{ options: JsonObject; stored: StoredChallenge }> {
    const rpId = relyingPartyId(request.domain, '', await this.instanceDomains(tx, instanceId));
    if (!rpId) {
      throw invalidField(
        SESSION_ERRORS.relyingPartyInvalid,
        'challenges.web_auth_n.domain',
        `"${request.domain}" is neither a domain of this instance nor a parent domain of one`,
      );
    }
    const credentials = await this.credentials.allowed(
      tx,
      instanceId,
      userId,
      rpId,
      kindsFor(request.userVerification),
    );
    if (!credentials.length) throw webAuthnNoCredentials();
    const options = await (await simpleWebAuthn()).generateAuthenticationOptions({
      rpID: rpId,
      allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
      userVerification: request.userVerification,
      timeout: CEREMONY_TIMEOUT_MS,
    });
    return {
      // A Struct holds JSON only: drop the `undefined` members the library leaves in.
      options: { publicKey: JSON.parse(JSON.stringify(options)) as JsonObject },
      stored: {
        challenge: options.challenge,
        rpId,
        userVerification: request.userVerification,
        expiresAt: new Date(Date.now() + CEREMONY_TIMEOUT_MS),
      },
    };
  }

  /**
   * Checks the browser's assertion against the stored challenge and the user's credential: origin
   * within the RP id and on a domain of the instance, signature, user verification when required,
   * and a sign counter that moved on (the caller stores `newCounter`).
   */
  async verify(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    challenge: StoredChallenge | undefined,
    credentialAssertion: JsonObject,
  ): Promise<VerifiedAssertion> {
    if (!challenge) throw webAuthnNotChallenged();
    if (challenge.expiresAt.getTime() <= Date.now()) throw webAuthnChallengeExpired();
    const assertion = assertionOf(credentialAssertion);
    const origin = assertionOrigin(assertion);
    if (!originAllowed(origin, challenge.rpId, await this.instanceDomains(tx, instanceId), this.config.externalUrl)) {
      throw webAuthnAssertionInvalid(`the origin ${origin} is not a domain of this instance within ${challenge.rpId}`);
    }
    const credential = await this.credentials.forAssertion(
      tx,
      instanceId,
      userId,
      assertion.id,
      challenge.rpId,
      kindsFor(challenge.userVerification),
    );
    if (!credential)
      throw webAuthnAssertionInvalid(
        "the credential is not one of the user's passkeys or security keys for this domain",
      );
    let verified;
    try {
      verified = await (await simpleWebAuthn()).verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: challenge.challenge,
        expectedOrigin: origin,
        expectedRPID: challenge.rpId,
        credential: {
          id: assertion.id,
          publicKey: new Uint8Array(credential.publicKey),
          counter: Number(credential.signCount),
          transports: credential.transports as never,
        },
        requireUserVerification: challenge.userVerification === 'required',
      });
    } catch (err) {
      throw webAuthnAssertionInvalid((err as Error).message);
    }
    if (!verified.verified) throw webAuthnAssertionInvalid('the assertion could not be verified');
    return {
      tokenId: credential.id,
      kind: credential.kind,
      newCounter: verified.authenticationInfo.newCounter,
      userVerified: verified.authenticationInfo.userVerified,
    };
  }

  async storeCounter(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    assertion: VerifiedAssertion,
  ): Promise<void> {
    await this.credentials.storeSignCount(tx, instanceId, userId, assertion.tokenId, assertion.newCounter);
  }

  private async instanceDomains(db: EntityManager, instanceId: string): Promise<string[]> {
    const rows: { domain: string }[] = await db.query(`SELECT domain FROM instance_domains WHERE instance_id = $1`, [
      instanceId,
    ]);
    return rows.map((r) => r.domain);
  }
}
