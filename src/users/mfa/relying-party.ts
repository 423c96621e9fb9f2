import { hostName } from '../../platform/tenancy/instance-resolver.js';

/**
 * WebAuthn relying-party rules (W3C WebAuthn Level 2). Browsers only let a page use an RP id
 * that equals its host or is a registrable suffix of it (§5.1.3 step 8), and the server must
 * check the origin the browser saw (§7.1 step 9). Here both are tied to the instance's domains.
 */

function isSameOrSubdomain(host: string, rpId: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * The RP id for a registration: the request's `domain` field, else the host the request came
 * to. It must be one of the instance's domains or a parent domain of one, or no page of the
 * instance could ever use the credential.
 */
export function relyingPartyId(
  requested: string | undefined,
  requestHost: string,
  instanceDomains: readonly string[],
): string | undefined {
  const rpId = hostName(requested || requestHost);
  if (!rpId) return undefined;
  return instanceDomains.some((d) => isSameOrSubdomain(d, rpId)) ? rpId : undefined;
}

/**
 * Whether a credential made at `origin` may be accepted for `rpId`: the origin's host is a domain
 * of the instance within the RP id, and it is served over https or the scheme of the external
 * URL (plain http is what local and test setups use).
 */
export function originAllowed(
  origin: string,
  rpId: string,
  instanceDomains: readonly string[],
  externalUrl: string,
): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false; // paths, credentials, default ports spelled out …
  const schemes = new Set(['https:', new URL(externalUrl).protocol]);
  if (!schemes.has(url.protocol)) return false;
  const host = url.hostname.toLowerCase();
  return instanceDomains.includes(host) && isSameOrSubdomain(host, rpId);
}
