import { errors } from 'oidc-provider';

/**
 * oidc-provider's invalid_grant says only "grant request is invalid"; Portcullis says why, as
 * the rest of its errors do (no secret is ever part of the reason).
 */
export function invalidGrant(description: string): errors.OIDCProviderError {
  return Object.assign(new errors.InvalidGrant(), { error_description: description, expose: true });
}
