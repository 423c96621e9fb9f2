import { Module, type OnModuleInit } from '@nestjs/common';
import { Authenticator } from '../platform/auth/authenticator.js';
import { PatStrategy } from './pat.strategy.js';
import { UsersService } from './users.service.js';

@Module({
  providers: [UsersService, PatStrategy],
  exports: [UsersService],
})
export class UsersModule implements OnModuleInit {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly pats: PatStrategy,
  ) {}

  onModuleInit(): void {
    this.authenticator.use(this.pats);
  }
}
