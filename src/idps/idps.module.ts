import { Module } from '@nestjs/common';
import { IdpStore } from './idps.store.js';

/** External identity providers: templates, sign-in intents through them, and links to users. */
@Module({
  providers: [IdpStore],
  exports: [IdpStore],
})
export class IdpsModule {}
