import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module.js';
import { InstancesModule } from '../instances/instances.module.js';
import { WebKeysModule } from '../webkeys/webkeys.module.js';
import { ConsoleSetup } from './console-setup.service.js';
import { FirstInstanceSetup } from './first-instance.service.js';

@Module({
  imports: [InstancesModule, WebKeysModule, ConsoleModule],
  providers: [FirstInstanceSetup, ConsoleSetup],
  exports: [FirstInstanceSetup, ConsoleSetup],
})
export class BootstrapModule {}
