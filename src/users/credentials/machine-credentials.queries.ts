import { Injectable } from '@nestjs/common';
import { visibleOrgs } from '../../platform/authz/authorize.js';
import { and, column, fetchPage, listSql, type Filter, type Page } from '../../platform/database/list-query.js';
import { Transactions } from '../../platform/database/transactions.js';
import { invalidField } from '../../platform/errors/domain-error.js';
import type { Caller } from '../../platform/rpc/call-context.js';

export type TimestampComparison = 'equals' | 'after' | 'afterOrEquals' | 'before' | 'beforeOrEquals';

/** The filters ListPersonalAccessTokens and ListKeys share (zitadel.filter.v2 IDFilter/TimestampFilter). */
export type CredentialFilter =
  | { readonly kind: 'id' | 'userId' | 'orgId'; readonly id: string }
  | {
      readonly kind: 'created' | 'expires';
      readonly comparison: TimestampComparison;
      readonly at: Date;
      readonly field: string;
    };

export type CredentialSort = 'creationDate' | 'id' | 'userId' | 'orgId' | 'expirationDate';

/** A PAT or key as listed: never its secret part. */
export interface CredentialRow {
  readonly id: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Whitelisted table expressions and columns of the two listable credentials. */
const TABLES = {
  pat: { from: 'personal_access_tokens c', select: 'c.id, c.user_id, c.resource_owner, c.created_at, c.expires_at' },
  key: { from: 'machine_keys c', select: 'c.id, c.user_id, c.resource_owner, c.created_at, c.expires_at' },
} as const;

const COLUMNS = {
  id: 'c.id',
  userId: 'c.user_id',
  orgId: 'c.resource_owner',
  created: 'c.created_at',
  expires: 'c.expires_at',
} as const;

const SORT_COLUMNS: Record<CredentialSort, string> = {
  creationDate: COLUMNS.created,
  id: COLUMNS.id,
  userId: COLUMNS.userId,
  orgId: COLUMNS.orgId,
  expirationDate: COLUMNS.expires,
};

const OPERATORS: Record<TimestampComparison, '=' | '<' | '<=' | '>' | '>='> = {
  equals: '=',
  after: '>',
  afterOrEquals: '>=',
  before: '<',
  beforeOrEquals: '<=',
};

/** A timestamp comparison; equality is to the millisecond, the precision of the API's timestamps. */
function timestampFilter(col: string, comparison: TimestampComparison, at: Date, field: string): Filter {
  if (Number.isNaN(at.getTime())) throw invalidField('CRED-t5nan', field, 'is not a valid timestamp');
  const lhs = comparison === 'equals' ? `date_trunc('milliseconds', ${col})` : col;
  return { op: 'cmp', column: column(lhs), operator: OPERATORS[comparison], value: at };
}

function credentialFilter(f: CredentialFilter): Filter {
  switch (f.kind) {
    case 'id':
    case 'userId':
    case 'orgId':
      return { op: 'eq', column: column(COLUMNS[f.kind]), value: f.id };
    case 'created':
    case 'expires':
      return timestampFilter(COLUMNS[f.kind], f.comparison, f.at, f.field);
  }
}

/**
 * ListPersonalAccessTokens and ListKeys: across users, limited to the orgs where the caller has
 * user.read, plus the caller's own credentials (a machine user may see what it may add).
 */
@Injectable()
export class MachineCredentialsQueries {
  constructor(private readonly tx: Transactions) {}

  list(
    caller: Caller,
    kind: keyof typeof TABLES,
    filters: readonly CredentialFilter[],
    sort: CredentialSort,
    page: Page,
  ): Promise<{ rows: CredentialRow[]; total: bigint }> {
    const visible = visibleOrgs(caller, 'user.read');
    const own = caller.principal?.userId;
    const scope: Filter =
      visible === 'all'
        ? { op: 'true' }
        : {
            op: 'or',
            filters: [
              { op: 'in', column: column(COLUMNS.orgId), values: visible },
              ...(own ? [{ op: 'eq', column: column(COLUMNS.userId), value: own } as const] : []),
            ],
          };
    const where = and(
      { op: 'eq', column: column('c.instance_id'), value: caller.instance.id },
      scope,
      ...filters.map(credentialFilter),
    );
    const table = TABLES[kind];
    const q = listSql({
      select: table.select,
      from: table.from,
      where,
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column(COLUMNS.id),
      page,
    });
    return fetchPage<{ id: string; user_id: string; resource_owner: string; created_at: Date; expires_at: Date }>(
      this.tx.reader,
      q,
    ).then(({ rows, total }) => ({
      total,
      rows: rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        organizationId: r.resource_owner,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      })),
    }));
  }

  // ---- machine users as OAuth clients (for oidc) --------------------------------------------

  /** The active machine users with the username, with their secret's hash (null without one). */
  async activeMachinesNamed(
    instanceId: string,
    username: string,
  ): Promise<{ id: string; orgId: string; secretHash: string | null; accessTokenType: string | null }[]> {
    const rows: {
      id: string;
      resource_owner: string;
      secret_hash: string | null;
      machine_access_token_type: string | null;
    }[] = await this.tx.reader.query(
      `SELECT u.id, u.resource_owner, s.secret_hash, u.machine_access_token_type
         FROM users u
         LEFT JOIN machine_secrets s ON s.instance_id = u.instance_id AND s.user_id = u.id
        WHERE u.instance_id = $1 AND u.username = $2 AND u.type = 'machine' AND u.state = 'active'`,
      [instanceId, username],
    );
    return rows.map((r) => ({
      id: r.id,
      orgId: r.resource_owner,
      secretHash: r.secret_hash,
      accessTokenType: r.machine_access_token_type,
    }));
  }

  /** An unexpired key of an active machine user, with the user's username and org. */
  async activeMachineKey(
    instanceId: string,
    keyId: string,
    userId: string,
  ): Promise<{ publicKey: string; username: string; orgId: string } | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT k.public_key, u.username, u.resource_owner FROM machine_keys k
         JOIN users u ON u.instance_id = k.instance_id AND u.id = k.user_id AND u.type = 'machine' AND u.state = 'active'
        WHERE k.instance_id = $1 AND k.id = $2 AND k.user_id = $3 AND k.expires_at > now()`,
      [instanceId, keyId, userId],
    );
    return row ? { publicKey: row.public_key, username: row.username, orgId: row.resource_owner } : undefined;
  }

  /** The machine user's unexpired public keys (PEM), by id. */
  async publicKeys(instanceId: string, userId: string): Promise<{ id: string; publicKey: string; expiresAt: Date }[]> {
    const rows: { id: string; public_key: string; expires_at: Date }[] = await this.tx.reader.query(
      'SELECT id, public_key, expires_at FROM machine_keys WHERE instance_id = $1 AND user_id = $2 AND expires_at > now() ORDER BY id',
      [instanceId, userId],
    );
    return rows.map((r) => ({ id: r.id, publicKey: r.public_key, expiresAt: r.expires_at }));
  }
}
