import { DomainError } from '../../platform/errors/domain-error.js';
import { CALLER_LIMITED_ID } from '../../platform/auth/auth.errors.js';
import {
  PASSWORD_NOT_SET_ID,
  SESSION_EXPIRED_ID,
  SESSION_NOT_FOUND_ID,
  SESSION_TOKEN_INVALID_ID,
  SESSION_TOKEN_NOT_ACCEPTED_ID,
  USER_LOCKED_ID,
  USER_NOT_ACTIVE_ID,
  USER_NOT_FOUND_ID,
} from '../../sessions/sessions.errors.js';
import {
  LOGIN_LINK_DENIED_ID,
  LOGIN_MFA_REQUIRED_ID,
  LOGIN_NOT_AUTHENTICATED_ID,
  LOGIN_PASSWORD_CHANGE_ID,
  LOGIN_TOO_OLD_ID,
} from '../../sessions/login-handoff.js';
import {
  AUTH_REQUEST_ID_MISSING_ID,
  AUTH_REQUEST_NOT_FOUND_ID,
  CLIENT_INACTIVE_ID,
  DEVICE_REQUEST_ID_MISSING_ID,
  DEVICE_REQUEST_NOT_FOUND_ID,
  NO_PROJECT_ACCESS_ID,
  WRONG_ORG_ID,
} from '../../oidc/oidc.errors.js';
import {
  SAML_REQUEST_ANSWERED_ID,
  SAML_REQUEST_EXPIRED_ID,
  SAML_REQUEST_NOT_FOUND_ID,
  SERVICE_PROVIDER_GONE_ID,
} from '../../saml/saml.errors.js';
import { NO_DELIVERY_CHANNEL_ID } from '../../notifications/notifications.errors.js';
import { CODE_CHECKS_RATE_LIMITED, CODE_SPENT } from '../../users/users.errors.js';
import {
  WEBAUTHN_ALREADY_VERIFIED_ID,
  WEBAUTHN_CREDENTIAL_INVALID_ID,
  WEBAUTHN_CREDENTIAL_TAKEN_ID,
  WEBAUTHN_NOT_FOUND_ID,
  WEBAUTHN_REGISTRATION_EXPIRED_ID,
} from '../../users/mfa/mfa.errors.js';
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
  [AUTH_REQUEST_NOT_FOUND_ID, 'error.authRequest'],
  [AUTH_REQUEST_ID_MISSING_ID, 'error.authRequest'],
  [CLIENT_INACTIVE_ID, 'error.authRequest'],
  [DEVICE_REQUEST_NOT_FOUND_ID, 'error.deviceCode'],
  [DEVICE_REQUEST_ID_MISSING_ID, 'error.deviceCode'],
  [WRONG_ORG_ID, 'error.wrongOrg'],
  [NO_PROJECT_ACCESS_ID, 'error.noAccess'],
  [SESSION_TOKEN_INVALID_ID, 'error.session'],
  [SESSION_EXPIRED_ID, 'error.session'],
  [SESSION_NOT_FOUND_ID, 'error.session'],
  [USER_NOT_FOUND_ID, 'error.session'],
  [USER_LOCKED_ID, 'error.locked'],
  [USER_NOT_ACTIVE_ID, 'error.inactive'],
  [PASSWORD_NOT_SET_ID, 'error.noPassword'],
  [LOGIN_MFA_REQUIRED_ID, 'error.mfaSetup'],
  [LOGIN_NOT_AUTHENTICATED_ID, 'error.session'],
  [LOGIN_TOO_OLD_ID, 'error.session'],
  [LOGIN_LINK_DENIED_ID, 'error.session'],
  [LOGIN_PASSWORD_CHANGE_ID, 'error.session'],
  [SESSION_TOKEN_NOT_ACCEPTED_ID, 'error.session'],
  [CALLER_LIMITED_ID, 'error.session'],
  [SAML_REQUEST_NOT_FOUND_ID, 'error.authRequest'],
  [SAML_REQUEST_ANSWERED_ID, 'error.authRequest'],
  [SAML_REQUEST_EXPIRED_ID, 'error.authRequest'],
  [SERVICE_PROVIDER_GONE_ID, 'error.authRequest'],
  [NO_DELIVERY_CHANNEL_ID, 'error.emailDelivery'],
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
  WEBAUTHN_NOT_FOUND_ID,
  WEBAUTHN_ALREADY_VERIFIED_ID,
  WEBAUTHN_REGISTRATION_EXPIRED_ID,
  WEBAUTHN_CREDENTIAL_INVALID_ID,
  WEBAUTHN_CREDENTIAL_TAKEN_ID,
];
