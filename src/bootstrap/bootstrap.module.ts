import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebKeysModule } from '../webkeys/webkeys.module.js';
import { FirstInstanceSetup } from './first-instance.service.js';

@Module({
  imports: [OrgsModule, UsersModule, WebKeysModule],
  providers: [FirstInstanceSetup],
  exports: [FirstInstanceSetup],
})
export class BootstrapModule {}
