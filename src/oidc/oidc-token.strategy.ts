import { Injectable } from '@nestjs/common';
import type { TokenRequest, TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { Unauthenticated } from '../platform/errors/domain-error.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { OidcAccounts } from './oidc-accounts.js';
import { DpopRefusal } from './dpop.js';
import { dpopRefused } from './oidc.errors.js';
import { OidcProviders } from './oidc-providers.js';
import { checkSenderConstraint } from './sender-constraint.js';

/**
 * Portcullis-issued access tokens (opaque or JWT) as Bearer tokens of the API, for tokens whose
 * audience includes the API (scope `urn:zitadel:iam:org:project:id:zitadel:aud`, ZITADEL's
 * rule); the same permission checks follow. Tried last: PATs and session tokens are looked up
 * first. The user must still be active (a locked user's tokens stop working at once). A
 * DPoP-bound token only as `Authorization: DPoP` with a proof of its key for this request: the
 * method and URL the client called (a REST path, or the RPC's path) and the token's hash.
 */
@Injectable()
export class OidcAccessTokenStrategy implements TokenStrategy {
  readonly name = 'oidc';
  readonly senderConstrained = true;

  constructor(
    private readonly providers: OidcProviders,
    private readonly accounts: OidcAccounts,
  ) {}

  async authenticate(token: string, instance: Instance, request: TokenRequest): Promise<TokenSubject | undefined> {
    const provider = await this.providers.forModels(instance);
    const found = (await provider.AccessToken.find(token)) ?? undefined;
    if (!found?.accountId) return undefined;
    // The URL as the client addressed it: the instance's scheme, the host it called, the path.
    const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
    const issuer = this.providers.issuerFor(url?.host ?? '');
    try {
      await checkSenderConstraint(
        provider,
        this.providers.dpopNonces(instance.id),
        found,
        { scheme: request.scheme, token, ...(request.proof ? { proof: request.proof } : {}) },
        {
          htm: request.method,
          htu: `${issuer}${url?.pathname ?? '/'}`,
        },
      );
    } catch (err) {
      if (err instanceof DpopRefusal) throw dpopRefused(err, issuer);
      throw err;
    }
    const aud = Array.isArray(found.aud) ? found.aud : found.aud ? [found.aud] : [];
    if (!aud.includes(instance.id)) {
      throw Unauthenticated(
        'AUTH-0a4ud',
        'the access token is not meant for this API: request the scope urn:zitadel:iam:org:project:id:zitadel:aud',
      );
    }
    const orgId = await this.accounts.activeUserOrg(instance.id, found.accountId);
    if (!orgId) throw Unauthenticated('AUTH-0us3r', 'the user of the access token is not active');
    return { userId: found.accountId, orgId, method: 'oidc', ...(found.clientId ? { clientId: found.clientId } : {}) };
  }
}
