import { Injectable } from '@nestjs/common';
import type { IdpKind } from '../idp-config.js';
import type { CredentialConnector, RedirectConnector } from './connector.js';

export type AnyConnector =
  | { readonly flow: 'redirect'; readonly connector: RedirectConnector }
  | { readonly flow: 'credentials'; readonly connector: CredentialConnector };

/**
 * Which connector serves each provider kind. Connectors register themselves at module init
 * (OIDC, OAuth, JWT and the named providers here; SAML and LDAP from their own files); a kind
 * registered twice fails the boot, a kind never registered answers UNIMPLEMENTED at start.
 */
@Injectable()
export class IdpConnectors {
  private readonly byKind = new Map<IdpKind, AnyConnector>();

  registerRedirect<K extends IdpKind>(connector: RedirectConnector<K>): void {
    for (const kind of connector.kinds) {
      this.add(kind, { flow: 'redirect', connector: connector as unknown as RedirectConnector });
    }
  }

  registerCredentials<K extends IdpKind>(connector: CredentialConnector<K>): void {
    for (const kind of connector.kinds) {
      this.add(kind, { flow: 'credentials', connector: connector as unknown as CredentialConnector });
    }
  }

  for(kind: IdpKind): AnyConnector | undefined {
    return this.byKind.get(kind);
  }

  private add(kind: IdpKind, entry: AnyConnector): void {
    if (this.byKind.has(kind)) throw new Error(`a connector for ${kind} providers is registered twice`);
    this.byKind.set(kind, entry);
  }
}
