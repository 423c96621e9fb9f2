import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { JwtConnector } from './connectors/jwt.connector.js';
import { NamedEndpoints } from './connectors/named-endpoints.js';
import { LDAP_CONNECTOR_PROVIDER } from './connectors/ldap.connector.js';
import { OAuthConnector } from './connectors/oauth.connector.js';
import { OidcConnector } from './connectors/oidc.connector.js';
import { IdpConnectors } from './connectors/registry.js';
import { SAML_CONNECTOR_PROVIDER } from './connectors/saml.connector.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { IdpsAdminV1Handler } from './idps-admin-v1.handler.js';
import { IdpCallbackRoutes } from './idps-callback.routes.js';
import { IdpIntentsHandler } from './idps-intents.handler.js';
import { IdpLinksV1Handler } from './idps-links-v1.handler.js';
import { IdpLinksHandler } from './idps-links.handler.js';
import { IdpsManagementV1Handler } from './idps-management-v1.handler.js';
import { IdpsHandler } from './idps.handler.js';
import { IdpQueries } from './idps.queries.js';
import { IdpStore } from './idps.store.js';
import { IntentSweeper } from './intents-sweeper.js';
import { IntentsService } from './intents.service.js';
import { IntentStore } from './intents.store.js';
import { IdpLinkUsers } from './link-users.js';
import { IdpLinkQueries } from './links.queries.js';
import { IdpLinksService } from './links.service.js';
import { IdpLinkStore } from './links.store.js';
import { LoginPolicyIdpsService } from './login-policy-idps.service.js';
import { SamlIdpMetadataFetcher } from './saml-metadata-fetcher.js';
import { SamlSpRoutes } from './saml-sp.routes.js';
import { SamlSpService } from './saml-sp.service.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  imports: [OrgsModule],
  providers: [
    IdpStore,
    IdpQueries,
    IdpLinkQueries,
    IdpLinkStore,
    IdpLinkUsers,
    IdpLinksService,
    IdpLinksHandler,
    IdpLinksV1Handler,
    IdpTemplatesService,
    LoginPolicyIdpsService,
    SamlIdpMetadataFetcher,
    IdpsAdminV1Handler,
    IdpsManagementV1Handler,
    IdpsHandler,
    IntentStore,
    IntentsService,
    IdpConnectors,
    IdpIntentsHandler,
    IdpCallbackRoutes,
    IntentSweeper,
    NamedEndpoints,
    OidcConnector,
    OAuthConnector,
    JwtConnector,
    SAML_CONNECTOR_PROVIDER,
    LDAP_CONNECTOR_PROVIDER,
    SamlSpService,
    SamlSpRoutes,
  ],
  exports: [
    IdpStore,
    IdpQueries,
    IdpLinkQueries,
    IdpLinkUsers,
    IdpLinksService,
    IdpTemplatesService,
    LoginPolicyIdpsService,
    IntentsService,
    IdpConnectors,
  ],
})
export class IdpsModule {}
