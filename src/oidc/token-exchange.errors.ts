import type { OAuthErrorsOf } from '../platform/errors/error-mapping.js';

/**
 * Why a token exchange (RFC 8693) is refused: an OAuth error code (RFC 6749 §5.2, RFC 8693
 * §2.2.2) and a stable id, mapped to the token endpoint's answer once (`toOAuthError`).
 */
export type ExchangeErrorCode = OAuthErrorsOf<'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'invalid_target'>;

export const TOKEN_EXCHANGE_ERRORS = {
  missingToken: 'OIDC-txm1s',
  unsupportedTokenType: 'OIDC-txtyp',
  unsupportedRequestedType: 'OIDC-txrtt',
  actorRequired: 'OIDC-tx4ct',
  resourceUnsupported: 'OIDC-txr3s',
  tokenInvalid: 'OIDC-tx1nv',
  notForClient: 'OIDC-tx4ud',
  noClientKeys: 'OIDC-txk3y',
  userInactive: 'OIDC-txus3',
  impersonationDisabled: 'OIDC-tx1md',
  impersonationDenied: 'OIDC-tx1mp',
  scopeNotHeld: 'OIDC-txsc0',
  audienceNotHeld: 'OIDC-txt4r',
  bindingNotProven: 'OIDC-txdp0',
  featureDisabled: 'OIDC-txf0f',
} as const;

export class TokenExchangeRefusal extends Error {
  constructor(
    readonly error: ExchangeErrorCode,
    readonly id: string,
    readonly description: string,
  ) {
    super(`${description} (${id})`);
    this.name = 'TokenExchangeRefusal';
  }
}

const E = TOKEN_EXCHANGE_ERRORS;
const refuse = (error: ExchangeErrorCode, id: string, description: string) =>
  new TokenExchangeRefusal(error, id, description);

export const missingToken = (param: string) =>
  refuse('invalid_request', E.missingToken, `${param} and ${param}_type are required`);
export const unsupportedTokenType = (param: string, type: string) =>
  refuse('invalid_request', E.unsupportedTokenType, `${param}_type ${type} is not supported here`);
export const unsupportedRequestedType = (type: string, supported: string) =>
  refuse(
    'invalid_request',
    E.unsupportedRequestedType,
    `requested_token_type ${type} is not supported; ask for ${supported}`,
  );
export const actorRequired = (subjectType: string) =>
  refuse(
    'invalid_request',
    E.actorRequired,
    `a subject_token of type ${subjectType} needs an actor_token (impersonation)`,
  );
export const resourceUnsupported = () =>
  refuse(
    'invalid_target',
    E.resourceUnsupported,
    'the resource parameter is not supported; name audiences with audience',
  );
export const tokenInvalid = (param: string) =>
  refuse(
    'invalid_grant',
    E.tokenInvalid,
    `the ${param} is not a valid, unexpired and unrevoked token of this instance`,
  );
export const notForClient = (param: string) =>
  refuse(
    'invalid_grant',
    E.notForClient,
    `the ${param} was not issued to this client: its audience names neither the client nor its project`,
  );
export const noClientKeys = () =>
  refuse(
    'invalid_grant',
    E.noClientKeys,
    'a JWT subject_token is verified with the client’s registered keys, and this client has none',
  );
export const userInactive = (param: string) =>
  refuse('invalid_grant', E.userInactive, `the user of the ${param} is not active`);
export const impersonationDisabled = () =>
  refuse('invalid_grant', E.impersonationDisabled, 'impersonation is disabled in the security settings');
export const impersonationDenied = () =>
  refuse(
    'invalid_grant',
    E.impersonationDenied,
    'the actor may not impersonate this user (permission user.impersonation (role IAM_END_USER_IMPERSONATOR or ORG_END_USER_IMPERSONATOR) required)',
  );
export const scopeNotHeld = (scope: string) =>
  refuse(
    'invalid_scope',
    E.scopeNotHeld,
    `scope "${scope}" is not held by the subject or actor token; a token exchange cannot widen scopes`,
  );
export const bindingNotProven = (param: string) =>
  refuse(
    'invalid_grant',
    E.bindingNotProven,
    `the ${param} is DPoP-bound: send a DPoP proof of its key with the exchange (RFC 9449)`,
  );
export const audienceNotHeld = (audience: string) =>
  refuse('invalid_target', E.audienceNotHeld, `audience "${audience}" is not held by the subject or actor token`);
/** ZITADEL's Errors.TokenExchange.FeatureDisabled (a precondition, answered as invalid_request). */
export const featureDisabled = () =>
  refuse(
    'invalid_request',
    E.featureDisabled,
    'token exchange is disabled on this instance; enable the oidcTokenExchange feature (FeatureService)',
  );
