import { Module } from '@nestjs/common';
import { ActionsHandler } from './actions.handler.js';
import { ActionsService } from './actions.service.js';
import { ActionsStore } from './actions.store.js';
import { ExecutionCatalog } from './execution-catalog.js';

/** Actions v2 (ActionService v2beta): targets, executions, and the calls they make. */
@Module({
  providers: [ActionsService, ActionsHandler, ActionsStore, ExecutionCatalog],
  exports: [ActionsStore],
})
export class ActionsModule {}
