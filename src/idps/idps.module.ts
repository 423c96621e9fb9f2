import { Module } from '@nestjs/common';
import { IdpStore } from './idps.store.js';
import { IdpLinkQueries } from './links.queries.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  providers: [IdpStore, IdpLinkQueries],
  exports: [IdpStore, IdpLinkQueries],
})
export class IdpsModule {}
