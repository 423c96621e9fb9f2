import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AuthRequestSchema,
  DeviceAuthorizationRequestSchema,
  ErrorReason,
  Prompt,
} from '@zitadel/proto/zitadel/oidc/v2/authorization_pb.js';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import {
  AuthRequestSchema as AuthRequestV2betaSchema,
  ErrorReason as ErrorReasonV2beta,
  Prompt as PromptV2beta,
} from '@zitadel/proto/zitadel/oidc/v2beta/authorization_pb.js';
import { OIDCService as OIDCServiceV2beta } from '@zitadel/proto/zitadel/oidc/v2beta/oidc_service_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { OidcService, type AuthRequestView, type LoginError, type OidcPrompt } from './oidc.service.js';

/**
 * Who may drive a login: a login client, `session.link` (IAM_LOGIN_CLIENT, or IAM_OWNER), for
 * reading a request as for finishing or denying it, so a plain user can neither read another's
 * request (client, redirect URI, login hint) nor finish it with its own session. The service
 * checks it again on the instance itself.
 */
export const OIDC_V2_ACCESS: AccessTable<typeof OIDCService> = {
  getAuthRequest: { permission: 'session.link' },
  createCallback: { permission: 'session.link' },
  getDeviceAuthorizationRequest: { permission: 'session.link' },
  authorizeOrDenyDeviceAuthorization: { permission: 'session.link' },
};
export const OIDC_V2BETA_ACCESS: AccessTable<typeof OIDCServiceV2beta> = {
  getAuthRequest: { permission: 'session.link' },
  createCallback: { permission: 'session.link' },
};

const PROMPTS: Record<OidcPrompt, Prompt> = {
  none: Prompt.NONE,
  login: Prompt.LOGIN,
  consent: Prompt.CONSENT,
  select_account: Prompt.SELECT_ACCOUNT,
  create: Prompt.CREATE,
};

/** ErrorReason (same numbers in v2 and v2beta) -> the OAuth error code sent to the app. */
function oauthError(reason: number, description: string | undefined, uri: string | undefined): LoginError {
  const name = (ErrorReason[reason] as string | undefined) ?? 'UNSPECIFIED';
  const error =
    name === 'UNSPECIFIED'
      ? 'server_error'
      : name === 'TEMPORARY_UNAVAILABLE'
        ? 'temporarily_unavailable'
        : name.toLowerCase();
  return { error, ...(description ? { description } : {}), ...(uri ? { uri } : {}) };
}

function authRequestFields(r: AuthRequestView) {
  return {
    id: r.id,
    creationDate: ts(r.createdAt),
    clientId: r.clientId,
    scope: [...r.scope],
    redirectUri: r.redirectUri,
    prompt: r.prompt.map((p) => PROMPTS[p]),
    uiLocales: [...r.uiLocales],
    loginHint: r.loginHint,
    maxAge: r.maxAgeSeconds === undefined ? undefined : durationFromMs(r.maxAgeSeconds * 1000),
    hintUserId: r.hintUserId,
  };
}

type CallbackKind =
  | { case: 'session'; value: { sessionId: string; sessionToken: string } }
  | { case: 'error'; value: { error: number; errorDescription?: string; errorUri?: string } }
  | { case: undefined };

function callbackOutcome(kind: CallbackKind) {
  if (kind.case === 'session') return { session: { id: kind.value.sessionId, token: kind.value.sessionToken } };
  if (kind.case === 'error')
    return { error: oauthError(kind.value.error, kind.value.errorDescription, kind.value.errorUri) };
  throw invalidField('OIDC-cb0k1', 'callback_kind', 'give a session (session_id and session_token) or an error');
}

/** Transport edge of zitadel.oidc.v2.OIDCService and its v2beta predecessor. */
@Injectable()
export class OidcHandler implements OnModuleInit {
  constructor(
    private readonly oidc: OidcService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: OIDCService, impl: this.v2, access: OIDC_V2_ACCESS });
    this.registry.register({ service: OIDCServiceV2beta, impl: this.v2beta, access: OIDC_V2BETA_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof OIDCService>> = {
    getAuthRequest: async (req, ctx) => ({
      authRequest: create(
        AuthRequestSchema,
        authRequestFields(await this.oidc.getAuthRequest(authenticatedCallerOf(ctx), req.authRequestId)),
      ),
    }),
    createCallback: async (req, ctx) => {
      const { callbackUrl, change } = await this.oidc.createCallback(
        authenticatedCallerOf(ctx),
        req.authRequestId,
        callbackOutcome(req.callbackKind),
      );
      return { callbackUrl, details: detailsV2(change) };
    },
    getDeviceAuthorizationRequest: async (req, ctx) => {
      const found = await this.oidc.getDeviceRequest(authenticatedCallerOf(ctx), req.userCode);
      return {
        deviceAuthorizationRequest: create(DeviceAuthorizationRequestSchema, { ...found, scope: [...found.scope] }),
      };
    },
    authorizeOrDenyDeviceAuthorization: async (req, ctx) => {
      const decision = req.decision;
      if (decision.case === undefined)
        throw invalidField(
          'OIDC-d3c15',
          'decision',
          'give a session (session_id and session_token) to authorize, or deny',
        );
      await this.oidc.authorizeOrDenyDevice(
        authenticatedCallerOf(ctx),
        req.deviceAuthorizationId,
        decision.case === 'session' ? { id: decision.value.sessionId, token: decision.value.sessionToken } : undefined,
      );
      return {};
    },
  };

  readonly v2beta: Partial<ServiceImpl<typeof OIDCServiceV2beta>> = {
    getAuthRequest: async (req, ctx) => {
      const found = authRequestFields(await this.oidc.getAuthRequest(authenticatedCallerOf(ctx), req.authRequestId));
      return {
        authRequest: create(AuthRequestV2betaSchema, { ...found, prompt: found.prompt as number[] as PromptV2beta[] }),
      };
    },
    createCallback: async (req, ctx) => {
      const { callbackUrl, change } = await this.oidc.createCallback(
        authenticatedCallerOf(ctx),
        req.authRequestId,
        callbackOutcome(req.callbackKind as CallbackKind),
      );
      return {
        callbackUrl,
        details: { sequence: change.sequence, changeDate: ts(change.changeDate), resourceOwner: change.resourceOwner },
      };
    },
  };
}

void ErrorReasonV2beta;
