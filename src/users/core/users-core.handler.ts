import { Injectable, type OnModuleInit } from '@nestjs/common';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { page } from '../../platform/database/list-query.js';
import { invalidField } from '../../platform/errors/domain-error.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { detailsV2, textMatch, ts, type ChangeInfo } from '../../platform/rpc/proto-mapping.js';
import type { AccessTable } from '../../platform/rpc/registry.js';
import { UserContacts } from '../user-contacts.service.js';
import { UserMetadataService } from '../user-metadata.service.js';
import { UserQueries } from '../users.queries.js';
import { UserServiceParts, type UserServiceImpl } from '../user-service-parts.js';
import { newHuman, orgRef, userFilter, userMessage, userSort, verification, userDetails } from '../users.mapper.js';
import { UsersService, type HumanChanges } from '../users.service.js';
import { notYetSupported } from '../users.errors.js';
import type { NewPassword } from '../credentials/passwords.service.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';

/**
 * What each core method needs before the service checks the specific user. `authenticated`
 * where ZITADEL lets users act on themselves; the service then requires the permission for
 * anyone else.
 */
export const USERS_CORE_ACCESS: AccessTable<typeof UserService> = {
  createUser: { permission: 'user.write' },
  addHumanUser: { permission: 'user.write' },
  getUserByID: 'authenticated',
  listUsers: 'authenticated',
  updateUser: 'authenticated',
  updateHumanUser: 'authenticated',
  deactivateUser: { permission: 'user.write' },
  reactivateUser: { permission: 'user.write' },
  lockUser: { permission: 'user.write' },
  unlockUser: { permission: 'user.write' },
  deleteUser: 'authenticated',
  setEmail: 'authenticated',
  resendEmailCode: 'authenticated',
  sendEmailCode: 'authenticated',
  verifyEmail: 'authenticated',
  setPhone: 'authenticated',
  removePhone: 'authenticated',
  resendPhoneCode: 'authenticated',
  verifyPhone: 'authenticated',
  createInviteCode: { permission: 'user.write' },
  resendInviteCode: { permission: 'user.write' },
  verifyInviteCode: 'authenticated',
  setUserMetadata: { permission: 'user.write' },
  listUserMetadata: 'authenticated',
  deleteUserMetadata: { permission: 'user.write' },
};

const details = (e: WrittenEvent) =>
  detailsV2({ sequence: e.sequence, changeDate: e.createdAt, resourceOwner: e.resourceOwner } satisfies ChangeInfo);

type ProfileLike = {
  givenName?: string;
  familyName?: string;
  nickName?: string;
  displayName?: string;
  preferredLanguage?: string;
  gender?: number;
};
type ContactLike = { email: string; verification: { case: string | undefined; value?: unknown } };
type PhoneLike = { phone: string; verification: { case: string | undefined; value?: unknown } };

type SetPasswordLike = {
  passwordType: { case: string | undefined; value?: unknown };
  verification: { case: string | undefined; value?: unknown };
};

/** UpdateUser's and UpdateHumanUser's `password` (zitadel.user.v2.SetPassword). */
function passwordChange(p: SetPasswordLike | undefined): NewPassword | undefined {
  if (!p) return undefined;
  if (p.passwordType.case === 'hashedPassword')
    throw notYetSupported('password.hashed_password on update (use SetPassword)');
  if (p.passwordType.case !== 'password') throw invalidField('USER-pwd0n', 'password.password', 'is required');
  const { password, changeRequired } = p.passwordType.value as { password: string; changeRequired: boolean };
  const v = p.verification;
  return {
    password,
    changeRequired,
    verification:
      v.case === 'currentPassword'
        ? { kind: 'currentPassword', value: v.value as string }
        : v.case === 'verificationCode'
          ? { kind: 'verificationCode', value: v.value as string }
          : { kind: 'none' },
  };
}

