import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ConsoleClients } from './console-clients.service.js';
import { ConsoleHttp } from './console-http.js';
import { ConsoleStore } from './console.store.js';

/**
 * The admin console at /ui/console: a browser app that signs in through the hosted login as the
 * instance's console client and then calls the public API like any other client.
 */
@Module({
  imports: [ProjectsModule, AppsModule, SettingsModule],
  providers: [ConsoleStore, ConsoleClients, ConsoleHttp],
  exports: [ConsoleClients, ConsoleStore],
})
export class ConsoleModule {}
