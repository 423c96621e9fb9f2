// The LDAP search filter for a sign-in: RFC 4515 string filters, with every value escaped.

/**
 * RFC 4515 §3: in an assertion value `*`, `(`, `)`, `\` and NUL are written as `\2a`, `\28`,
 * `\29`, `\5c`, `\00`. Without this a username like `*)(uid=*` would widen the search
 * (LDAP injection; ZITADEL puts the username in unescaped).
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** RFC 4512 §2.5: an attribute description is a descr (keystring) or a numeric OID, with options. */
const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;

export function isAttributeDescription(name: string): boolean {
  return ATTRIBUTE_DESCRIPTION.test(name);
}

/**
 * ZITADEL's user search: every configured object class AND any of the user filters matching the
 * username, `(&(objectClass=a)(objectClass=b)(|(uid=name)(mail=name)))`. Attribute names come
 * from the template and are checked; the username and object classes are escaped values.
 */
export function userSearchFilter(
  objectClasses: readonly string[],
  userFilters: readonly string[],
  username: string,
): string {
  for (const attribute of userFilters) {
    if (!isAttributeDescription(attribute)) throw new TypeError(`not an LDAP attribute name: ${attribute}`);
  }
  if (userFilters.length === 0) throw new TypeError('no user filter');
  const value = escapeFilterValue(username);
  const matches = userFilters.map((attribute) => `(${attribute}=${value})`);
  const anyMatch = matches.length === 1 ? matches[0] : `(|${matches.join('')})`;
  const classes = objectClasses.map((c) => `(objectClass=${escapeFilterValue(c)})`);
  return classes.length === 0 ? anyMatch : `(&${classes.join('')}${anyMatch})`;
}
