import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { NamedEndpoints } from './connectors/named-endpoints.js';
import { OidcConnector } from './connectors/oidc.connector.js';
import { IdpConnectors } from './connectors/registry.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { IdpsAdminV1Handler } from './idps-admin-v1.handler.js';
import { IdpCallbackRoutes } from './idps-callback.routes.js';
import { IdpIntentsHandler } from './idps-intents.handler.js';
import { IdpsManagementV1Handler } from './idps-management-v1.handler.js';
import { IdpsHandler } from './idps.handler.js';
import { IdpQueries } from './idps.queries.js';
import { IdpStore } from './idps.store.js';
import { IntentSweeper } from './intents-sweeper.js';
import { IntentsService } from './intents.service.js';
import { IntentStore } from './intents.store.js';
import { IdpLinkQueries } from './links.queries.js';
import { LoginPolicyIdpsService } from './login-policy-idps.service.js';
import { SamlIdpMetadataFetcher } from './saml-metadata-fetcher.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  imports: [OrgsModule],
  providers: [
    IdpStore,
    IdpQueries,
    IdpLinkQueries,
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
  ],
  exports: [
    IdpStore,
    IdpQueries,
    IdpLinkQueries,
    IdpTemplatesService,
    LoginPolicyIdpsService,
    IntentsService,
    IdpConnectors,
  ],
})
export class IdpsModule {}
