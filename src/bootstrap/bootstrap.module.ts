import { Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module.js';
import { WebKeysModule } from '../webkeys/webkeys.module.js';
import { FirstInstanceSetup } from './first-instance.service.js';

@Module({
  imports: [InstancesModule, WebKeysModule],
  providers: [FirstInstanceSetup],
  exports: [FirstInstanceSetup],
})
export class BootstrapModule {}