function humanChanges(req: {
  username?: string;
  profile?: ProfileLike;
  email?: ContactLike;
  phone?: PhoneLike;
  password?: SetPasswordLike;
}): HumanChanges {
  return {
    password: passwordChange(req.password),
    username: req.username,
    profile: req.profile,
    email: req.email ? { email: req.email.email, verification: verification(req.email.verification) } : undefined,
    phone: req.phone ? { phone: req.phone.phone, verification: verification(req.phone.verification) } : undefined,
  };
}

/** Transport edge of the core user methods: create, read, list, change, state, contact, metadata. */
@Injectable()
export class UsersCoreHandler implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly contacts: UserContacts,
    private readonly metadata: UserMetadataService,
    private readonly queries: UserQueries,
    private readonly parts: UserServiceParts,
  ) {}

  onModuleInit(): void {
    this.parts.add({ name: 'core', impl: this.impl, access: USERS_CORE_ACCESS });
  }

  private readonly impl: UserServiceImpl = {
    createUser: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const orgId = req.organizationId || caller.principal.orgId;
      if (req.userType.case === 'machine') {
        const { userId, event } = await this.users.createMachine(caller, orgId, {
          userId: req.userId,
          username: req.username ?? '',
          name: req.userType.value.name,
          description: req.userType.value.description,
        });
        return { id: userId, creationDate: ts(event.createdAt) };
      }
      if (req.userType.case !== 'human') throw invalidField('USER-typ3q', 'user_type', 'human or machine is required');
      const human = req.userType.value;
      const created = await this.users.createHuman(
        caller,
        orgId,
        newHuman({ ...human, userId: req.userId, username: req.username }, ''),
      );
      return {
        id: created.userId,
        creationDate: ts(created.event.createdAt),
        emailCode: created.emailCode,
        phoneCode: created.phoneCode,
      };
    },
    addHumanUser: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const created = await this.users.createHumanIn(
        caller,
        orgRef(req.organization) ?? { id: caller.principal.orgId },
        newHuman(req, ''),
      );
      return {
        userId: created.userId,
        details: details(created.event),
        emailCode: created.emailCode,
        phoneCode: created.phoneCode,
      };
    },
    getUserByID: async (req, ctx) => {
      const user = await this.queries.get(authenticatedCallerOf(ctx), req.userId);
      return { details: userDetails(user), user: userMessage(user) };
    },
    listUsers: async (req, ctx) => {
      const p = page(req.query, 'query');
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        req.queries.map((q, i) => userFilter(q, `queries[${i}]`)),
        userSort(req.sortingColumn),
        p,
      );
      return {
        details: { totalResult: listed.total, timestamp: ts(new Date()) },
        sortingColumn: req.sortingColumn,
        result: listed.items.map(userMessage),
      };
    },
    updateHumanUser: async (req, ctx) => {
      const updated = await this.users.updateHuman(authenticatedCallerOf(ctx), req.userId, humanChanges(req));
      return { details: details(updated.event), emailCode: updated.emailCode, phoneCode: updated.phoneCode };
    },
    updateUser: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      if (req.userType.case === 'machine') {
        const event = await this.users.updateMachine(caller, req.userId, {
          username: req.username,
          ...req.userType.value,
        });
        return { changeDate: ts(event.createdAt) };
      }
      const human = req.userType.case === 'human' ? req.userType.value : undefined;
      const updated = await this.users.updateHuman(
        caller,
        req.userId,
        humanChanges({
          username: req.username,
          profile: human?.profile,
          email: human?.email,
          phone: human?.phone,
          password: human?.password,
        }),
      );
      return { changeDate: ts(updated.event.createdAt), emailCode: updated.emailCode, phoneCode: updated.phoneCode };
    },
    deactivateUser: async (req, ctx) => ({
      details: details(await this.users.transition(authenticatedCallerOf(ctx), req.userId, 'deactivate')),
    }),
    reactivateUser: async (req, ctx) => ({
      details: details(await this.users.transition(authenticatedCallerOf(ctx), req.userId, 'reactivate')),
    }),
    lockUser: async (req, ctx) => ({
      details: details(await this.users.transition(authenticatedCallerOf(ctx), req.userId, 'lock')),
    }),
    unlockUser: async (req, ctx) => ({
      details: details(await this.users.transition(authenticatedCallerOf(ctx), req.userId, 'unlock')),
    }),
    deleteUser: async (req, ctx) => ({
      details: details(await this.users.delete(authenticatedCallerOf(ctx), req.userId)),
    }),
    setEmail: async (req, ctx) => {
      const r = await this.contacts.setEmail(
        authenticatedCallerOf(ctx),
        req.userId,
        req.email,
        verification(req.verification),
      );
      return { details: details(r.event), verificationCode: r.code };
    },
    sendEmailCode: async (req, ctx) => {
      const r = await this.users.sendEmailCode(
        authenticatedCallerOf(ctx),
        req.userId,
        verification(req.verification),
        false,
      );
      return { details: details(r.event), verificationCode: r.code };
    },
    resendEmailCode: async (req, ctx) => {
      const r = await this.users.sendEmailCode(
        authenticatedCallerOf(ctx),
        req.userId,
        verification(req.verification),
        true,
      );
      return { details: details(r.event), verificationCode: r.code };
    },
    verifyEmail: async (req, ctx) => ({
      details: details(await this.users.verifyEmail(authenticatedCallerOf(ctx), req.userId, req.verificationCode)),
    }),
    setPhone: async (req, ctx) => {
      const r = await this.contacts.setPhone(
        authenticatedCallerOf(ctx),
        req.userId,
        req.phone,
        verification(req.verification),
      );
      return { details: details(r.event), verificationCode: r.code };
    },
    removePhone: async (req, ctx) => ({
      details: details(await this.contacts.removePhone(authenticatedCallerOf(ctx), req.userId)),
    }),
    resendPhoneCode: async (req, ctx) => {
      const r = await this.contacts.resendPhoneCode(
        authenticatedCallerOf(ctx),
        req.userId,
        verification(req.verification),
      );
      return { details: details(r.event), verificationCode: r.code };
    },
    verifyPhone: async (req, ctx) => ({
      details: details(await this.contacts.verifyPhone(authenticatedCallerOf(ctx), req.userId, req.verificationCode)),
    }),
    createInviteCode: async (req, ctx) => {
      const r = await this.users.createInviteCode(
        authenticatedCallerOf(ctx),
        req.userId,
        verification(req.verification),
      );
      return { details: details(r.event), inviteCode: r.code };
    },
    resendInviteCode: async (req, ctx) => ({
      details: details((await this.users.resendInviteCode(authenticatedCallerOf(ctx), req.userId)).event),
    }),
    verifyInviteCode: async (req, ctx) => ({
      details: details(await this.users.verifyInviteCode(authenticatedCallerOf(ctx), req.userId, req.verificationCode)),
    }),
    setUserMetadata: async (req, ctx) => ({
      setDate: ts((await this.metadata.setMetadata(authenticatedCallerOf(ctx), req.userId, req.metadata)).createdAt),
    }),
    listUserMetadata: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const keys = req.filters.flatMap((f) =>
        f.filter.case === 'keyFilter' ? [{ match: textMatch(f.filter.value.method), value: f.filter.value.key }] : [],
      );
      const listed = await this.queries.metadata(authenticatedCallerOf(ctx), req.userId, keys, p);
      return {
        pagination: { totalResult: listed.total, appliedLimit: BigInt(p.limit) },
        metadata: listed.items.map((m) => ({
          key: m.key,
          value: m.value,
          creationDate: ts(m.createdAt),
          changeDate: ts(m.changedAt),
        })),
      };
    },
    deleteUserMetadata: async (req, ctx) => ({
      deletionDate: ts(
        (await this.metadata.deleteMetadata(authenticatedCallerOf(ctx), req.userId, req.keys)).createdAt,
      ),
    }),
  };
}
