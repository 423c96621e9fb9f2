import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { listDetailsV2 } from '../../platform/rpc/proto-mapping.js';
import type { AccessTable } from '../../platform/rpc/registry.js';
import { UserServiceParts, type UserServiceImpl } from '../user-service-parts.js';
import {
  attachment,
  authFactorOf,
  authMethodTypeV2,
  details,
  factorKinds,
  factorStates,
  passkeyOf,
  requestHost,
} from './mfa.mapper.js';
import { MfaService } from './mfa.service.js';
import { WebAuthnService } from './webauthn.service.js';

/**
 * What each method needs before the service checks the user (ZITADEL's descriptor options):
 * `authenticated` because users manage their own factors; the service requires
 * user.credential.write / user.write / user.read on the user's org for anyone else.
 * Registration links need user.passkey.write somewhere, as in ZITADEL.
 */
export const USERS_MFA_ACCESS: AccessTable<typeof UserService> = {
  registerTOTP: 'authenticated',
  verifyTOTPRegistration: 'authenticated',
  removeTOTP: 'authenticated',
  addOTPSMS: 'authenticated',
  removeOTPSMS: 'authenticated',
  addOTPEmail: 'authenticated',
  removeOTPEmail: 'authenticated',
  registerPasskey: 'authenticated',
  verifyPasskeyRegistration: 'authenticated',
  createPasskeyRegistrationLink: { permission: 'user.passkey.write' },
  listPasskeys: 'authenticated',
  removePasskey: 'authenticated',
  registerU2F: 'authenticated',
  verifyU2FRegistration: 'authenticated',
  removeU2F: 'authenticated',
  listAuthenticationMethodTypes: 'authenticated',
  listAuthenticationFactors: 'authenticated',
  humanMFAInitSkipped: 'authenticated',
};

/** Transport edge of UserService's second factors and passkeys. */
@Injectable()
export class UsersMfaHandler implements OnModuleInit {
  constructor(
    private readonly parts: UserServiceParts,
    private readonly mfa: MfaService,
    private readonly webauthn: WebAuthnService,
  ) {}

  onModuleInit(): void {
    this.parts.add({ name: 'mfa', impl: this.impl(), access: USERS_MFA_ACCESS });
  }

  private impl(): UserServiceImpl {
    const { mfa, webauthn } = this;
    return {
      async registerTOTP(req, ctx) {
        const r = await mfa.registerTotp(authenticatedCallerOf(ctx), req.userId);
        return { details: details(r.event), uri: r.uri, secret: r.secret };
      },
      async verifyTOTPRegistration(req, ctx) {
        return { details: details(await mfa.verifyTotpRegistration(authenticatedCallerOf(ctx), req.userId, req.code)) };
      },
      async removeTOTP(req, ctx) {
        return { details: details(await mfa.removeTotp(authenticatedCallerOf(ctx), req.userId)) };
      },
      async addOTPSMS(req, ctx) {
        return { details: details(await mfa.addOtp(authenticatedCallerOf(ctx), req.userId, 'sms')) };
      },
      async removeOTPSMS(req, ctx) {
        return { details: details(await mfa.removeOtp(authenticatedCallerOf(ctx), req.userId, 'sms')) };
      },
      async addOTPEmail(req, ctx) {
        return { details: details(await mfa.addOtp(authenticatedCallerOf(ctx), req.userId, 'email')) };
      },
      async removeOTPEmail(req, ctx) {
        return { details: details(await mfa.removeOtp(authenticatedCallerOf(ctx), req.userId, 'email')) };
      },

      async registerPasskey(req, ctx) {
        const r = await webauthn.register(authenticatedCallerOf(ctx), req.userId, 'passkey', {
          domain: req.domain,
          requestHost: requestHost(ctx),
          attachment: attachment(req.authenticator),
          code: req.code,
        });
        return { details: details(r.event), passkeyId: r.id, publicKeyCredentialCreationOptions: r.options };
      },
      async verifyPasskeyRegistration(req, ctx) {
        const event = await webauthn.verify(
          authenticatedCallerOf(ctx),
          req.userId,
          'passkey',
          req.passkeyId,
          req.publicKeyCredential,
          req.passkeyName,
        );
        return { details: details(event) };
      },
      async createPasskeyRegistrationLink(req, ctx) {
        const medium =
          req.medium.case === 'returnCode'
            ? ({ kind: 'return' } as const)
            : ({ kind: 'send', urlTemplate: req.medium.value?.urlTemplate } as const);
        const r = await webauthn.createRegistrationLink(authenticatedCallerOf(ctx), req.userId, medium);
        return { details: details(r.event), code: r.code === undefined ? undefined : { id: r.codeId, code: r.code } };
      },
      async listPasskeys(req, ctx) {
        const passkeys = await webauthn.listPasskeys(authenticatedCallerOf(ctx), req.userId);
        return { details: listDetailsV2(BigInt(passkeys.length)), result: passkeys.map(passkeyOf) };
      },
      async removePasskey(req, ctx) {
        return {
          details: details(await webauthn.remove(authenticatedCallerOf(ctx), req.userId, 'passkey', req.passkeyId)),
        };
      },
      async registerU2F(req, ctx) {
        const r = await webauthn.register(authenticatedCallerOf(ctx), req.userId, 'u2f', {
          domain: req.domain,
          requestHost: requestHost(ctx),
        });
        return { details: details(r.event), u2fId: r.id, publicKeyCredentialCreationOptions: r.options };
      },
      async verifyU2FRegistration(req, ctx) {
        const event = await webauthn.verify(
          authenticatedCallerOf(ctx),
          req.userId,
          'u2f',
          req.u2fId,
          req.publicKeyCredential,
          req.tokenName,
        );
        return { details: details(event) };
      },
      async removeU2F(req, ctx) {
        return { details: details(await webauthn.remove(authenticatedCallerOf(ctx), req.userId, 'u2f', req.u2fId)) };
      },

      async listAuthenticationMethodTypes(req, ctx) {
        const filter = req.domainQuery
          ? { domain: req.domainQuery.domain, includeWithoutDomain: req.domainQuery.includeWithoutDomain }
          : undefined;
        const types = await mfa.listAuthMethodTypes(authenticatedCallerOf(ctx), req.userId, filter);
        return { details: listDetailsV2(BigInt(types.length)), authMethodTypes: types.map(authMethodTypeV2) };
      },
      async listAuthenticationFactors(req, ctx) {
        const factors = await mfa.listAuthFactors(
          authenticatedCallerOf(ctx),
          req.userId,
          factorKinds(req.authFactors),
          factorStates(req.states),
        );
        return { result: factors.map(authFactorOf) };
      },
      async humanMFAInitSkipped(req, ctx) {
        return { details: details(await mfa.skipMfaInit(authenticatedCallerOf(ctx), req.userId)) };
      },
    };
  }
}
