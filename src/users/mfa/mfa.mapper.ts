import type { HandlerContext } from '@connectrpc/connect';
import { PasskeyAuthenticator } from '@zitadel/proto/zitadel/user/v2/auth_pb.js';
import { AuthFactorState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { AuthenticationMethodType, AuthFactors } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import { detailsV2 } from '../../platform/rpc/proto-mapping.js';
import type { FactorState } from './mfa.entity.js';
import type { AuthFactorKind, AuthFactorView, AuthMethodType } from './mfa.service.js';
import type { PasskeyView } from './webauthn.service.js';

export const details = (e: WrittenEvent) =>
  detailsV2({ sequence: e.sequence, changeDate: e.createdAt, resourceOwner: e.resourceOwner });

const METHOD_TYPES: Record<AuthMethodType, AuthenticationMethodType> = {
  password: AuthenticationMethodType.PASSWORD,
  passkey: AuthenticationMethodType.PASSKEY,
  idp: AuthenticationMethodType.IDP,
  totp: AuthenticationMethodType.TOTP,
  u2f: AuthenticationMethodType.U2F,
  otpSms: AuthenticationMethodType.OTP_SMS,
  otpEmail: AuthenticationMethodType.OTP_EMAIL,
};

export const authMethodTypeV2 = (t: AuthMethodType): AuthenticationMethodType => METHOD_TYPES[t];

const FACTOR_KINDS: Record<AuthFactors, AuthFactorKind> = {
  [AuthFactors.OTP]: 'totp',
  [AuthFactors.OTP_SMS]: 'otpSms',
  [AuthFactors.OTP_EMAIL]: 'otpEmail',
  [AuthFactors.U2F]: 'u2f',
};

/** ListAuthenticationFactors' `auth_factors`: all four when empty. */
export function factorKinds(requested: readonly AuthFactors[]): Set<AuthFactorKind> {
  if (!requested.length) return new Set(Object.values(FACTOR_KINDS));
  return new Set(requested.flatMap((f) => (FACTOR_KINDS[f] ? [FACTOR_KINDS[f]] : [])));
}

const STATES: Partial<Record<AuthFactorState, FactorState | 'removed'>> = {
  [AuthFactorState.NOT_READY]: 'pending',
  [AuthFactorState.READY]: 'ready',
  [AuthFactorState.REMOVED]: 'removed',
};

/** ListAuthenticationFactors' `states`: ready only when empty (ZITADEL's default). */
export function factorStates(requested: readonly AuthFactorState[]): Set<FactorState | 'removed'> {
  if (!requested.length) return new Set(['ready']);
  return new Set(requested.flatMap((s) => (STATES[s] ? [STATES[s]] : [])));
}

const stateV2 = (s: FactorState): AuthFactorState =>
  s === 'ready' ? AuthFactorState.READY : AuthFactorState.NOT_READY;

/**
 * A factor and a passkey as v2 (zitadel.user.v2) and v1 (zitadel.user.v1) answer them: the same
 * fields, and both versions number their AuthFactorState alike.
 */
export type AuthFactorInit = {
  readonly state: number;
  readonly type:
    | { readonly case: 'otp'; readonly value: object }
    | { readonly case: 'u2f'; readonly value: { readonly id?: string; readonly name?: string } }
    | { readonly case: 'otpSms'; readonly value: object }
    | { readonly case: 'otpEmail'; readonly value: object };
};

export function authFactorOf(f: AuthFactorView): AuthFactorInit {
  const state = stateV2(f.state);
  switch (f.kind) {
    case 'totp':
      return { state, type: { case: 'otp', value: {} } };
    case 'u2f':
      return { state, type: { case: 'u2f', value: { id: f.id, name: f.name } } };
    case 'otpSms':
      return { state, type: { case: 'otpSms', value: {} } };
    case 'otpEmail':
      return { state, type: { case: 'otpEmail', value: {} } };
  }
}

export function passkeyOf(p: PasskeyView): { id: string; name: string; state: number } {
  return { id: p.id, name: p.name, state: stateV2(p.state) };
}

export function attachment(a: PasskeyAuthenticator): 'platform' | 'cross-platform' | undefined {
  if (a === PasskeyAuthenticator.PLATFORM) return 'platform';
  if (a === PasskeyAuthenticator.CROSS_PLATFORM) return 'cross-platform';
  return undefined;
}

/** The host the request was sent to (HTTP/1.1 Host, or the URL HTTP/2's :authority became). */
export function requestHost(ctx: HandlerContext): string {
  return ctx.requestHeader.get('host') ?? new URL(ctx.url).host;
}
