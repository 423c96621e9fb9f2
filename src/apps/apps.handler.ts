import { Injectable, type OnModuleInit } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import {
  appFiltersOf,
  appSortOf,
  appUpdateOf,
  applicationKeyPb,
  applicationPb,
  createdResponse,
  keySortOf,
  newAppOf,
} from './apps.mapper.js';
import { AppsQueries, type KeyScope } from './apps.queries.js';
import { AppsService } from './apps.service.js';

/**
 * What each method needs before the service checks the specific project (ZITADEL's permissions;
 * project memberships count, so the method-level check passes for them too).
 */
export const APP_ACCESS: AccessTable<typeof AppService> = {
  createApplication: { permission: 'project.app.write' },
  updateApplication: { permission: 'project.app.write' },
  getApplication: { permission: 'project.app.read' },
  deleteApplication: { permission: 'project.app.delete' },
  deactivateApplication: { permission: 'project.app.write' },
  reactivateApplication: { permission: 'project.app.write' },
  regenerateClientSecret: { permission: 'project.app.write' },
  listApplications: { permission: 'project.app.read' },
  createApplicationKey: { permission: 'project.app.write' },
  deleteApplicationKey: { permission: 'project.app.write' },
  getApplicationKey: { permission: 'project.app.read' },
  listApplicationKeys: { permission: 'project.app.read' },
};

/** Transport edge of applications: zitadel.app.v2beta.AppService. */
@Injectable()
export class AppsHandler implements OnModuleInit {
  constructor(
    private readonly apps: AppsService,
    private readonly queries: AppsQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: AppService, impl: this.impl, access: APP_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AppService>> = {
    createApplication: async (req, ctx) => {
      const input = newAppOf(req);
      const created = await this.apps.create(authenticatedCallerOf(ctx), input);
      return createdResponse(input.config.kind, created);
    },
    updateApplication: async (req, ctx) => {
      const event = await this.apps.update(authenticatedCallerOf(ctx), appUpdateOf(req));
      return { changeDate: ts(event.createdAt) };
    },
    getApplication: async (req, ctx) => ({
      app: applicationPb(await this.queries.get(authenticatedCallerOf(ctx), req.id)),
    }),
    deleteApplication: async (req, ctx) => {
      const event = await this.apps.delete(authenticatedCallerOf(ctx), req.projectId, req.id);
      return { deletionDate: ts(event.createdAt) };
    },
    deactivateApplication: async (req, ctx) => {
      const event = await this.apps.setState(authenticatedCallerOf(ctx), req.projectId, req.id, 'inactive');
      return { deactivationDate: ts(event.createdAt) };
    },
    reactivateApplication: async (req, ctx) => {
      const event = await this.apps.setState(authenticatedCallerOf(ctx), req.projectId, req.id, 'active');
      return { reactivationDate: ts(event.createdAt) };
    },
    regenerateClientSecret: async (req, ctx) => {
      const kind =
        req.appType.case === 'isOidc' && req.appType.value
          ? 'oidc'
          : req.appType.case === 'isApi' && req.appType.value
            ? 'api'
            : undefined;
      if (!kind) throw invalidField('APP-r3g3n', 'app_type', 'set is_oidc or is_api to true');
      const regenerated = await this.apps.regenerateSecret(
        authenticatedCallerOf(ctx),
        req.projectId,
        req.applicationId,
        kind,
      );
      return { clientSecret: regenerated.secret, creationDate: ts(regenerated.createdAt) };
    },
    listApplications: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        req.projectId,
        appFiltersOf(req.filters),
        appSortOf(req.sortingColumn),
        p,
      );
      return {
        applications: listed.items.map(applicationPb),
        pagination: { totalResult: listed.total, appliedLimit: BigInt(p.limit) },
      };
    },
    createApplicationKey: async (req, ctx) => {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const key = await this.apps.addKey(authenticatedCallerOf(ctx), req.projectId, req.appId, expiration);
      return { id: key.id, creationDate: ts(key.createdAt), keyDetails: key.keyFile };
    },
    deleteApplicationKey: async (req, ctx) => {
      const event = await this.apps.deleteKey(authenticatedCallerOf(ctx), req.id, {
        projectId: req.projectId,
        appId: req.applicationId,
        orgId: req.organizationId || undefined,
      });
      return { deletionDate: ts(event.createdAt) };
    },
    getApplicationKey: async (req, ctx) => {
      const key = await this.queries.getKey(authenticatedCallerOf(ctx), req.id, {
        projectId: req.projectId || undefined,
        appId: req.applicationId || undefined,
        orgId: req.organizationId || undefined,
      });
      return { id: key.id, creationDate: ts(key.createdAt), expirationDate: ts(key.expiresAt) };
    },
    listApplicationKeys: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const r = req.resourceId;
      const scope: KeyScope =
        r.case === 'applicationId'
          ? { appId: r.value }
          : r.case === 'projectId'
            ? { projectId: r.value }
            : r.case === 'organizationId'
              ? { orgId: r.value }
              : {};
      const listed = await this.queries.listKeys(authenticatedCallerOf(ctx), scope, keySortOf(req.sortingColumn), p);
      return {
        keys: listed.items.map(applicationKeyPb),
        pagination: { totalResult: listed.total, appliedLimit: BigInt(p.limit) },
      };
    },
  };
}
