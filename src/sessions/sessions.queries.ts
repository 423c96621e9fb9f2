import { Injectable } from '@nestjs/common';
import { visibleOrgs } from '../platform/authz/authorize.js';
import { and, column, fetchPage, listSql, type Filter, type Page } from '../platform/database/list-query.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { checkSessionAccess } from './session-access.js';
import { UserLookups } from '../users/user-lookups.queries.js';
import { noUserAgentOfCaller } from './sessions.errors.js';

/** A session as GetSession and ListSessions show it (no secrets). */
/**
 * SQL condition, for a statement of another context that must decide row by row in one pass (a
 * sweep deleting a batch): the session `sessionId` of instance `instanceId` (column expressions of
 * that statement) is there and has not expired.
 */
export const liveSessionExists = (instanceId: string, sessionId: string): string =>
  `EXISTS (SELECT 1 FROM sessions s WHERE s.instance_id = ${instanceId} AND s.id = ${sessionId}
            AND (s.expires_at IS NULL OR s.expires_at > now()))`;

export interface SessionView {
  readonly id: string;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
  readonly expiresAt: Date | null;
  readonly user?: {
    readonly id: string;
    readonly organizationId: string;
    readonly loginName: string;
    readonly displayName: string;
    readonly checkedAt: Date;
  };
  readonly passwordCheckedAt: Date | null;
  readonly intentCheckedAt: Date | null;
  readonly webAuthn?: { readonly checkedAt: Date; readonly userVerified: boolean };
  readonly totpCheckedAt: Date | null;
  readonly otpSmsCheckedAt: Date | null;
  readonly otpEmailCheckedAt: Date | null;
  readonly metadata: Record<string, Uint8Array>;
  readonly userAgent?: {
    readonly fingerprintId?: string;
    readonly ip?: string;
    readonly description?: string;
    readonly header: Record<string, string[]>;
  };
}

/** ListSessions' queries, in domain terms. `creator`/`fingerprint` undefined: the caller's own. */
export type SessionFilter =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'creationDate'; readonly operator: '=' | '<' | '<=' | '>' | '>='; readonly at: Date }
  | { readonly kind: 'creator'; readonly creator?: string }
  | { readonly kind: 'userAgent'; readonly fingerprintId?: string };

export type SessionSort = 'unspecified' | 'creationDate';
const SORT_COLUMNS: Record<SessionSort, string> = { unspecified: 's.id', creationDate: 's.created_at' };

const SELECT = `s.id, s.creator, s.user_id, s.user_resource_owner, s.user_checked_at, s.password_checked_at, s.intent_checked_at,
  s.webauthn_checked_at, s.webauthn_user_verified, s.totp_checked_at, s.otp_sms_checked_at, s.otp_email_checked_at, s.metadata,
  s.user_agent_fingerprint_id, s.user_agent_ip, s.user_agent_description, s.user_agent_header, s.expires_at, s.created_at,
  s.changed_at, s.sequence`;
const FROM = 'sessions s';

/**
 * Reading sessions. A session is visible to its user, its creator, and whoever holds
 * session.read on the org of its user (a session without a user: on the instance).
 */
@Injectable()
export class SessionQueries {
  constructor(
    private readonly tx: Transactions,
    private readonly users: UserLookups,
  ) {}

  async get(caller: Caller, sessionId: string, token: string | undefined): Promise<SessionView> {
    const rows: Record<string, any>[] = await this.tx.reader.query(
      `SELECT ${SELECT}, s.token_hash FROM ${FROM} WHERE s.instance_id = $1 AND s.id = $2`,
      [caller.instance.id, sessionId],
    );
    const row = rows[0];
    checkSessionAccess(
      caller,
      row && {
        tokenHash: row.token_hash,
        userId: row.user_id,
        userResourceOwner: row.user_resource_owner,
        creator: row.creator,
      },
      token,
      'read',
    );
    return (await this.views(caller.instance.id, [row]))[0];
  }

