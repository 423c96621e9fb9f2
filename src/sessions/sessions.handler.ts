import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { SessionFieldName } from '@zitadel/proto/zitadel/session/v2/session_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, listDetailsV2 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { SessionQueries, type SessionSort } from './sessions.queries.js';
import { challengesOf, checksOf, filterOf, lifetimeMs, sessionV2, userAgentOf } from './sessions.mapper.js';
import { SessionsService, type SessionWritten } from './sessions.service.js';

/**
 * As ZITADEL's descriptor options: every method needs an authenticated caller, and the service
 * decides per session (session.read / session.write / session.delete on the org of the session's
 * user, or the session's own token or user; CreateSession needs session.write).
 */
export const SESSION_V2_ACCESS: AccessTable<typeof SessionService> = {
  listSessions: 'authenticated',
  getSession: 'authenticated',
  createSession: 'authenticated',
  setSession: 'authenticated',
  deleteSession: 'authenticated',
};

const SORT: Record<number, SessionSort> = {
  [SessionFieldName.UNSPECIFIED]: 'unspecified',
  [SessionFieldName.CREATION_DATE]: 'creationDate',
};

function challengesV2(written: SessionWritten) {
  const { webAuthn, otpSms, otpEmail } = written.challenges;
  if (!webAuthn && otpSms === undefined && otpEmail === undefined) return undefined;
  return { webAuthN: webAuthn && { publicKeyCredentialRequestOptions: webAuthn }, otpSms, otpEmail };
}

/** Transport edge of zitadel.session.v2.SessionService. */
@Injectable()
export class SessionsHandler implements OnModuleInit {
  constructor(
    private readonly sessions: SessionsService,
    private readonly queries: SessionQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: SessionService, impl: this.v2, access: SESSION_V2_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof SessionService>> = {
    createSession: async (req, ctx) => {
      const written = await this.sessions.create(
        authenticatedCallerOf(ctx),
        {
          checks: checksOf(req.checks),
          metadata: req.metadata,
          challenges: challengesOf(req.challenges),
          lifetimeMs: lifetimeMs(req.lifetime),
        },
        userAgentOf(req.userAgent),
      );
      return {
        details: detailsV2(written.details),
        sessionId: written.id,
        sessionToken: written.token,
        challenges: challengesV2(written),
      };
    },
    setSession: async (req, ctx) => {
      const written = await this.sessions.set(
        authenticatedCallerOf(ctx),
        req.sessionId,
        req.sessionToken || undefined,
        {
          checks: checksOf(req.checks),
          metadata: req.metadata,
          challenges: challengesOf(req.challenges),
          lifetimeMs: lifetimeMs(req.lifetime),
        },
      );
      return { details: detailsV2(written.details), sessionToken: written.token, challenges: challengesV2(written) };
    },
    getSession: async (req, ctx) => ({
      session: sessionV2(
        await this.queries.get(authenticatedCallerOf(ctx), req.sessionId, req.sessionToken || undefined),
      ),
    }),
    listSessions: async (req, ctx) => {
      const p = page(req.query, 'query');
      const filters = req.queries.map((q, i) => filterOf(q, `queries[${i}]`));
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        filters,
        SORT[req.sortingColumn] ?? 'unspecified',
        p,
      );
      return { details: listDetailsV2(listed.total), sessions: listed.items.map(sessionV2) };
    },
    deleteSession: async (req, ctx) => ({
      details: detailsV2(
        await this.sessions.delete(authenticatedCallerOf(ctx), req.sessionId, req.sessionToken || undefined),
      ),
    }),
  };
}
