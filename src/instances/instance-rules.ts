import type { DomainError } from '../platform/errors/domain-error.js';
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
