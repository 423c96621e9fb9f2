import type { DomainError } from '../platform/errors/domain-error.js';
import { nameInvalid } from './instances.errors.js';
import { parseAuthority } from '../platform/tenancy/request-host.js';

/**
 * A domain an instance is reached by (or trusts) is a bare host name, lower case: what a Host
 * header's name is compared with, so a scheme, port or path would never match.
 */
export function bareHost(raw: string, invalid: () => DomainError): string {
  const parsed = parseAuthority(raw.trim().toLowerCase().replace(/\.$/, ''));
  if (!parsed || parsed.authority !== parsed.name) throw invalid();
  return parsed.name;
}

const MAX_NAME = 200;

/** An instance's name: not blank, at most 200 characters (ZITADEL's limit). */
export function instanceName(raw: string, field: string): string {
  const name = raw.trim();
  if (!name || name.length > MAX_NAME) throw nameInvalid(field);
  return name;
}
