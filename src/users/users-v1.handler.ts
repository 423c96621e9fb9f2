import { Injectable, type OnModuleInit } from '@nestjs/common';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { authenticatedCallerOf, type AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { UserContacts } from './user-contacts.service.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { v1OrgOf as orgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { PasswordsService } from './credentials/passwords.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { WebAuthnService } from './mfa/webauthn.service.js';
import { UserImportService } from './user-import.service.js';
import { UserQueries, type UserView } from './users.queries.js';
import { userSort } from './users.mapper.js';
import { UsersService, type Verification } from './users.service.js';
import {
  accessTokenTypeFromV1,
  addHumanFromV1,
  authFactorV1,
  emailV1,
  importHumanFromV1,
  phoneV1,
  profileFromV1,
  profileV1,
  userDetailsV1,
  userFilterV1,
  userV1,
  webAuthNTokenV1,
} from './users-v1.mapper.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';

const READ = { permission: 'user.read' } as const;
const WRITE = { permission: 'user.write' } as const;

/** ZITADEL's v1 permissions (the descriptors' `zitadel.v1.auth_option`, checked at boot). */
export const USERS_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getUserByID: READ,
  getUserByLoginNameGlobal: { permission: 'user.global.read' },
  listUsers: READ,
  isUserUnique: READ,
  addHumanUser: WRITE,
  importHumanUser: WRITE,
  addMachineUser: WRITE,
  updateMachine: WRITE,
  deactivateUser: WRITE,
  reactivateUser: WRITE,
  lockUser: WRITE,
  unlockUser: WRITE,
  removeUser: { permission: 'user.delete' },
  updateUserName: WRITE,
  getHumanProfile: READ,
  updateHumanProfile: WRITE,
  getHumanEmail: READ,
  updateHumanEmail: WRITE,
  getHumanPhone: READ,
  updateHumanPhone: WRITE,
  removeHumanPhone: WRITE,
  setHumanInitialPassword: WRITE,
  setHumanPassword: WRITE,
  resendHumanInitialization: WRITE,
  resendHumanEmailVerification: WRITE,
  resendHumanPhoneVerification: WRITE,
  sendHumanResetPasswordNotification: WRITE,
  listHumanAuthFactors: READ,
  removeHumanAuthFactorOTP: WRITE,
  removeHumanAuthFactorU2F: WRITE,
  removeHumanAuthFactorOTPSMS: WRITE,
  removeHumanAuthFactorOTPEmail: WRITE,
  listHumanPasswordless: READ,
  removeHumanPasswordless: WRITE,
  addPasswordlessRegistration: { permission: 'user.credential.write' },
  sendPasswordlessRegistration: WRITE,
  removeHumanAvatar: WRITE,
};

const SEND: Verification = { kind: 'send' };
const VERIFIED: Verification = { kind: 'verified' };

const changed = (e: WrittenEvent) =>
  objectDetailsV1({ sequence: e.sequence, changeDate: e.createdAt, resourceOwner: e.resourceOwner });
const added = (e: WrittenEvent) =>
  objectDetailsV1({
    sequence: e.sequence,
    creationDate: e.createdAt,
    changeDate: e.createdAt,
    resourceOwner: e.resourceOwner,
  });

/** v1's `Type` of SendHumanResetPasswordNotification: 0 email, 1 SMS. */
const RESET_CHANNEL = ['email', 'sms'] as const;

/**
 * Transport edge of zitadel.management.v1's user methods: each maps the v1 request onto the same
 * users services v2 calls (UsersService, PasswordsService, MfaService, WebAuthnService) after
 * finding the user in the org context.
 */
