import { Module } from '@nestjs/common';
import { PasswordHasher } from './passwords.js';
import { UserCodes } from './user-codes.js';
import { UserServiceParts } from './user-service-parts.js';
import { UserStore } from './user-store.js';

/** What every group of user methods shares. */
@Module({
  providers: [UserStore, UserCodes, UserServiceParts, PasswordHasher],
  exports: [UserStore, UserCodes, UserServiceParts, PasswordHasher],
})
export class UsersSharedModule {}
