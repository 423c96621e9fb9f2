/**
 * ZITADEL's login names: with `userLoginMustBeDomain` they are `username@<domain>` for every
 * verified domain of the user's org, the primary one preferred; otherwise the username alone.
 */
export function loginNames(
  username: string,
  verifiedDomains: readonly string[],
  primaryDomain: string,
  mustBeDomain: boolean,
): { loginNames: string[]; preferred: string } {
  if (!mustBeDomain) return { loginNames: [username], preferred: username };
  const domains = [primaryDomain, ...verifiedDomains.filter((d) => d !== primaryDomain)];
  const names = domains.map((d) => `${username}@${d}`);
  return { loginNames: names, preferred: names[0] };
}

/** The preferred login name where only the org's primary domain is at hand (none yet: the username alone). */
export function preferredLoginName(
  username: string,
  primaryDomain: string | null | undefined,
  mustBeDomain: boolean,
): string {
  return loginNames(username, [], primaryDomain ?? '', mustBeDomain && !!primaryDomain).preferred;
}
