import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { textMatch } from '../platform/rpc/proto-mapping.js';
import { UserMetadataService } from './user-metadata.service.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { v1OrgOf as orgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';
import { keyNotFound, patNotFound } from './credentials/credentials.errors.js';
import { dateOf } from './credentials/credentials.mapper.js';
import { MachineCredentialsQueries, type CredentialRow } from './credentials/machine-credentials.queries.js';
import { MachineCredentialsService } from './credentials/machine-credentials.service.js';
import { UserQueries } from './users.queries.js';
import { metadataNotFound } from './users.errors.js';
import { metadataV1, type MetadataKeyFilter } from './users-v1.mapper.js';

const READ = { permission: 'user.read' } as const;
const WRITE = { permission: 'user.write' } as const;

/** ZITADEL's v1 permissions for machine credentials and user metadata (checked against the descriptors at boot). */
export const USERS_V1_CREDENTIALS_ACCESS: AccessTable<typeof ManagementService> = {
  generateMachineSecret: WRITE,
  removeMachineSecret: WRITE,
  addMachineKey: WRITE,
  getMachineKeyByIDs: READ,
  listMachineKeys: READ,
  removeMachineKey: WRITE,
  addPersonalAccessToken: WRITE,
  getPersonalAccessTokenByIDs: READ,
  listPersonalAccessTokens: READ,
  removePersonalAccessToken: WRITE,
  setUserMetadata: WRITE,
  bulkSetUserMetadata: WRITE,
  getUserMetadata: READ,
  listUserMetadata: READ,
  removeUserMetadata: WRITE,
  bulkRemoveUserMetadata: WRITE,
};

const changed = (e: WrittenEvent) =>
  objectDetailsV1({ sequence: e.sequence, changeDate: e.createdAt, resourceOwner: e.resourceOwner });
/** A new credential: it has no history of its own, so its details are its creation in the user's org. */
const created = (at: Date, resourceOwner: string) =>
  objectDetailsV1({ sequence: 0n, creationDate: at, changeDate: at, resourceOwner });

/** authn.v1.Key and user.v1.PersonalAccessToken share what a listed credential shows. */
const credentialV1 = (c: CredentialRow) => ({
  id: c.id,
  details: created(c.createdAt, c.organizationId),
  expirationDate: { seconds: BigInt(Math.floor(c.expiresAt.getTime() / 1000)), nanos: 0 },
});
/** KEY_TYPE_JSON: the only key type ZITADEL issues. */
const KEY_TYPE_JSON = 1;

/**
 * Transport edge of zitadel.management.v1's machine credentials (client secret, keys, PATs) and
 * user metadata, on the services v2 uses, for users of the v1 org context.
 */
