import { DomainError } from '../../platform/errors/domain-error.js';
import { CALLER_LIMITED_ID } from '../../platform/auth/auth.errors.js';
import { SESSION_ERRORS, SESSION_TOKEN_NOT_ACCEPTED_ID } from '../../sessions/sessions.errors.js';
import {
  LOGIN_LINK_DENIED_ID,
  LOGIN_MFA_REQUIRED_ID,
  LOGIN_NOT_AUTHENTICATED_ID,
  LOGIN_PASSWORD_CHANGE_ID,
  LOGIN_TOO_OLD_ID,
} from '../../sessions/login-handoff.js';
import { OIDC_ERRORS } from '../../oidc/oidc.errors.js';
import { SAML_ERRORS } from '../../saml/saml.errors.js';
import { CODE_CHECKS_RATE_LIMITED, CODE_SPENT } from '../../users/users.errors.js';
import { MFA_ERRORS } from '../../users/mfa/mfa.errors.js';
import type { MessageKey } from '../login.i18n.js';
import { LoginProblem } from '../login.service.js';

// What the pages tell the user for the domain errors of the services they call.

/**
 * What to tell the holder of a link whose code did not work: the known problems' words (a spent
 * code, too many tries), else `fallback` for any refusal of the code or the user; server faults
 * are not the link's problem.
 */
export function linkProblem(err: unknown, fallback: MessageKey): MessageKey | undefined {
  if (!(err instanceof DomainError)) return undefined;
  return (
    problemKey(err) ?? (['InvalidArgument', 'FailedPrecondition', 'NotFound'].includes(err.kind) ? fallback : undefined)
  );
}

/** The words for the errors of the services that the user (not the server) can act on. */
const MESSAGE_BY_ID: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  [OIDC_ERRORS.authRequestNotFound, 'error.authRequest'],
  [OIDC_ERRORS.authRequestIdMissing, 'error.authRequest'],
  [OIDC_ERRORS.clientInactive, 'error.authRequest'],
  [OIDC_ERRORS.deviceRequestNotFound, 'error.deviceCode'],
  [OIDC_ERRORS.deviceRequestIdMissing, 'error.deviceCode'],
  [OIDC_ERRORS.wrongOrg, 'error.wrongOrg'],
  [OIDC_ERRORS.noProjectAccess, 'error.noAccess'],
  [SESSION_ERRORS.sessionTokenInvalid, 'error.session'],
  [SESSION_ERRORS.sessionExpired, 'error.session'],
  [SESSION_ERRORS.sessionNotFound, 'error.session'],
  [SESSION_ERRORS.userNotFound, 'error.session'],
  [SESSION_ERRORS.userLocked, 'error.locked'],
  [SESSION_ERRORS.userNotActive, 'error.inactive'],
  [SESSION_ERRORS.passwordNotSet, 'error.noPassword'],
  [LOGIN_MFA_REQUIRED_ID, 'error.mfaSetup'],
  [LOGIN_NOT_AUTHENTICATED_ID, 'error.session'],
  [LOGIN_TOO_OLD_ID, 'error.session'],
  [LOGIN_LINK_DENIED_ID, 'error.session'],
  [LOGIN_PASSWORD_CHANGE_ID, 'error.session'],
  [SESSION_TOKEN_NOT_ACCEPTED_ID, 'error.session'],
  [CALLER_LIMITED_ID, 'error.session'],
  [SAML_ERRORS.samlRequestNotFound, 'error.authRequest'],
  [SAML_ERRORS.samlRequestAnswered, 'error.authRequest'],
  [SAML_ERRORS.samlRequestExpired, 'error.authRequest'],
  [SAML_ERRORS.serviceProviderGone, 'error.authRequest'],
  [CODE_SPENT, 'error.codeSpent'],
  [CODE_CHECKS_RATE_LIMITED, 'error.tooMany'],
]);

/** What the page says for a failed step: a LoginProblem's own words, or those of a known domain error id. */
export function problemKey(err: unknown): MessageKey | undefined {
  if (err instanceof LoginProblem) return err.key;
  if (!(err instanceof DomainError)) return undefined;
  return MESSAGE_BY_ID.get(err.id);
}

/** The failed attempts a CredentialsCheckError detail carries, when the lockout policy shows them. */
export function failedAttempts(err: DomainError): number | undefined {
  const detail = err.details.find((d) => d.desc.typeName === 'zitadel.v1.CredentialsCheckError');
  return detail ? (detail.value as unknown as { failedAttempts: number }).failedAttempts : undefined;
}

/** A passkey or security key registration that did not verify: the page asks to try again. */
export const WEBAUTHN_REGISTRATION_FAILED = [
  MFA_ERRORS.webAuthnNotFound,
  MFA_ERRORS.webAuthnAlreadyVerified,
  MFA_ERRORS.webAuthnChallengeExpired,
  MFA_ERRORS.webAuthnCredentialInvalid,
  MFA_ERRORS.webAuthnCredentialTaken,
];
