import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type IntentState = 'started' | 'succeeded' | 'failed' | 'consumed';

/** One row of `idp_intents`; `flowState` and `information` are still sealed. */
export interface StoredIntent {
  readonly instanceId: string;
  readonly id: string;
  readonly idpId: string;
  readonly state: IntentState;
  readonly successUrl: string | null;
  readonly failureUrl: string | null;
  readonly sealedFlowState: string | null;
  readonly sealedInformation: string | null;
  readonly externalUserId: string | null;
  readonly userId: string | null;
  readonly tokenHash: string | null;
  readonly failure: string | null;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly expiresAt: Date;
}

interface RawIntent {
  instance_id: string;
  id: string;
  idp_id: string;
  state: IntentState;
  success_url: string | null;
  failure_url: string | null;
  flow_state: string | null;
  information: string | null;
  external_user_id: string | null;
  user_id: string | null;
  token_hash: string | null;
  failure: string | null;
  created_at: Date;
  changed_at: Date;
  expires_at: Date;
}

const COLUMNS = `instance_id, id, idp_id, state, success_url, failure_url, flow_state, information,
  external_user_id, user_id, token_hash, failure, created_at, changed_at, expires_at`;

function toStored(r: RawIntent): StoredIntent {
  return {
    instanceId: r.instance_id,
    id: r.id,
    idpId: r.idp_id,
    state: r.state,
    successUrl: r.success_url,
    failureUrl: r.failure_url,
    sealedFlowState: r.flow_state,
    sealedInformation: r.information,
    externalUserId: r.external_user_id,
    userId: r.user_id,
    tokenHash: r.token_hash,
    failure: r.failure,
    createdAt: r.created_at,
    changedAt: r.changed_at,
    expiresAt: r.expires_at,
  };
}

/** The only SQL on `idp_intents`; every statement is scoped to one instance (the sweep to none). */
@Injectable()
export class IntentStore {
  async insert(
    tx: EntityManager,
    intent: Pick<StoredIntent, 'instanceId' | 'id' | 'idpId' | 'successUrl' | 'failureUrl' | 'sealedFlowState'> & {
      now: Date;
      expiresAt: Date;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO idp_intents (instance_id, id, idp_id, state, success_url, failure_url, flow_state,
         created_at, changed_at, expires_at)
       VALUES ($1, $2, $3, 'started', $4, $5, $6, $7, $7, $8)`,
      [
        intent.instanceId,
        intent.id,
        intent.idpId,
        intent.successUrl,
        intent.failureUrl,
        intent.sealedFlowState,
        intent.now,
        intent.expiresAt,
      ],
    );
  }

  /** The intent; with `lock`, its row stays locked until the transaction ends. */
  async get(db: EntityManager, instanceId: string, id: string, lock = false): Promise<StoredIntent | undefined> {
    const rows: RawIntent[] = await db.query(
      `SELECT ${COLUMNS} FROM idp_intents WHERE instance_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [instanceId, id],
    );
    return rows[0] && toStored(rows[0]);
  }

  /** started → succeeded; false when the intent was no longer waiting (a second callback). */
  async succeed(
    tx: EntityManager,
    key: { instanceId: string; id: string },
    result: {
      sealedInformation: string;
      externalUserId: string;
      userId: string | null;
      tokenHash: string;
      now: Date;
      expiresAt: Date;
    },
  ): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE idp_intents SET state = 'succeeded', flow_state = NULL, information = $3, external_user_id = $4,
         user_id = $5, token_hash = $6, changed_at = $7, expires_at = $8
       WHERE instance_id = $1 AND id = $2 AND state = 'started'`,
      [
        key.instanceId,
        key.id,
        result.sealedInformation,
        result.externalUserId,
        result.userId,
        result.tokenHash,
        result.now,
        result.expiresAt,
      ],
    )) as [unknown, number];
    return affected === 1;
  }

  /** started → failed with the reason; false when the intent was no longer waiting. */
  async fail(tx: EntityManager, key: { instanceId: string; id: string }, reason: string, now: Date): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE idp_intents SET state = 'failed', flow_state = NULL, failure = $3, changed_at = $4
       WHERE instance_id = $1 AND id = $2 AND state = 'started'`,
      [key.instanceId, key.id, reason, now],
    )) as [unknown, number];
    return affected === 1;
  }

  /**
   * succeeded → consumed: the upstream result is dropped (tokens and profile), only what the
   * audit needs stays until the sweep. False when it was not succeeded any more.
   */
  async consume(tx: EntityManager, key: { instanceId: string; id: string }, now: Date): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE idp_intents SET state = 'consumed', information = NULL, token_hash = NULL, changed_at = $3
       WHERE instance_id = $1 AND id = $2 AND state = 'succeeded'`,
      [key.instanceId, key.id, now],
    )) as [unknown, number];
    return affected === 1;
  }

  /** Deletes intents past their expiry, a batch at a time; safe in every process at once. */
  async sweep(db: EntityManager, now: Date, batch = 5_000): Promise<number> {
    const [, deleted] = (await db.query(
      `DELETE FROM idp_intents WHERE ctid IN (
         SELECT ctid FROM idp_intents WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, batch],
    )) as [unknown, number];
    return deleted;
  }
}
