import { FailedPrecondition, InvalidArgument, Unavailable, errorIds } from '../../platform/errors/domain-error.js';

/** Stable ids of the LDAP connector's refusals: `isError(err, LDAP_ERRORS.loginFailed)`. */
export const LDAP_ERRORS = errorIds({
  loginFailed: 'LDAP-l0g1n',
  unreachable: 'LDAP-c0nn0',
  configInvalid: 'LDAP-cf9v0',
  attributeInvalid: 'LDAP-4ttr0',
});
const E = LDAP_ERRORS;

/**
 * ZITADEL's Errors.User.ExternalIDP.LoginFailed (COMMAND-nzun2i): the same answer whether the
 * username matched no entry, several entries, or the password was wrong, so neither usernames
 * nor passwords can be probed.
 */
export const ldapLoginFailed = () => InvalidArgument(E.loginFailed, 'the LDAP login failed');

/** No configured server answered (connection, StartTLS, service bind or search failed on each). */
export const ldapUnreachable = () => Unavailable(E.unreachable, 'no LDAP server of the provider could be used');

export const ldapConfigInvalid = (why: string) =>
  FailedPrecondition(E.configInvalid, `the LDAP provider's configuration is unusable: ${why}`);

/** A boolean attribute (email or phone verified) holds something other than a boolean. */
export const ldapAttributeInvalid = (attribute: string) =>
  FailedPrecondition(E.attributeInvalid, `the LDAP attribute ${attribute} is not a boolean`);
