import { Injectable } from '@nestjs/common';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { Unauthenticated } from '../platform/errors/domain-error.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcProviders } from './oidc-providers.js';

/**
 * Portcullis-issued access tokens (opaque or JWT) as Bearer tokens of the API, for tokens whose
 * audience includes the API (scope `urn:zitadel:iam:org:project:id:zitadel:aud`, ZITADEL's
 * rule); the same permission checks follow. Tried last: PATs and session tokens are looked up
 * first. The user must still be active (a locked user's tokens stop working at once).
 */
@Injectable()
export class OidcAccessTokenStrategy implements TokenStrategy {
  readonly name = 'oidc';

  constructor(
    private readonly providers: OidcProviders,
    private readonly accounts: OidcAccounts,
  ) {}

  async authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined> {
    const provider = await this.providers.forModels(instance);
    const found = (await provider.AccessToken.find(token)) ?? undefined;
    if (!found?.accountId) return undefined;
    const aud = Array.isArray(found.aud) ? found.aud : found.aud ? [found.aud] : [];
    if (!aud.includes(instance.id)) {
      throw Unauthenticated('AUTH-0a4ud', 'the access token is not meant for this API: request the scope urn:zitadel:iam:org:project:id:zitadel:aud');
    }
    const orgId = await this.accounts.activeUserOrg(instance.id, found.accountId);
    if (!orgId) throw Unauthenticated('AUTH-0us3r', 'the user of the access token is not active');
    return { userId: found.accountId, orgId, method: 'oidc' };
  }
}
