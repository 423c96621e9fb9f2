import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page } from '../../platform/database/list-query.js';
import type { ProviderChannel, ProviderConfig, ProviderKind, ProviderState } from './provider-rules.js';

/** One stored provider; `secret` is the sealed password or token, never returned to callers. */
export interface ProviderRow {
  readonly instanceId: string;
  readonly id: string;
  readonly channel: ProviderChannel;
  readonly kind: ProviderKind;
  readonly state: ProviderState;
  readonly description: string;
  readonly config: ProviderConfig;
  readonly secret: string | null;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
}

const COLUMNS = `instance_id, id, channel, kind, state, description, config, secret, created_at, changed_at, sequence`;

interface RawRow {
  instance_id: string;
  id: string;
  channel: ProviderChannel;
  kind: ProviderKind;
  state: ProviderState;
  description: string;
  config: ProviderConfig;
  secret: string | null;
  created_at: Date;
  changed_at: Date;
  sequence: string;
}

function toRow(r: RawRow): ProviderRow {
  return {
    instanceId: r.instance_id,
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    state: r.state,
    description: r.description,
    config: r.config,
    secret: r.secret,
    createdAt: r.created_at,
    changedAt: r.changed_at,
    sequence: BigInt(r.sequence),
  };
}

/** The only SQL on `notification_providers`; every query is scoped to one instance and channel. */
@Injectable()
export class ProviderStore {
  async insert(
    tx: EntityManager,
    row: Omit<ProviderRow, 'state' | 'changedAt' | 'sequence'> & { sequence: bigint },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO notification_providers (${COLUMNS})
       VALUES ($1, $2, $3, $4, 'inactive', $5, $6, $7, $8, $8, $9)`,
      [
        row.instanceId,
        row.id,
        row.channel,
        row.kind,
        row.description,
        JSON.stringify(row.config),
        row.secret,
        row.createdAt,
        row.sequence.toString(),
      ],
    );
  }

  /**
   * Sets the given columns and the row's last event; `secret: undefined` keeps the stored one,
   * `secret: null` clears it.
   */
  async update(
    tx: EntityManager,
    instanceId: string,
    id: string,
    change: {
      description?: string;
      config?: ProviderConfig;
      secret?: string | null;
      state?: ProviderState;
      changedAt: Date;
      sequence: bigint;
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE notification_providers
          SET description = COALESCE($3, description), config = COALESCE($4::jsonb, config),
              secret = CASE WHEN $9 THEN NULL ELSE COALESCE($5, secret) END, state = COALESCE($6, state),
              changed_at = $7, sequence = $8
        WHERE instance_id = $1 AND id = $2`,
      [
        instanceId,
        id,
        change.description ?? null,
        change.config ? JSON.stringify(change.config) : null,
        change.secret ?? null,
        change.state ?? null,
        change.changedAt,
        change.sequence.toString(),
        change.secret === null,
      ],
    );
  }

  async delete(tx: EntityManager, instanceId: string, id: string): Promise<void> {
    await tx.query(`DELETE FROM notification_providers WHERE instance_id = $1 AND id = $2`, [instanceId, id]);
  }

  /** One provider of the channel; `lock` holds it for the rest of the transaction. */
  async get(
    tx: EntityManager,
    instanceId: string,
    channel: ProviderChannel,
    id: string,
    lock = false,
  ): Promise<ProviderRow | undefined> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM notification_providers
        WHERE instance_id = $1 AND channel = $2 AND id = $3${lock ? ' FOR UPDATE' : ''}`,
      [instanceId, channel, id],
    )) as RawRow[];
    return rows[0] && toRow(rows[0]);
  }

  async active(tx: EntityManager, instanceId: string, channel: ProviderChannel): Promise<ProviderRow | undefined> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM notification_providers WHERE instance_id = $1 AND channel = $2 AND state = 'active'`,
      [instanceId, channel],
    )) as RawRow[];
    return rows[0] && toRow(rows[0]);
  }

  async list(
    tx: EntityManager,
    instanceId: string,
    channel: ProviderChannel,
    page: Page,
  ): Promise<{ items: ProviderRow[]; total: bigint }> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM notification_providers
        WHERE instance_id = $1 AND channel = $2
        ORDER BY created_at ${page.asc ? 'ASC' : 'DESC'}, id
        OFFSET $3 LIMIT $4`,
      [instanceId, channel, page.offset, page.limit],
    )) as (RawRow & { total: string })[];
    let total = rows[0] ? BigInt(rows[0].total) : 0n;
    if (!rows.length && page.offset > 0) {
      const [{ n }] = (await tx.query(
        `SELECT count(*) AS n FROM notification_providers WHERE instance_id = $1 AND channel = $2`,
        [instanceId, channel],
      )) as { n: string }[];
      total = BigInt(n);
    }
    return { items: rows.map(toRow), total };
  }
}