@Injectable()
export class UsersV1CredentialsHandler implements OnModuleInit {
  constructor(
    private readonly registry: RpcRegistry,
    private readonly queries: UserQueries,
    private readonly userMetadata: UserMetadataService,
    private readonly machines: MachineCredentialsService,
    private readonly credentials: MachineCredentialsQueries,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, USERS_V1_CREDENTIALS_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: USERS_V1_CREDENTIALS_ACCESS });
  }

  private async user(ctx: HandlerContext, userId: string) {
    const { caller, orgId } = orgOf(ctx);
    return { caller, user: await this.queries.getInOrg(caller, orgId, userId) };
  }

  /** One user's keys or PATs, optionally one of them by id. */
  private async listCredentials(
    ctx: HandlerContext,
    kind: 'key' | 'pat',
    userId: string,
    query?: { offset?: bigint; limit?: number; asc?: boolean },
    id?: string,
  ) {
    const { caller } = await this.user(ctx, userId);
    return this.credentials.list(
      caller,
      kind,
      [{ kind: 'userId', id: userId }, ...(id ? [{ kind: 'id' as const, id }] : [])],
      'creationDate',
      page(query, 'query'),
    );
  }

  private async metadata(ctx: HandlerContext, userId: string, filters: MetadataKeyFilter[], query?: object) {
    const { caller, user } = await this.user(ctx, userId);
    const { items, total } = await this.queries.metadata(caller, userId, filters, page(query, 'query'));
    return { total, items: items.map((m) => metadataV1(m, user.resourceOwner)) };
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    generateMachineSecret: async (req, ctx) => {
      const { caller, user } = await this.user(ctx, req.userId);
      const secret = await this.machines.addSecret(caller, req.userId);
      return {
        clientId: user.username,
        clientSecret: secret.secret,
        details: created(secret.createdAt, user.resourceOwner),
      };
    },
    removeMachineSecret: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      return { details: changed(await this.machines.removeSecret(caller, req.userId)) };
    },

    addMachineKey: async (req, ctx) => {
      const { caller, user } = await this.user(ctx, req.userId);
      const key = await this.machines.addKey(caller, req.userId, {
        expiration: dateOf(req.expirationDate),
        publicKey: req.publicKey,
      });
      return { keyId: key.id, keyDetails: key.keyFile, details: created(key.createdAt, user.resourceOwner) };
    },
    getMachineKeyByIDs: async (req, ctx) => {
      const { rows } = await this.listCredentials(ctx, 'key', req.userId, undefined, req.keyId);
      if (!rows.length) throw keyNotFound();
      return { key: { ...credentialV1(rows[0]), type: KEY_TYPE_JSON } };
    },
    listMachineKeys: async (req, ctx) => {
      const { rows, total } = await this.listCredentials(ctx, 'key', req.userId, req.query);
      return { details: listDetailsV1(total), result: rows.map((r) => ({ ...credentialV1(r), type: KEY_TYPE_JSON })) };
    },
    removeMachineKey: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      return { details: changed(await this.machines.removeKey(caller, req.userId, req.keyId)) };
    },

    addPersonalAccessToken: async (req, ctx) => {
      const { caller, user } = await this.user(ctx, req.userId);
      const pat = await this.machines.addPersonalAccessToken(caller, req.userId, dateOf(req.expirationDate));
      return { tokenId: pat.id, token: pat.token, details: created(pat.createdAt, user.resourceOwner) };
    },
    getPersonalAccessTokenByIDs: async (req, ctx) => {
      const { rows } = await this.listCredentials(ctx, 'pat', req.userId, undefined, req.tokenId);
      if (!rows.length) throw patNotFound();
      return { token: credentialV1(rows[0]) };
    },
    listPersonalAccessTokens: async (req, ctx) => {
      const { rows, total } = await this.listCredentials(ctx, 'pat', req.userId, req.query);
      return { details: listDetailsV1(total), result: rows.map(credentialV1) };
    },
    removePersonalAccessToken: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      return { details: changed(await this.machines.removePersonalAccessToken(caller, req.userId, req.tokenId)) };
    },

    setUserMetadata: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.id);
      return {
        id: req.id,
        details: changed(await this.userMetadata.setMetadata(caller, req.id, [{ key: req.key, value: req.value }])),
      };
    },
    bulkSetUserMetadata: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.id);
      return { details: changed(await this.userMetadata.setMetadata(caller, req.id, req.metadata)) };
    },
    getUserMetadata: async (req, ctx) => {
      const { items } = await this.metadata(ctx, req.id, [{ match: 'equals', value: req.key }]);
      if (!items.length) throw metadataNotFound(req.key);
      return { metadata: items[0] };
    },
    listUserMetadata: async (req, ctx) => {
      const filters = req.queries.flatMap((q) =>
        q.query.case === 'keyQuery' ? [{ match: textMatch(q.query.value.method), value: q.query.value.key }] : [],
      );
      const { items, total } = await this.metadata(ctx, req.id, filters, req.query);
      return { details: listDetailsV1(total), result: items };
    },
    removeUserMetadata: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.id);
      return { details: changed(await this.userMetadata.deleteMetadata(caller, req.id, [req.key])) };
    },
    bulkRemoveUserMetadata: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.id);
      return { details: changed(await this.userMetadata.deleteMetadata(caller, req.id, req.keys)) };
    },
  };
}
