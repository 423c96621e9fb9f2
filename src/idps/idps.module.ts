import { Module } from '@nestjs/common';
import { IdpStore } from './idps.store.js';
import { IdpLinksV1Handler } from './idps-links-v1.handler.js';
import { IdpLinksHandler } from './idps-links.handler.js';
import { IdpLinkUsers } from './link-users.js';
import { IdpLinkQueries } from './links.queries.js';
import { IdpLinksService } from './links.service.js';
import { IdpLinkStore } from './links.store.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  providers: [
    IdpStore,
    IdpLinkQueries,
    IdpLinkStore,
    IdpLinkUsers,
    IdpLinksService,
    IdpLinksHandler,
    IdpLinksV1Handler,
  ],
  exports: [IdpStore, IdpLinkQueries, IdpLinkUsers, IdpLinksService],
})
export class IdpsModule {}
