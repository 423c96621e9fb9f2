import { Module } from '@nestjs/common';
import { JwksRoutes } from './jwks.routes.js';
import { SigningKeys } from './signing-keys.js';
import { WebKeysHandler } from './webkeys.handler.js';
import { WebKeysService } from './webkeys.service.js';

/** The instances' token signing keys: WebKeyService, the JWKS endpoint, and signing for OIDC. */
@Module({
  providers: [WebKeysService, WebKeysHandler, SigningKeys, JwksRoutes],
  exports: [WebKeysService, SigningKeys],
})
export class WebKeysModule {}
