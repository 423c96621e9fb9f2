import { Module } from '@nestjs/common';
import { JwksRoutes } from './jwks.routes.js';
import { SigningKeys } from './signing-keys.store.js';
import { WebKeysV2betaHandler } from './webkeys-v2beta.handler.js';
import { WebKeysHandler } from './webkeys.handler.js';
import { WebKeysService } from './webkeys.service.js';

/** The instances' token signing keys: WebKeyService (v2, v2beta), the JWKS endpoint, and signing for OIDC. */
@Module({
  providers: [WebKeysService, WebKeysHandler, WebKeysV2betaHandler, SigningKeys, JwksRoutes],
  exports: [WebKeysService, SigningKeys],
})
export class WebKeysModule {}