@Injectable()
export class UsersV1Handler implements OnModuleInit {
  constructor(
    private readonly registry: RpcRegistry,
    private readonly users: UsersService,
    private readonly contacts: UserContacts,
    private readonly queries: UserQueries,
    private readonly passwords: PasswordsService,
    private readonly mfa: MfaService,
    private readonly webauthn: WebAuthnService,
    private readonly imports: UserImportService,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, USERS_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: USERS_V1_ACCESS });
  }

  /** The user in the request's org context (NotFound when it belongs to another org). */
  private async user(ctx: HandlerContext, userId: string): Promise<{ caller: AuthenticatedCaller; user: UserView }> {
    const { caller, orgId } = orgOf(ctx);
    return { caller, user: await this.queries.getInOrg(caller, orgId, userId) };
  }

  /** Runs a command on a user of the org context and answers its change details. */
  private async change(
    ctx: HandlerContext,
    userId: string,
    command: (caller: AuthenticatedCaller, user: UserView) => Promise<WrittenEvent | { event: WrittenEvent }>,
  ) {
    const { caller, user } = await this.user(ctx, userId);
    const done = await command(caller, user);
    return { details: changed('event' in done ? done.event : done) };
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getUserByID: async (req, ctx) => ({ user: userV1((await this.user(ctx, req.id)).user) }),
    getUserByLoginNameGlobal: async (req, ctx) => ({
      user: userV1(await this.queries.getByLoginNameGlobal(authenticatedCallerOf(ctx), req.loginName)),
    }),
    listUsers: async (req, ctx) => {
      const { caller, orgId } = orgOf(ctx);
      const filters = req.queries.map((q, i) => userFilterV1(q, `queries[${i}]`));
      const listed = await this.queries.list(
        caller,
        [{ kind: 'org', orgId }, ...filters],
        userSort(req.sortingColumn),
        page(req.query, 'query'),
      );
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map(userV1),
      };
    },
    isUserUnique: async (req, ctx) => {
      const { caller, orgId } = orgOf(ctx);
      return { isUnique: await this.queries.isUnique(caller, orgId, req.userName, req.email) };
    },

    addHumanUser: async (req, ctx) => {
      const { caller, orgId } = orgOf(ctx);
      const created = await this.users.createHuman(caller, orgId, addHumanFromV1(req));
      return { userId: created.userId, details: added(created.event) };
    },
    importHumanUser: async (req, ctx) => {
      const { caller, orgId } = orgOf(ctx);
      const created = await this.imports.importHuman(
        caller,
        orgId,
        importHumanFromV1(req),
        req.requestPasswordlessRegistration,
      );
      const lifetime = created.passwordless && {
        seconds: BigInt(Math.floor(created.passwordless.lifetimeMs / 1000)),
        nanos: 0,
      };
      return {
        userId: created.userId,
        details: added(created.event),
        passwordlessRegistration: created.passwordless && {
          link: created.passwordless.link,
          lifetime,
          expiration: lifetime,
        },
      };
    },
    addMachineUser: async (req, ctx) => {
      const { caller, orgId } = orgOf(ctx);
      const created = await this.users.createMachine(caller, orgId, {
        userId: req.userId || undefined,
        username: req.userName,
        name: req.name,
        description: req.description,
        accessTokenType: accessTokenTypeFromV1(req.accessTokenType),
      });
      return { userId: created.userId, details: added(created.event) };
    },
    updateMachine: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.users.updateMachine(caller, req.userId, {
          name: req.name,
          description: req.description,
          accessTokenType: accessTokenTypeFromV1(req.accessTokenType),
        }),
      ),

    deactivateUser: async (req, ctx) =>
      this.change(ctx, req.id, (caller) => this.users.transition(caller, req.id, 'deactivate')),
    reactivateUser: async (req, ctx) =>
      this.change(ctx, req.id, (caller) => this.users.transition(caller, req.id, 'reactivate')),
    lockUser: async (req, ctx) => this.change(ctx, req.id, (caller) => this.users.transition(caller, req.id, 'lock')),
    unlockUser: async (req, ctx) =>
      this.change(ctx, req.id, (caller) => this.users.transition(caller, req.id, 'unlock')),
    removeUser: async (req, ctx) => this.change(ctx, req.id, (caller) => this.users.delete(caller, req.id)),
    updateUserName: async (req, ctx) =>
      this.change(ctx, req.userId, (caller, user) =>
        user.type === 'machine'
          ? this.users.updateMachine(caller, req.userId, { username: req.userName })
          : this.users.updateHuman(caller, req.userId, { username: req.userName }),
      ),

    getHumanProfile: async (req, ctx) => {
      const { user } = await this.user(ctx, req.userId);
      return { details: userDetailsV1(user), profile: profileV1(user) };
    },
    updateHumanProfile: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.users.updateHuman(caller, req.userId, { profile: profileFromV1(req) }),
      ),
    getHumanEmail: async (req, ctx) => {
      const { user } = await this.user(ctx, req.userId);
      return { details: userDetailsV1(user), email: emailV1(user) };
    },
    updateHumanEmail: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.contacts.setEmail(caller, req.userId, req.email, req.isEmailVerified ? VERIFIED : SEND),
      ),
    getHumanPhone: async (req, ctx) => {
      const { user } = await this.user(ctx, req.userId);
      return { details: userDetailsV1(user), phone: phoneV1(user) };
    },
    updateHumanPhone: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.contacts.setPhone(caller, req.userId, req.phone, req.isPhoneVerified ? VERIFIED : SEND),
      ),
    removeHumanPhone: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.contacts.removePhone(caller, req.userId)),

    setHumanInitialPassword: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.passwords.set(caller, req.userId, {
          password: req.password,
          changeRequired: true,
          verification: { kind: 'none' },
        }),
      ),
    setHumanPassword: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.passwords.set(caller, req.userId, {
          password: req.password,
          changeRequired: !req.noChangeRequired,
          verification: { kind: 'none' },
        }),
      ),
    sendHumanResetPasswordNotification: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) =>
        this.passwords.requestReset(caller, req.userId, { kind: 'send', channel: RESET_CHANNEL[req.type] ?? 'email' }),
      ),
    resendHumanInitialization: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.users.resendInitialization(caller, req.userId, req.email)),
    resendHumanEmailVerification: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.users.sendEmailCode(caller, req.userId, SEND, false)),
    resendHumanPhoneVerification: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.contacts.resendPhoneCode(caller, req.userId, SEND)),

    listHumanAuthFactors: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      const factors = await this.mfa.listAuthFactors(
        caller,
        req.userId,
        new Set(['totp', 'u2f', 'otpSms', 'otpEmail'] as const),
        new Set(['ready'] as const),
      );
      return { result: factors.map(authFactorV1) };
    },
    removeHumanAuthFactorOTP: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.mfa.removeTotp(caller, req.userId)),
    removeHumanAuthFactorU2F: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.webauthn.remove(caller, req.userId, 'u2f', req.tokenId)),
    removeHumanAuthFactorOTPSMS: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.mfa.removeOtp(caller, req.userId, 'sms')),
    removeHumanAuthFactorOTPEmail: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.mfa.removeOtp(caller, req.userId, 'email')),
    listHumanPasswordless: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      return { result: (await this.webauthn.listPasskeys(caller, req.userId)).map(webAuthNTokenV1) };
    },
    removeHumanPasswordless: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.webauthn.remove(caller, req.userId, 'passkey', req.tokenId)),
    // ZITADEL's HumanAddPasswordlessInitCode: v2's CreatePasskeyRegistrationLink, answered as a link
    // to the login's passkey page with its lifetime (v1 shows neither the code nor its id).
    addPasswordlessRegistration: async (req, ctx) => {
      const { caller } = await this.user(ctx, req.userId);
      const r = await this.webauthn.createRegistrationLink(caller, req.userId, { kind: 'link' });
      return {
        details: added(r.event),
        link: r.link,
        expiration: durationFromMs(r.expiresAt.getTime() - r.event.createdAt.getTime()),
      };
    },
    // ZITADEL's HumanSendPasswordlessInitCode: the same code, mailed to the user's email.
    sendPasswordlessRegistration: async (req, ctx) =>
      this.change(
        ctx,
        req.userId,
        async (caller) => (await this.webauthn.createRegistrationLink(caller, req.userId, { kind: 'send' })).event,
      ),
    removeHumanAvatar: async (req, ctx) =>
      this.change(ctx, req.userId, (caller) => this.users.removeAvatar(caller, req.userId)),
  };
}
