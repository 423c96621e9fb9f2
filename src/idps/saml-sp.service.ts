import { Injectable } from '@nestjs/common';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { samlSpUrls } from './connectors/saml-metadata.js';
import { SamlConnector } from './connectors/saml.connector.js';
import { samlProviderNotFound } from './connectors/saml.errors.js';
import type { ConfigOf, IdpSecrets, IdpTemplate } from './idp-config.js';
import { IdpStore } from './idps.store.js';

/** The service provider side of SAML templates that is public: each one's SP metadata. */
@Injectable()
export class SamlSpService {
  constructor(
    private readonly tx: Transactions,
    private readonly idps: IdpStore,
    private readonly masterKey: MasterKey,
    private readonly saml: SamlConnector,
  ) {}

  /**
   * ZITADEL's `/idps/{id}/saml/metadata`: public (the IdP's administrator loads it), for any SAML
   * provider of the instance, active or not; other kinds and unknown ids are not found alike.
   */
  async metadata(instanceId: string, idpId: string, origin: string): Promise<string> {
    const stored = await this.idps.get(this.tx.reader, instanceId, idpId);
    if (stored?.template.config.kind !== 'saml') throw samlProviderNotFound();
    const secrets = stored.sealedSecrets
      ? (JSON.parse(this.masterKey.decrypt(stored.sealedSecrets)) as IdpSecrets)
      : {};
    const template = stored.template as IdpTemplate & { config: ConfigOf<'saml'> };
    return this.saml.metadata(template, secrets, samlSpUrls(origin, idpId).acs);
  }
}
