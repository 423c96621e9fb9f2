import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { JsonObject } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { invalidField } from '../../platform/errors/domain-error.js';
import { authenticatedCallerOf, type AuthenticatedCaller } from '../../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { eventDetailsV1 } from '../../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { authFactorOf, factorKinds, passkeyOf, requestHost } from './mfa.mapper.js';
import { MfaService } from './mfa.service.js';
import { WebAuthnService } from './webauthn.service.js';

/**
 * The caller's own second factors and passkeys in ZITADEL's auth API: `authenticated`, as the
 * descriptors say; the services let a user manage its own factors.
 */
export const AUTH_MFA_ACCESS: AccessTable<typeof AuthService> = {
  listMyAuthFactors: 'authenticated',
  addMyAuthFactorOTP: 'authenticated',
  verifyMyAuthFactorOTP: 'authenticated',
  removeMyAuthFactorOTP: 'authenticated',
  addMyAuthFactorOTPSMS: 'authenticated',
  removeMyAuthFactorOTPSMS: 'authenticated',
  addMyAuthFactorOTPEmail: 'authenticated',
  removeMyAuthFactorOTPEmail: 'authenticated',
  addMyAuthFactorU2F: 'authenticated',
  verifyMyAuthFactorU2F: 'authenticated',
  removeMyAuthFactorU2F: 'authenticated',
  listMyPasswordless: 'authenticated',
  addMyPasswordless: 'authenticated',
  addMyPasswordlessLink: 'authenticated',
  sendMyPasswordlessLink: 'authenticated',
  verifyMyPasswordless: 'authenticated',
  removeMyPasswordless: 'authenticated',
};

const READY = new Set(['ready'] as const);

function me(ctx: HandlerContext): { caller: AuthenticatedCaller; userId: string } {
  const caller = authenticatedCallerOf(ctx);
  return { caller, userId: caller.principal.userId };
}

/** v1 carries WebAuthn JSON as bytes: the creation options out, the browser's credential in. */
const jsonBytes = (value: JsonObject) => new TextEncoder().encode(JSON.stringify(value));

function credentialJson(bytes: Uint8Array | undefined): JsonObject {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array()));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // reported below
  }
  throw invalidField('MFA-v1cr3', 'verification.public_key_credential', 'must be the credential as a JSON object');
}

/** Transport edge of zitadel.auth.v1.AuthService's factor methods, under /auth/v1/users/me. */
@Injectable()
export class MfaAuthHandler implements OnModuleInit {
  constructor(
    private readonly mfa: MfaService,
    private readonly webauthn: WebAuthnService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_MFA_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_MFA_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    // ZITADEL: the ready second factors (U2F, TOTP, OTP SMS and email).
    listMyAuthFactors: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const factors = await this.mfa.listAuthFactors(caller, userId, factorKinds([]), READY);
      return { result: factors.map(authFactorOf) };
    },
    addMyAuthFactorOTP: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const r = await this.mfa.registerTotp(caller, userId);
      return { url: r.uri, secret: r.secret, details: eventDetailsV1(r.event) };
    },
    verifyMyAuthFactorOTP: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.verifyTotpRegistration(caller, userId, req.code)) };
    },
    removeMyAuthFactorOTP: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.removeTotp(caller, userId)) };
    },
    addMyAuthFactorOTPSMS: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.addOtp(caller, userId, 'sms')) };
    },
    removeMyAuthFactorOTPSMS: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.removeOtp(caller, userId, 'sms')) };
    },
    addMyAuthFactorOTPEmail: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.addOtp(caller, userId, 'email')) };
    },
    removeMyAuthFactorOTPEmail: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.mfa.removeOtp(caller, userId, 'email')) };
    },

    addMyAuthFactorU2F: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const r = await this.webauthn.register(caller, userId, 'u2f', { requestHost: requestHost(ctx) });
      return { key: { publicKey: jsonBytes(r.options) }, details: eventDetailsV1(r.event) };
    },
    verifyMyAuthFactorU2F: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      const { publicKeyCredential, tokenName } = req.verification ?? {};
      const credential = credentialJson(publicKeyCredential);
      const event = await this.webauthn.verify(caller, userId, 'u2f', undefined, credential, tokenName ?? '');
      return { details: eventDetailsV1(event) };
    },
    removeMyAuthFactorU2F: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.webauthn.remove(caller, userId, 'u2f', req.tokenId)) };
    },

    listMyPasswordless: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      return { result: (await this.webauthn.listPasskeys(caller, userId)).map(passkeyOf) };
    },
    addMyPasswordless: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const r = await this.webauthn.register(caller, userId, 'passkey', { requestHost: requestHost(ctx) });
      return { key: { publicKey: jsonBytes(r.options) }, details: eventDetailsV1(r.event) };
    },
    addMyPasswordlessLink: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const r = await this.webauthn.createRegistrationLink(caller, userId, { kind: 'link' }, { self: true });
      return {
        details: eventDetailsV1(r.event),
        link: r.link,
        expiration: durationFromMs(r.expiresAt.getTime() - Date.now()),
      };
    },
    sendMyPasswordlessLink: async (_req, ctx) => {
      const { caller, userId } = me(ctx);
      const r = await this.webauthn.createRegistrationLink(caller, userId, { kind: 'send' }, { self: true });
      return { details: eventDetailsV1(r.event) };
    },
    verifyMyPasswordless: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      const { publicKeyCredential, tokenName } = req.verification ?? {};
      const credential = credentialJson(publicKeyCredential);
      const event = await this.webauthn.verify(caller, userId, 'passkey', undefined, credential, tokenName ?? '');
      return { details: eventDetailsV1(event) };
    },
    removeMyPasswordless: async (req, ctx) => {
      const { caller, userId } = me(ctx);
      return { details: eventDetailsV1(await this.webauthn.remove(caller, userId, 'passkey', req.tokenId)) };
    },
  };
}
