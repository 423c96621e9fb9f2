import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { UsersModule } from '../users/users.module.js';
import { ActionsHandler } from './actions.handler.js';
import { ActionsService } from './actions.service.js';
import { ActionsStore } from './actions.store.js';
import { EventDelivery } from './event-delivery.js';
import { ExecutionCatalog } from './execution-catalog.js';
import { ExecutionTargets } from './execution-targets.js';
import { FunctionExecutions } from './function-executions.js';
import { RpcExecutions } from './rpc-executions.js';
import { TargetCalls } from './target-calls.js';

/** Actions v2 (ActionService v2beta): targets, executions, and the calls they make. */
@Module({
  imports: [AppsModule, UsersModule],
  providers: [
    EventDelivery,
    FunctionExecutions,
    ActionsService,
    ActionsHandler,
    ActionsStore,
    ExecutionCatalog,
    ExecutionTargets,
    TargetCalls,
    RpcExecutions,
  ],
  exports: [ActionsStore, ExecutionTargets, RpcExecutions, FunctionExecutions],
})
export class ActionsModule {}
