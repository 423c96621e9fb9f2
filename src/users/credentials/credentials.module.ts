import { Module } from '@nestjs/common';
import { UsersSharedModule } from '../users-shared.module.js';
import { CredentialsHandler } from './credentials.handler.js';
import { MachineCredentialsQueries } from './machine-credentials.queries.js';
import { MachineCredentialsService } from './machine-credentials.service.js';
import { PasswordsService } from './passwords.service.js';

/** Passwords (set, reset) and machine credentials (PATs, keys, secrets). */
@Module({
  imports: [UsersSharedModule],
  providers: [CredentialsHandler, PasswordsService, MachineCredentialsService, MachineCredentialsQueries],
  exports: [PasswordsService, MachineCredentialsService, MachineCredentialsQueries],
})
export class UserCredentialsModule {}
