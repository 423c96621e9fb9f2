import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { eventDetailsV1, detailsAtV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import {
  apiConfigUpdateV1,
  appKeyV1,
  appQueryV1,
  appV1,
  expirationV1,
  keyTypeV1,
  newApiAppV1,
  newOidcAppV1,
  newSamlAppV1,
  oidcConfigUpdateV1,
  samlConfigUpdateV1,
} from './apps-v1.mapper.js';
import { AppsQueries } from './apps.queries.js';
import { AppsService } from './apps.service.js';

const READ = { permission: 'project.app.read' } as const;
const WRITE = { permission: 'project.app.write' } as const;

/** Applications in ZITADEL's v1 management API, with their descriptors' permissions. */
export const APP_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getAppByID: READ,
  listApps: READ,
  addOIDCApp: WRITE,
  addSAMLApp: WRITE,
  addAPIApp: WRITE,
  updateApp: WRITE,
  updateOIDCAppConfig: WRITE,
  updateSAMLAppConfig: WRITE,
  updateAPIAppConfig: WRITE,
  deactivateApp: WRITE,
  reactivateApp: WRITE,
  removeApp: { permission: 'project.app.delete' },
  regenerateOIDCClientSecret: WRITE,
  regenerateAPIClientSecret: WRITE,
  getAppKey: READ,
  listAppKeys: READ,
  addAppKey: WRITE,
  removeAppKey: WRITE,
};

/** Transport edge of the application methods of zitadel.management.v1.ManagementService. */
@Injectable()
export class AppsV1Handler implements OnModuleInit {
  constructor(
    private readonly apps: AppsService,
    private readonly queries: AppsQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, APP_MANAGEMENT_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: APP_MANAGEMENT_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getAppByID: async (req, ctx) => ({
      app: appV1(await this.queries.get(authenticatedCallerOf(ctx), req.appId, req.projectId)),
    }),
    listApps: async (req, ctx) => {
      const filters = req.queries.map((q, i) => appQueryV1(q, `queries[${i}]`));
      const listed = await this.queries.list(authenticatedCallerOf(ctx), req.projectId, filters, 'id', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(appV1) };
    },
    addOIDCApp: async (req, ctx) => {
      const created = await this.apps.create(authenticatedCallerOf(ctx), newOidcAppV1(req));
      return {
        appId: created.id,
        details: detailsAtV1(created.createdAt, created.resourceOwner),
        clientId: created.clientId ?? '',
        clientSecret: created.clientSecret ?? '',
        noneCompliant: created.compliance?.noneCompliant ?? false,
        complianceProblems: (created.compliance?.problems ?? []).map((p) => ({
          key: p.key,
          localizedMessage: p.message,
        })),
      };
    },
    addAPIApp: async (req, ctx) => {
      const created = await this.apps.create(authenticatedCallerOf(ctx), newApiAppV1(req));
      return {
        appId: created.id,
        details: detailsAtV1(created.createdAt, created.resourceOwner),
        clientId: created.clientId ?? '',
        clientSecret: created.clientSecret ?? '',
      };
    },
    addSAMLApp: async (req, ctx) => {
      const created = await this.apps.create(authenticatedCallerOf(ctx), newSamlAppV1(req));
      return { appId: created.id, details: detailsAtV1(created.createdAt, created.resourceOwner) };
    },
    updateApp: async (req, ctx) => {
      const update = { projectId: req.projectId, appId: req.appId, name: req.name };
      return { details: eventDetailsV1(await this.apps.update(authenticatedCallerOf(ctx), update)) };
    },
    updateOIDCAppConfig: async (req, ctx) => ({
      details: eventDetailsV1(await this.apps.update(authenticatedCallerOf(ctx), oidcConfigUpdateV1(req))),
    }),
    updateSAMLAppConfig: async (req, ctx) => ({
      details: eventDetailsV1(await this.apps.update(authenticatedCallerOf(ctx), samlConfigUpdateV1(req))),
    }),
    updateAPIAppConfig: async (req, ctx) => ({
      details: eventDetailsV1(await this.apps.update(authenticatedCallerOf(ctx), apiConfigUpdateV1(req))),
    }),
    deactivateApp: async (req, ctx) => ({
      details: eventDetailsV1(
        await this.apps.setState(authenticatedCallerOf(ctx), req.projectId, req.appId, 'inactive'),
      ),
    }),
    reactivateApp: async (req, ctx) => ({
      details: eventDetailsV1(await this.apps.setState(authenticatedCallerOf(ctx), req.projectId, req.appId, 'active')),
    }),
    removeApp: async (req, ctx) => ({
      details: eventDetailsV1(await this.apps.delete(authenticatedCallerOf(ctx), req.projectId, req.appId)),
    }),
    regenerateOIDCClientSecret: async (req, ctx) => {
      const r = await this.apps.regenerateSecret(authenticatedCallerOf(ctx), req.projectId, req.appId, 'oidc');
      return { clientSecret: r.secret, details: detailsAtV1(r.createdAt, r.resourceOwner) };
    },
    regenerateAPIClientSecret: async (req, ctx) => {
      const r = await this.apps.regenerateSecret(authenticatedCallerOf(ctx), req.projectId, req.appId, 'api');
      return { clientSecret: r.secret, details: detailsAtV1(r.createdAt, r.resourceOwner) };
    },
    getAppKey: async (req, ctx) => {
      const match = { projectId: req.projectId, appId: req.appId };
      return { key: appKeyV1(await this.queries.getKey(authenticatedCallerOf(ctx), req.keyId, match)) };
    },
    listAppKeys: async (req, ctx) => {
      const listed = await this.queries.listKeys(
        authenticatedCallerOf(ctx),
        { appId: req.appId },
        'id',
        page(req.query),
      );
      return { details: listDetailsV1(listed.total), result: listed.items.map(appKeyV1) };
    },
    addAppKey: async (req, ctx) => {
      keyTypeV1(req.type);
      const key = await this.apps.addKey(
        authenticatedCallerOf(ctx),
        req.projectId,
        req.appId,
        expirationV1(req.expirationDate),
      );
      return { id: key.id, details: detailsAtV1(key.createdAt, key.resourceOwner), keyDetails: key.keyFile };
    },
    removeAppKey: async (req, ctx) => {
      const match = { projectId: req.projectId, appId: req.appId };
      return { details: eventDetailsV1(await this.apps.deleteKey(authenticatedCallerOf(ctx), req.keyId, match)) };
    },
  };
}
