import { Module } from '@nestjs/common';
import { UsersSharedModule } from '../users-shared.module.js';

/** Passwords (set, reset) and machine credentials (PATs, keys, secrets). */
@Module({
  imports: [UsersSharedModule],
  providers: [],
})
export class UserCredentialsModule {}
