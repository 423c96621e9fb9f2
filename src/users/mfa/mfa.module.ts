import { Module } from '@nestjs/common';
import { UsersSharedModule } from '../users-shared.module.js';

/** Second factors and passkeys: registration, listing, removal. */
@Module({
  imports: [UsersSharedModule],
  providers: [],
})
export class UserMfaModule {}
