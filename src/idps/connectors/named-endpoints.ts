import { Injectable } from '@nestjs/common';
import { Config } from '../../platform/config/config.js';
import type { AzureTenant } from '../idp-config.js';

/** The named providers whose upstream is fixed (GitHub Enterprise and self-hosted GitLab are configured). */
export type NamedKind = 'google' | 'azureAd' | 'github' | 'gitlab' | 'apple';

export interface OAuthEndpoints {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userEndpoint: string;
}

const FIXED = {
  google: 'https://accounts.google.com',
  gitlab: 'https://gitlab.com',
  apple: 'https://appleid.apple.com',
  azureAdLogin: 'https://login.microsoftonline.com',
  azureAdGraph: 'https://graph.microsoft.com',
  githubWeb: 'https://github.com',
  githubApi: 'https://api.github.com',
} as const;

/** Azure AD's tenant path segment: `common`, `organizations`, `consumers`, or the tenant id. */
export function azureTenantSegment(tenant: AzureTenant): string {
  if ('id' in tenant) return tenant.id;
  // ZITADEL's enum says ORGANISATIONS; Microsoft's path is `organizations`.
  return tenant.type === 'organisations' ? 'organizations' : tenant.type;
}

/**
 * Where the named providers live. Their URLs are fixed; `PORTCULLIS_IDP_TEST_ENDPOINTS` (tests
 * only, never settable through the API) replaces a kind's base URL so tests reach a local upstream:
 * the OIDC kinds' issuer, Azure AD's login origin (Graph under `<base>/graph`), GitHub's web
 * origin (its API under `<base>/api/v3`, as GitHub Enterprise Server lays it out).
 */
@Injectable()
export class NamedEndpoints {
  private readonly overrides: Partial<Record<NamedKind, string>>;

  constructor(config: Config) {
    this.overrides = config.idpTestEndpoints
      ? (JSON.parse(config.idpTestEndpoints) as Partial<Record<NamedKind, string>>)
      : {};
  }

  issuer(kind: 'google' | 'gitlab' | 'apple'): string {
    return this.overrides[kind]?.replace(/\/$/, '') ?? FIXED[kind];
  }

  azureAd(tenant: AzureTenant): OAuthEndpoints {
    const base = this.overrides.azureAd?.replace(/\/$/, '');
    const login = base ?? FIXED.azureAdLogin;
    const graph = base ? `${base}/graph` : FIXED.azureAdGraph;
    const segment = encodeURIComponent(azureTenantSegment(tenant));
    return {
      authorizationEndpoint: `${login}/${segment}/oauth2/v2.0/authorize`,
      tokenEndpoint: `${login}/${segment}/oauth2/v2.0/token`,
      userEndpoint: `${graph}/v1.0/me`,
    };
  }

  github(): OAuthEndpoints & { readonly emailsEndpoint: string } {
    const base = this.overrides.github?.replace(/\/$/, '');
    const web = base ?? FIXED.githubWeb;
    const api = base ? `${base}/api/v3` : FIXED.githubApi;
    return {
      authorizationEndpoint: `${web}/login/oauth/authorize`,
      tokenEndpoint: `${web}/login/oauth/access_token`,
      userEndpoint: `${api}/user`,
      emailsEndpoint: `${api}/user/emails`,
    };
  }
}
