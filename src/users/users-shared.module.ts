import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { PasswordHasher } from './passwords.js';
import { UserCodes } from './user-codes.store.js';
import { UserServiceParts } from './user-service-parts.js';
import { UserStore } from './users.store.js';

/** What every group of user methods shares. */
@Module({
  imports: [OrgsModule],
  providers: [UserStore, UserCodes, UserServiceParts, PasswordHasher],
  exports: [OrgsModule, UserStore, UserCodes, UserServiceParts, PasswordHasher],
})
export class UsersSharedModule {}
