import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { DomainVerifier } from './domain-verifier.js';
import { OrgsHandler } from './orgs.handler.js';
import { OrgsService } from './orgs.service.js';

@Module({
  imports: [UsersModule],
  providers: [OrgsService, OrgsHandler, DomainVerifier],
  exports: [OrgsService],
})
export class OrgsModule {}