  async list(
    caller: Caller,
    filters: readonly SessionFilter[],
    sort: SessionSort,
    page: Page,
  ): Promise<{ items: SessionView[]; total: bigint }> {
    const visible = visibleOrgs(caller, 'session.read');
    const self = caller.principal?.userId;
    const visibility: Filter =
      visible === 'all'
        ? { op: 'true' }
        : {
            op: 'or',
            filters: [
              { op: 'in', column: column('s.user_resource_owner'), values: visible },
              ...(self
                ? [
                    { op: 'eq' as const, column: column('s.user_id'), value: self },
                    { op: 'eq' as const, column: column('s.creator'), value: self },
                  ]
                : []),
            ],
          };
    const resolved: Filter[] = [];
    for (const f of filters) resolved.push(await this.filter(caller, f));
    const q = listSql({
      select: SELECT,
      from: FROM,
      countFrom: 'sessions s', // the filters read only the session row
      where: and({ op: 'eq', column: column('s.instance_id'), value: caller.instance.id }, visibility, ...resolved),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('s.id'),
      page,
    });
    const { rows, total } = await fetchPage<Record<string, any>>(this.tx.reader, q);
    return { items: await this.views(caller.instance.id, rows), total };
  }

  private async filter(caller: Caller, f: SessionFilter): Promise<Filter> {
    switch (f.kind) {
      case 'ids':
        return { op: 'in', column: column('s.id'), values: f.ids };
      case 'user':
        return { op: 'eq', column: column('s.user_id'), value: f.userId };
      case 'creationDate':
        return { op: 'cmp', column: column('s.created_at'), operator: f.operator, value: f.at };
      case 'creator':
        // ZITADEL: an empty creator means the caller.
        return { op: 'eq', column: column('s.creator'), value: f.creator || caller.principal?.userId || '' };
      case 'userAgent':
        return {
          op: 'eq',
          column: column('s.user_agent_fingerprint_id'),
          value: f.fingerprintId || (await this.callerFingerprint(caller)),
        };
    }
  }

  /** ZITADEL: an empty fingerprint means the user agent of the call, i.e. of the caller's session token. */
  private async callerFingerprint(caller: Caller): Promise<string> {
    const sessionId = caller.principal?.method === 'session' ? caller.principal.sessionId : undefined;
    if (sessionId) {
      const [row]: { user_agent_fingerprint_id: string | null }[] = await this.tx.reader.query(
        `SELECT user_agent_fingerprint_id FROM sessions WHERE instance_id = $1 AND id = $2`,
        [caller.instance.id, sessionId],
      );
      if (row?.user_agent_fingerprint_id) return row.user_agent_fingerprint_id;
    }
    throw noUserAgentOfCaller();
  }

  /** Rows -> views, with how the users context shows each session's user. */
  private async views(instanceId: string, rows: Record<string, any>[]): Promise<SessionView[]> {
    const users = await this.users.shownAs(
      instanceId,
      rows.flatMap((r) => (r.user_id ? [r.user_id as string] : [])),
    );
    return rows.map((r): SessionView => {
      const header = (r.user_agent_header ?? {}) as Record<string, string[]>;
      const hasUserAgent =
        r.user_agent_fingerprint_id !== null ||
        r.user_agent_ip !== null ||
        r.user_agent_description !== null ||
        Object.keys(header).length > 0;
      return {
        id: r.id,
        createdAt: r.created_at,
        changedAt: r.changed_at,
        sequence: BigInt(r.sequence),
        expiresAt: r.expires_at,
        user: userOf(r, users.get(r.user_id)),
        passwordCheckedAt: r.password_checked_at,
        intentCheckedAt: r.intent_checked_at,
        webAuthn: r.webauthn_checked_at
          ? { checkedAt: r.webauthn_checked_at, userVerified: r.webauthn_user_verified }
          : undefined,
        totpCheckedAt: r.totp_checked_at,
        otpSmsCheckedAt: r.otp_sms_checked_at,
        otpEmailCheckedAt: r.otp_email_checked_at,
        metadata: Object.fromEntries(
          Object.entries((r.metadata ?? {}) as Record<string, string>).map(([k, v]) => [
            k,
            new Uint8Array(Buffer.from(v, 'base64')),
          ]),
        ),
        userAgent: hasUserAgent
          ? {
              fingerprintId: r.user_agent_fingerprint_id ?? undefined,
              ip: r.user_agent_ip ?? undefined,
              description: r.user_agent_description ?? undefined,
              header,
            }
          : undefined,
      };
    });
  }
}

/** The session's user as its view shows it; none for a session without a user or whose user is gone. */
function userOf(
  r: Record<string, any>,
  shown: { readonly displayName: string; readonly loginName: string } | undefined,
): SessionView['user'] {
  if (!r.user_id || !shown) return undefined;
  return {
    id: r.user_id,
    organizationId: r.user_resource_owner,
    loginName: shown.loginName,
    displayName: shown.displayName,
    checkedAt: r.user_checked_at,
  };
}
