import { FailedPrecondition, InvalidArgument, NotFound, PermissionDenied } from '../platform/errors/domain-error.js';

// ---- SAMLService (login UI) --------------------------------------------------------------------
export const SAML_REQUEST_NOT_FOUND_ID = 'SAML-r3qnf';
export const samlRequestNotFound = () => NotFound(SAML_REQUEST_NOT_FOUND_ID, 'SAML request not found');
export const SAML_REQUEST_ANSWERED_ID = 'SAML-4nsw3';
export const samlRequestAnswered = () =>
  FailedPrecondition(SAML_REQUEST_ANSWERED_ID, 'the SAML request has already been answered');
export const SAML_REQUEST_EXPIRED_ID = 'SAML-3xp1r';
export const samlRequestExpired = () =>
  FailedPrecondition(
    SAML_REQUEST_EXPIRED_ID,
    'the SAML request has expired; the user must start again at the service provider',
  );
export const samlRequestDenied = () =>
  PermissionDenied(
    'SAML-d3n1d',
    'no permission to read SAML requests: session.link (IAM_LOGIN_CLIENT) required on the instance',
  );
export const responseKindMissing = () =>
  InvalidArgument('SAML-k1nd0', 'invalid response_kind: either session or error is required', [
    { field: 'response_kind', description: 'either session or error is required' },
  ]);
export const SERVICE_PROVIDER_GONE_ID = 'SAML-sp0ff';
export const serviceProviderGone = () =>
  FailedPrecondition(
    SERVICE_PROVIDER_GONE_ID,
    'the service provider of this SAML request no longer exists or is deactivated',
  );

// ---- the SAML endpoints (browser-facing: shown on the error page with the id) -----------------
export const missingMessage = () =>
  InvalidArgument('SAML-m1ss0', 'the request carries no SAMLRequest or SAMLResponse parameter');
export const malformedMessage = () =>
  InvalidArgument('SAML-m4lf0', 'the SAML message is not valid base64 / DEFLATE encoded XML');
export const doctypeRefused = () =>
  InvalidArgument(
    'SAML-dtd00',
    'the SAML message contains a DOCTYPE; document type declarations and entities are refused (XXE)',
  );
export const schemaInvalid = () =>
  InvalidArgument('SAML-xsd00', 'the SAML message does not validate against the SAML 2.0 schemas');
export const versionMismatch = () =>
  InvalidArgument('SAML-v3rs0', 'only SAML 2.0 messages (Version="2.0") are accepted');
export const wrongMessageType = () =>
  InvalidArgument('SAML-typ00', 'this endpoint does not accept this kind of SAML message');
export const requestStale = () =>
  InvalidArgument(
    'SAML-st4l3',
    "the AuthnRequest's IssueInstant is too far from now (allowed: the clock skew plus the request lifetime)",
  );
export const wrongDestination = () => InvalidArgument('SAML-d3st0', "the message's Destination is not this endpoint");
export const replayedRequest = () =>
  InvalidArgument('SAML-r3pl4', 'an AuthnRequest with this ID was already received from this service provider');
export const idpInitiatedOff = () =>
  FailedPrecondition('SAML-1dp1n', 'IdP-initiated login is not enabled; start the login at the service provider');
export const unsupportedBinding = () =>
  FailedPrecondition(
    'SAML-b1nd0',
    'the service provider has no assertion consumer service with an HTTP-POST or HTTP-Redirect binding',
  );
export const unknownIssuer = () =>
  PermissionDenied(
    'SAML-1ssu0',
    'the service provider is not registered, or its application, project or organization is deactivated',
  );
export const signatureRequired = () =>
  PermissionDenied(
    'SAML-s1gr0',
    'the service provider signs its requests (AuthnRequestsSigned) but this message carries no signature',
  );
export const signatureInvalid = () =>
  PermissionDenied(
    'SAML-s1g00',
    "the signature of the SAML message does not verify with the service provider's certificate",
  );
export const acsNotRegistered = () =>
  PermissionDenied(
    'SAML-4cs00',
    "the AssertionConsumerServiceURL or index is not one the service provider's metadata registers",
  );
