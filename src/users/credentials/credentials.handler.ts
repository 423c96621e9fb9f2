import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { page } from '../../platform/database/list-query.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { detailsV2, ts } from '../../platform/rpc/proto-mapping.js';
import type { AccessTable } from '../../platform/rpc/registry.js';
import { UserServiceParts, type UserServiceImpl } from '../user-service-parts.js';
import {
  changeOf,
  credentialFilterOf,
  credentialSortOf,
  credentialV2,
  dateOf,
  newPasswordOf,
  resetDeliveryOf,
} from './credentials.mapper.js';
import { MachineCredentialsQueries } from './machine-credentials.queries.js';
import { MachineCredentialsService } from './machine-credentials.service.js';
import { PasswordsService } from './passwords.service.js';

/**
 * ZITADEL marks all of these `authenticated`: users may manage their own credentials, so the
 * services check user.write (user.read for lists) on the user's org, or that it is the caller.
 */
export const CREDENTIALS_ACCESS: AccessTable<typeof UserService> = {
  setPassword: 'authenticated',
  passwordReset: 'authenticated',
  addPersonalAccessToken: 'authenticated',
  removePersonalAccessToken: 'authenticated',
  listPersonalAccessTokens: 'authenticated',
  addKey: 'authenticated',
  removeKey: 'authenticated',
  listKeys: 'authenticated',
  addSecret: 'authenticated',
  removeSecret: 'authenticated',
};

/** Transport edge of passwords and machine credentials in zitadel.user.v2.UserService. */
@Injectable()
export class CredentialsHandler implements OnModuleInit {
  constructor(
    private readonly parts: UserServiceParts,
    private readonly passwords: PasswordsService,
    private readonly machines: MachineCredentialsService,
    private readonly queries: MachineCredentialsQueries,
  ) {}

  onModuleInit(): void {
    this.parts.add({ name: 'credentials', impl: this.impl, access: CREDENTIALS_ACCESS });
  }

  readonly impl: UserServiceImpl = {
    setPassword: async (req, ctx) => {
      const event = await this.passwords.set(authenticatedCallerOf(ctx), req.userId, newPasswordOf(req));
      return { details: detailsV2(changeOf(event)) };
    },
    passwordReset: async (req, ctx) => {
      const { event, code } = await this.passwords.requestReset(
        authenticatedCallerOf(ctx),
        req.userId,
        resetDeliveryOf(req),
      );
      return { details: detailsV2(changeOf(event)), verificationCode: code };
    },

    addPersonalAccessToken: async (req, ctx) => {
      const pat = await this.machines.addPersonalAccessToken(
        authenticatedCallerOf(ctx),
        req.userId,
        dateOf(req.expirationDate),
      );
      return { creationDate: ts(pat.createdAt), tokenId: pat.id, token: pat.token };
    },
    removePersonalAccessToken: async (req, ctx) => {
      const event = await this.machines.removePersonalAccessToken(authenticatedCallerOf(ctx), req.userId, req.tokenId);
      return { deletionDate: ts(event.createdAt) };
    },
    listPersonalAccessTokens: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => credentialFilterOf(f.filter, `filters[${i}]`));
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        'pat',
        filters,
        credentialSortOf(req.sortingColumn),
        p,
      );
      return {
        pagination: { totalResult: listed.total, appliedLimit: BigInt(p.limit) },
        result: listed.rows.map(credentialV2),
      };
    },

    addKey: async (req, ctx) => {
      const key = await this.machines.addKey(authenticatedCallerOf(ctx), req.userId, {
        expiration: dateOf(req.expirationDate),
        publicKey: req.publicKey,
      });
      return { creationDate: ts(key.createdAt), keyId: key.id, keyContent: key.keyFile };
    },
    removeKey: async (req, ctx) => {
      const event = await this.machines.removeKey(authenticatedCallerOf(ctx), req.userId, req.keyId);
      return { deletionDate: ts(event.createdAt) };
    },
    listKeys: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => credentialFilterOf(f.filter, `filters[${i}]`));
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        'key',
        filters,
        credentialSortOf(req.sortingColumn),
        p,
      );
      return {
        pagination: { totalResult: listed.total, appliedLimit: BigInt(p.limit) },
        result: listed.rows.map(credentialV2),
      };
    },

    addSecret: async (req, ctx) => {
      const added = await this.machines.addSecret(authenticatedCallerOf(ctx), req.userId);
      return { creationDate: ts(added.createdAt), clientSecret: added.secret };
    },
    removeSecret: async (req, ctx) => {
      const event = await this.machines.removeSecret(authenticatedCallerOf(ctx), req.userId);
      return { deletionDate: ts(event.createdAt) };
    },
  };
}
