import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { paginationV2beta, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import {
  conditionOf,
  executionListQuery,
  executionPb,
  targetInput,
  targetListQuery,
  targetPb,
  targetUpdate,
} from './actions.mapper.js';
import { ActionsService } from './actions.service.js';
import { ExecutionCatalog } from './execution-catalog.js';

/**
 * ZITADEL's permissions for Actions v2: instance level only (IAM_OWNER holds them, org owners
 * do not). The discovery methods need only an authenticated caller, as annotated.
 */
export const ACTION_V2BETA_ACCESS: AccessTable<typeof ActionService> = {
  createTarget: { permission: 'action.target.write' },
  updateTarget: { permission: 'action.target.write' },
  deleteTarget: { permission: 'action.target.delete' },
  getTarget: { permission: 'action.target.read' },
  listTargets: { permission: 'action.target.read' },
  setExecution: { permission: 'action.execution.write' },
  listExecutions: { permission: 'action.execution.read' },
  listExecutionFunctions: 'authenticated',
  listExecutionMethods: 'authenticated',
  listExecutionServices: 'authenticated',
};

/** Transport edge of zitadel.action.v2beta.ActionService. */
@Injectable()
export class ActionsHandler implements OnModuleInit {
  constructor(
    private readonly actions: ActionsService,
    private readonly catalog: ExecutionCatalog,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ActionService, ACTION_V2BETA_ACCESS);
    this.registry.register({ service: ActionService, impl: this.impl, access: ACTION_V2BETA_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ActionService>> = {
    createTarget: async (req, ctx) => {
      const created = await this.actions.createTarget(authenticatedCallerOf(ctx), targetInput(req));
      return { id: created.id, creationDate: ts(created.creationDate), signingKey: created.signingKey };
    },
    updateTarget: async (req, ctx) => {
      const updated = await this.actions.updateTarget(authenticatedCallerOf(ctx), req.id, targetUpdate(req));
      return { changeDate: ts(updated.changeDate), signingKey: updated.signingKey };
    },
    deleteTarget: async (req, ctx) => ({
      deletionDate: ts(await this.actions.deleteTarget(authenticatedCallerOf(ctx), req.id)),
    }),
    getTarget: async (req, ctx) => ({
      target: targetPb(await this.actions.getTarget(authenticatedCallerOf(ctx), req.id)),
    }),
    listTargets: async (req, ctx) => {
      const query = targetListQuery(req);
      const { targets, total } = await this.actions.listTargets(authenticatedCallerOf(ctx), query);
      return { pagination: paginationV2beta(total, query.page.limit), targets: targets.map(targetPb) };
    },
    setExecution: async (req, ctx) => ({
      setDate: ts(await this.actions.setExecution(authenticatedCallerOf(ctx), conditionOf(req.condition), req.targets)),
    }),
    listExecutions: async (req, ctx) => {
      const query = executionListQuery(req);
      const { executions, total } = await this.actions.listExecutions(authenticatedCallerOf(ctx), query);
      return { pagination: paginationV2beta(total, query.page.limit), executions: executions.map(executionPb) };
    },
    listExecutionFunctions: async () => ({ functions: this.catalog.functions() }),
    listExecutionMethods: async () => ({ methods: this.catalog.methods() }),
    listExecutionServices: async () => ({ services: this.catalog.services() }),
  };
}
