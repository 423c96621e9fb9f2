import { FailedPrecondition, Unavailable, errorIds } from '../../platform/errors/domain-error.js';

/**
 * Stable ids of the LDAP connector's refusals: `isError(err, LDAP_ERRORS.unreachable)`. A failed
 * login is the intents' `loginFailed` (ZITADEL's Errors.User.ExternalIDP.LoginFailed, COMMAND-nzun2i):
 * the same answer whether no single entry matched or the password was wrong.
 */
export const LDAP_ERRORS = errorIds({
  unreachable: 'LDAP-c0nn0',
  configInvalid: 'LDAP-cf9v0',
  attributeInvalid: 'LDAP-4ttr0',
});
const E = LDAP_ERRORS;

/** No configured server answered (connection, StartTLS, service bind or search failed on each). */
export const ldapUnreachable = () => Unavailable(E.unreachable, 'no LDAP server of the provider could be used');

export const ldapConfigInvalid = (why: string) =>
  FailedPrecondition(E.configInvalid, `the LDAP provider's configuration is unusable: ${why}`);

/** A boolean attribute (email or phone verified) holds something other than a boolean. */
export const ldapAttributeInvalid = (attribute: string) =>
  FailedPrecondition(E.attributeInvalid, `the LDAP attribute ${attribute} is not a boolean`);
