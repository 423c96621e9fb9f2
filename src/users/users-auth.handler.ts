import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf, type AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { textMatch } from '../platform/rpc/proto-mapping.js';
import { UserContacts } from './user-contacts.service.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { eventDetailsV1, listDetailsV1, objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { PasswordsService } from './credentials/passwords.service.js';
import { UserQueries, type MetadataEntry } from './users.queries.js';
import { emailV1, phoneV1, profileV1, userDetailsV1, userV1 } from './users-v1.mapper.js';
import { UsersService, type Verification } from './users.service.js';

/**
 * The caller's own user in ZITADEL's auth API. `authenticated` as the descriptors say: every
 * method acts on the caller's user only, through the same service rules as v2 (a user may change
 * its own profile, contacts and password; a code for a new email or phone is always sent there).
 */
export const AUTH_USER_ACCESS: AccessTable<typeof AuthService> = {
  getMyUser: 'authenticated',
  removeMyUser: { permission: 'user.self.delete' },
  updateMyUserName: 'authenticated',
  updateMyPassword: 'authenticated',
  getMyProfile: 'authenticated',
  updateMyProfile: 'authenticated',
  getMyEmail: 'authenticated',
  setMyEmail: 'authenticated',
  verifyMyEmail: 'authenticated',
  resendMyEmailVerification: 'authenticated',
  getMyPhone: 'authenticated',
  setMyPhone: 'authenticated',
  verifyMyPhone: 'authenticated',
  resendMyPhoneVerification: 'authenticated',
  removeMyPhone: 'authenticated',
  listMyMetadata: 'authenticated',
  getMyMetadata: 'authenticated',
  removeMyAvatar: 'authenticated',
};

/** A user changing its own email or phone proves it by the code sent there (ZITADEL's ChangeHumanEmail). */
const SEND: Verification = { kind: 'send' };

function me(ctx: HandlerContext): { caller: AuthenticatedCaller; userId: string } {
  const caller = authenticatedCallerOf(ctx);
  return { caller, userId: caller.principal.userId };
}

function metadataV1(m: MetadataEntry, resourceOwner: string) {
  return {
    details: objectDetailsV1({ sequence: 0n, creationDate: m.createdAt, changeDate: m.changedAt, resourceOwner }),
    key: m.key,
    value: m.value,
  };
}

/** Transport edge of zitadel.auth.v1.AuthService's user methods, served under /auth/v1/users/me. */
@Injectable()
export class UsersAuthHandler implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly contacts: UserContacts,
    private readonly queries: UserQueries,
    private readonly passwords: PasswordsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_USER_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_USER_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    removeMyAvatar: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.users.removeAvatar(caller, userId)) };
    },
    getMyUser: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { user: userV1(await this.queries.get(caller, userId)) };
    },
    removeMyUser: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.users.delete(caller, userId, 'user.self.delete')) };
    },
    updateMyUserName: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return {
        details: eventDetailsV1((await this.users.updateHuman(caller, userId, { username: req.userName })).event),
      };
    },
    // ZITADEL's ChangePassword: the current password is the proof, never a code or nothing.
    updateMyPassword: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      const event = await this.passwords.set(caller, userId, {
        password: req.newPassword,
        changeRequired: false,
        verification: { kind: 'currentPassword', value: req.oldPassword },
      });
      return { details: eventDetailsV1(event) };
    },
    getMyProfile: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const user = await this.queries.human(caller, userId);
      return { details: userDetailsV1(user), profile: profileV1(user) };
    },
    updateMyProfile: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      const updated = await this.users.updateHuman(caller, userId, {
        profile: {
          givenName: req.firstName,
          familyName: req.lastName,
          nickName: req.nickName,
          displayName: req.displayName,
          preferredLanguage: req.preferredLanguage,
          gender: req.gender,
        },
      });
      return { details: eventDetailsV1(updated.event) };
    },
    getMyEmail: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const user = await this.queries.human(caller, userId);
      return { details: userDetailsV1(user), email: emailV1(user) };
    },
    setMyEmail: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1((await this.contacts.setEmail(caller, userId, req.email, SEND)).event) };
    },
    verifyMyEmail: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.users.verifyEmail(caller, userId, req.code)) };
    },
    // ZITADEL's CreateHumanEmailVerificationCode: a new code while the email is unverified.
    resendMyEmailVerification: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1((await this.users.sendEmailCode(caller, userId, SEND, false)).event) };
    },
    getMyPhone: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const user = await this.queries.human(caller, userId);
      return { details: userDetailsV1(user), phone: phoneV1(user) };
    },
    setMyPhone: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1((await this.contacts.setPhone(caller, userId, req.phone, SEND)).event) };
    },
    verifyMyPhone: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.contacts.verifyPhone(caller, userId, req.code)) };
    },
    resendMyPhoneVerification: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1((await this.contacts.resendPhoneCode(caller, userId, SEND)).event) };
    },
    removeMyPhone: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.contacts.removePhone(caller, userId)) };
    },
    listMyMetadata: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      const keys = req.queries.flatMap((q) =>
        q.query.case === 'keyQuery' ? [{ match: textMatch(q.query.value.method), value: q.query.value.key }] : [],
      );
      const listed = await this.queries.metadata(caller, userId, keys, page(req.query, 'query'));
      return {
        details: listDetailsV1(listed.total),
        result: listed.items.map((m) => metadataV1(m, caller.principal.orgId)),
      };
    },
    getMyMetadata: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return {
        metadata: metadataV1(await this.queries.metadataEntry(caller, userId, req.key), caller.principal.orgId),
      };
    },
  };
}
