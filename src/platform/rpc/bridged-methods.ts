/** The versions a bridged v2 service is served in: v2, and v2beta by the same handlers (beta-bridge.ts). */
const BRIDGED_VERSIONS = ['v2', 'v2beta'] as const;

/**
 * `zitadel.<area>.<version>.<Service>/<Method>` of the methods in every bridged version: a rule
 * about a v2 method (a rate limit, an allow-list) must hold for its v2beta twin too, or v2beta
 * would be a way around it.
 */
export function bridgedMethodPaths(area: string, service: string, methods: readonly string[]): string[] {
  return BRIDGED_VERSIONS.flatMap((version) =>
    methods.map((method) => `zitadel.${area}.${version}.${service}/${method}`),
  );
}
