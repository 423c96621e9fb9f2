import { Module } from '@nestjs/common';
import { JwtConnector } from './connectors/jwt.connector.js';
import { NamedEndpoints } from './connectors/named-endpoints.js';
import { OAuthConnector } from './connectors/oauth.connector.js';
import { OidcConnector } from './connectors/oidc.connector.js';
import { IdpConnectors } from './connectors/registry.js';
import { IdpCallbackRoutes } from './idps-callback.routes.js';
import { IdpIntentsHandler } from './idps-intents.handler.js';
import { IdpStore } from './idps.store.js';
import { IntentSweeper } from './intents-sweeper.js';
import { IntentsService } from './intents.service.js';
import { IntentStore } from './intents.store.js';
import { IdpLinkQueries } from './links.queries.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  providers: [
    IdpStore,
    IdpLinkQueries,
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
  ],
  exports: [IdpStore, IdpLinkQueries, IntentsService, IdpConnectors],
})
export class IdpsModule {}
