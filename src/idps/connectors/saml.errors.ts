import { FailedPrecondition, InvalidArgument, NotFound, errorIds } from '../../platform/errors/domain-error.js';

/** Stable ids of the SAML connector's refusals: `isError(err, SAML_IDP_ERRORS.responseInvalid)`. */
export const SAML_IDP_ERRORS = errorIds({
  metadataInvalid: 'IDPSAML-m3t4d',
  bindingUnsupported: 'IDPSAML-b1nd0',
  signingKeyMissing: 'IDPSAML-k3y00',
  responseInvalid: 'IDPSAML-r3sp0',
  missingMappingAttribute: 'IDPSAML-tr4ns',
  providerNotFound: 'IDPSAML-n0idp',
});
const E = SAML_IDP_ERRORS;

/** The template's IdP metadata cannot be used (not XML, no SSO endpoint, no signing certificate). */
export const samlMetadataInvalid = (why: string) =>
  FailedPrecondition(E.metadataInvalid, `the SAML provider's metadata is unusable: ${why}`);

export const samlBindingUnsupported = (binding: string) =>
  FailedPrecondition(E.bindingUnsupported, `the SAML provider offers no single sign-on service for binding ${binding}`);

export const samlSigningKeyMissing = () =>
  FailedPrecondition(E.signingKeyMissing, 'the SAML provider signs requests but has no key pair');

/**
 * ZITADEL's Errors.Intent.ResponseInvalid: the answer posted to the ACS did not pass (signature,
 * audience, InResponseTo, validity window, destination). The reason stays in the server; the
 * caller learns only that the response was refused.
 */
export const samlResponseInvalid = () => InvalidArgument(E.responseInvalid, 'the SAML response is invalid');

/** ZITADEL's Errors.Intent.MissingSingleMappingAttribute (transient NameID without its mapping attribute). */
export const samlMissingMappingAttribute = () =>
  InvalidArgument(
    E.missingMappingAttribute,
    'the SAML assertion has a transient or no NameID and not exactly one value of the mapping attribute',
  );

/** No SAML provider with this id in the instance (its SP metadata is asked for). */
export const samlProviderNotFound = () => NotFound(E.providerNotFound, 'no SAML identity provider with this id');
