/** Pure rules for organizations. */

/**
 * The label of an org's generated domain, from its name: lower case, accents dropped, runs of
 * anything but letters and digits become one hyphen (ZITADEL makes `acme-inc.<instance domain>`
 * from "Acme Inc").
 */
export function domainLabel(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

export function generatedDomain(name: string, orgId: string, instanceDomain: string): string {
  return `${domainLabel(name) || orgId}.${instanceDomain}`;
}

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
export function isValidDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return labels.length >= 1 && labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

export interface UsernameDomainTurn {
  readonly domain: string;
  /** `claim` where the command may verify the domain, `use` where it only writes usernames in it. */
  readonly mode: 'claim' | 'use';
}

/**
 * The domains a command that both claims domains and writes usernames takes turns on
 * (OrgQueries.holdUsernameDomain), each once and in one order for every command: two creations
 * naming each other's domains then wait for one another instead of each holding its own and
 * waiting for the other's. A domain both claimed and used is claimed; domains compare without case.
 */
export function usernameDomainTurns(
  claimed: readonly string[],
  used: readonly (string | undefined)[],
): UsernameDomainTurn[] {
  const turns = new Map<string, UsernameDomainTurn['mode']>();
  for (const domain of used) if (domain) turns.set(domain.toLowerCase(), 'use');
  for (const domain of claimed) if (domain) turns.set(domain.toLowerCase(), 'claim');
  return [...turns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([domain, mode]) => ({ domain, mode }));
}

/** Where ZITADEL asks the domain owner to publish the challenge token. */
export const HTTP_CHALLENGE_PATH = '/.well-known/zitadel-challenge/';
export const DNS_CHALLENGE_PREFIX = '_zitadel-challenge.';

export function challengeLocation(type: 'http' | 'dns', domain: string, token: string): string {
  return type === 'http' ? `https://${domain}${HTTP_CHALLENGE_PATH}${token}` : `${DNS_CHALLENGE_PREFIX}${domain}`;
}
