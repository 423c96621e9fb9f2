// From an LDAP user entry to an upstream user, as ZITADEL's LDAP provider maps it.
import type { LdapAttributes } from '../idp-config.js';
import type { IdpInformation, UpstreamUser } from './connector.js';
import { ldapAttributeInvalid, ldapConfigInvalid } from './ldap.errors.js';

/** An entry's attributes, values as text (base64 where a value is not valid UTF-8, as ZITADEL does). */
export type LdapEntryAttributes = Readonly<Record<string, readonly string[]>>;

/** Values as text: UTF-8 when the bytes are valid UTF-8, else base64 of the bytes. */
export function attributeText(value: Buffer): string {
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value) ? text : value.toString('base64');
}

/** LDAP attribute descriptions compare case-insensitively (RFC 4512 §2.5). */
function first(entry: LdapEntryAttributes, attribute: string): string | undefined {
  if (!attribute) return undefined;
  const wanted = attribute.toLowerCase();
  for (const [name, values] of Object.entries(entry)) {
    if (name.toLowerCase() === wanted) return values[0] || undefined;
  }
  return undefined;
}

/** Go's strconv.ParseBool, which ZITADEL reads the verified flags with; anything else is an error. */
function parseBool(entry: LdapEntryAttributes, attribute: string): boolean {
  const value = first(entry, attribute);
  if (value === undefined) return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw ldapAttributeInvalid(attribute);
}

/** The attributes a search asks for: ZITADEL's getNecessaryAttributes (userBase and every mapped one). */
export function requestedAttributes(userBase: string, attributes: LdapAttributes): string[] {
  const names = [userBase, ...Object.values(attributes)].filter((n): n is string => !!n);
  return [...new Set(names)];
}

export function ldapInformation(entry: LdapEntryAttributes, attributes: LdapAttributes): IdpInformation {
  const id = first(entry, attributes.idAttribute);
  if (!id) throw ldapConfigInvalid(`the user entry has no ${attributes.idAttribute || 'id attribute'}`);
  const text = (attribute: string) => first(entry, attribute);
  const user: UpstreamUser = {
    id,
    givenName: text(attributes.firstNameAttribute),
    familyName: text(attributes.lastNameAttribute),
    displayName: text(attributes.displayNameAttribute),
    nickName: text(attributes.nickNameAttribute),
    preferredUsername: text(attributes.preferredUsernameAttribute),
    email: text(attributes.emailAttribute),
    emailVerified: parseBool(entry, attributes.emailVerifiedAttribute),
    phone: text(attributes.phoneAttribute),
    phoneVerified: parseBool(entry, attributes.phoneVerifiedAttribute),
    preferredLanguage: text(attributes.preferredLanguageAttribute),
    avatarUrl: text(attributes.avatarUrlAttribute),
    profile: text(attributes.profileAttribute),
  };
  const defined = Object.fromEntries(
    Object.entries(user).filter(([, v]) => v !== undefined),
  ) as unknown as UpstreamUser;
  const copy = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, [...v]]));
  return { user: defined, raw: copy, ldap: { attributes: copy } };
}
