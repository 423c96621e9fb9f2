import {
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  errorIds,
} from '../platform/errors/domain-error.js';

// ---- SAMLService (login UI) --------------------------------------------------------------------

/** Stable ids of these errors, for matching a caught one: `isError(err, SAML_ERRORS.samlRequestNotFound)`. */
export const SAML_ERRORS = errorIds({
  samlRequestNotFound: 'SAML-r3qnf',
  samlRequestAnswered: 'SAML-4nsw3',
  samlRequestExpired: 'SAML-3xp1r',
  samlRequestDenied: 'SAML-d3n1d',
  responseKindMissing: 'SAML-k1nd0',
  serviceProviderGone: 'SAML-sp0ff',
  missingMessage: 'SAML-m1ss0',
  malformedMessage: 'SAML-m4lf0',
  doctypeRefused: 'SAML-dtd00',
  schemaInvalid: 'SAML-xsd00',
  versionMismatch: 'SAML-v3rs0',
  wrongMessageType: 'SAML-typ00',
  requestStale: 'SAML-st4l3',
  wrongDestination: 'SAML-d3st0',
  replayedRequest: 'SAML-r3pl4',
  idpInitiatedOff: 'SAML-1dp1n',
  unsupportedBinding: 'SAML-b1nd0',
  unknownIssuer: 'SAML-1ssu0',
  signatureRequired: 'SAML-s1gr0',
  signatureInvalid: 'SAML-s1g00',
  acsNotRegistered: 'SAML-4cs00',
});
const E = SAML_ERRORS;

export const samlRequestNotFound = () => NotFound(E.samlRequestNotFound, 'SAML request not found');
export const samlRequestAnswered = () =>
  FailedPrecondition(E.samlRequestAnswered, 'the SAML request has already been answered');
export const samlRequestExpired = () =>
  FailedPrecondition(
    E.samlRequestExpired,
    'the SAML request has expired; the user must start again at the service provider',
  );
export const samlRequestDenied = () =>
  PermissionDenied(
    E.samlRequestDenied,
    'no permission to read SAML requests: session.link (IAM_LOGIN_CLIENT) required on the instance',
  );
export const responseKindMissing = () =>
  InvalidArgument(E.responseKindMissing, 'invalid response_kind: either session or error is required', [
    { field: 'response_kind', description: 'either session or error is required' },
  ]);
export const serviceProviderGone = () =>
  FailedPrecondition(
    E.serviceProviderGone,
    'the service provider of this SAML request no longer exists or is deactivated',
  );

// ---- the SAML endpoints (browser-facing: shown on the error page with the id) -----------------
export const missingMessage = () =>
  InvalidArgument(E.missingMessage, 'the request carries no SAMLRequest or SAMLResponse parameter');
export const malformedMessage = () =>
  InvalidArgument(E.malformedMessage, 'the SAML message is not valid base64 / DEFLATE encoded XML');
export const doctypeRefused = () =>
  InvalidArgument(
    E.doctypeRefused,
    'the SAML message contains a DOCTYPE; document type declarations and entities are refused (XXE)',
  );
export const schemaInvalid = () =>
  InvalidArgument(E.schemaInvalid, 'the SAML message does not validate against the SAML 2.0 schemas');
export const versionMismatch = () =>
  InvalidArgument(E.versionMismatch, 'only SAML 2.0 messages (Version="2.0") are accepted');
export const wrongMessageType = () =>
  InvalidArgument(E.wrongMessageType, 'this endpoint does not accept this kind of SAML message');
export const requestStale = () =>
  InvalidArgument(
    E.requestStale,
    "the AuthnRequest's IssueInstant is too far from now (allowed: the clock skew plus the request lifetime)",
  );
export const wrongDestination = () =>
  InvalidArgument(E.wrongDestination, "the message's Destination is not this endpoint");
export const replayedRequest = () =>
  InvalidArgument(E.replayedRequest, 'an AuthnRequest with this ID was already received from this service provider');
export const idpInitiatedOff = () =>
  FailedPrecondition(E.idpInitiatedOff, 'IdP-initiated login is not enabled; start the login at the service provider');
export const unsupportedBinding = () =>
  FailedPrecondition(
    E.unsupportedBinding,
    'the service provider has no assertion consumer service with an HTTP-POST or HTTP-Redirect binding',
  );
export const unknownIssuer = () =>
  PermissionDenied(
    E.unknownIssuer,
    'the service provider is not registered, or its application, project or organization is deactivated',
  );
export const signatureRequired = () =>
  PermissionDenied(
    E.signatureRequired,
    'the service provider signs its requests (AuthnRequestsSigned) but this message carries no signature',
  );
export const signatureInvalid = () =>
  PermissionDenied(
    E.signatureInvalid,
    "the signature of the SAML message does not verify with the service provider's certificate",
  );
export const acsNotRegistered = () =>
  PermissionDenied(
    E.acsNotRegistered,
    "the AssertionConsumerServiceURL or index is not one the service provider's metadata registers",
  );
