import {
  errorIds,
  FailedPrecondition,
  invalidField,
  InvalidArgument,
  NotFound,
  Unimplemented,
} from '../platform/errors/domain-error.js';

/** Stable ids of the sign-in intents' errors: `isError(err, INTENT_ERRORS.intentExpired)`. */
export const INTENT_ERRORS = errorIds({
  idpNotFound: 'IDPINT-n0idp',
  kindNotBuilt: 'IDPINT-k1nd0',
  wrongFlow: 'IDPINT-fl0w0',
  invalidUrl: 'IDPINT-url00',
  intentNotFound: 'IDPINT-n0tfd',
  intentNotStarted: 'IDPINT-n0str',
  intentNotSucceeded: 'IDPINT-n0suc',
  intentExpired: 'IDPINT-3xp1r',
  invalidToken: 'IDPINT-t0ken',
  stateMissing: 'IDPINT-st4t3',
  upstreamFailed: 'IDPINT-upstr',
  loginFailed: 'IDPINT-l0gin',
  wrongCallback: 'IDPINT-cb4ck',
});
const E = INTENT_ERRORS;

/** No active provider of that id in this instance (ZITADEL: Errors.IDPConfig.NotExisting, a precondition). */
export const idpNotFound = () =>
  FailedPrecondition(E.idpNotFound, 'the identity provider does not exist or is not active');
export const kindNotBuilt = (kind: string) =>
  Unimplemented(E.kindNotBuilt, `sign-in through ${kind} providers is not available`);
/** E.g. LDAP credentials for an OIDC provider, or redirect URLs for LDAP (ZITADEL: IDPTypeNotImplemented). */
export const wrongFlow = (message: string) => InvalidArgument(E.wrongFlow, message);
export const invalidUrl = (field: string) => invalidField(E.invalidUrl, field, 'must be an absolute http or https URL');
export const intentNotFound = () => NotFound(E.intentNotFound, 'the intent does not exist');
export const intentNotStarted = () =>
  FailedPrecondition(E.intentNotStarted, 'the intent is not waiting for the identity provider');
export const intentNotSucceeded = () => FailedPrecondition(E.intentNotSucceeded, 'the intent has not succeeded');
export const intentExpired = () => FailedPrecondition(E.intentExpired, 'the intent has expired');
/** Wrong token, or a token of another intent: said the same way as a missing intent's token. */
export const invalidToken = () => InvalidArgument(E.invalidToken, 'the intent token is invalid');
export const stateMissing = () => InvalidArgument(E.stateMissing, 'the callback carries no state');
export const upstreamFailed = (reason: string) =>
  FailedPrecondition(E.upstreamFailed, `the identity provider's answer was refused: ${reason}`);
/** LDAP: wrong username or password, or no single entry (ZITADEL: Errors.User.ExternalIDP.LoginFailed). */
export const loginFailed = () => InvalidArgument(E.loginFailed, 'the identity provider refused the credentials');
/** A SAML response posted to /idps/callback, or another kind's answer posted to a SAML ACS. */
export const wrongCallback = () =>
  InvalidArgument(E.wrongCallback, "the answer did not come back to this identity provider's callback URL");
