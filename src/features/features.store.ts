import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../platform/database/transactions.js';
import { FEATURE_KEYS, type FeatureName, type FeatureValues } from './feature-flags.js';
import { holdTransactionLock } from '../platform/database/transaction-locks.js';

/** The levels that have rows: organizations and users carry no flags in the pinned contract. */
export type StoredLevel = 'system' | 'instance';

export interface StoredFeatures {
  readonly values: FeatureValues;
  readonly sequence: bigint;
  readonly changedAt: Date;
}

const NAME_OF_KEY: ReadonlyMap<string, FeatureName> = new Map(
  Object.entries(FEATURE_KEYS).map(([name, key]) => [key, name as FeatureName]),
);

/** The row's instance id: system rows belong to no instance. */
const rowInstance = (level: StoredLevel, instanceId: string) => (level === 'system' ? '' : instanceId);

/** Stored as ZITADEL's feature keys, login v2's base URI as `base_uri`, as its events carry them. */
function toStored(values: FeatureValues): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    stored[FEATURE_KEYS[name as FeatureName]] =
      name === 'loginV2' ? { required: value.required, base_uri: value.baseUri ?? null } : value;
  }
  return stored;
}

function fromStored(stored: Record<string, unknown>): FeatureValues {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    const name = NAME_OF_KEY.get(key);
    if (!name) continue;
    if (name === 'loginV2') {
      const v = value as { required: boolean; base_uri: string | null };
      values.loginV2 = { required: v.required, ...(v.base_uri ? { baseUri: v.base_uri } : {}) };
    } else values[name] = value;
  }
  return values as FeatureValues;
}

/** The only SQL on `feature_flags`. */
@Injectable()
export class FeaturesStore {
  constructor(private readonly tx: Transactions) {}

  /** The flags set at one level, or undefined when it sets none. */
  async read(
    level: StoredLevel,
    instanceId: string,
    db: EntityManager = this.tx.reader,
  ): Promise<StoredFeatures | undefined> {
    const [row] = await db.query(
      'SELECT flags, sequence, changed_at FROM feature_flags WHERE instance_id = $1 AND level = $2',
      [rowInstance(level, instanceId), level],
    );
    return row
      ? { values: fromStored(row.flags), sequence: BigInt(row.sequence), changedAt: row.changed_at }
      : undefined;
  }

  /** The system's and the instance's flags in one round trip (the hot paths' read). */
  async systemAndInstance(instanceId: string): Promise<{ system: FeatureValues; instance: FeatureValues }> {
    const rows: { level: StoredLevel; flags: Record<string, unknown> }[] = await this.tx.reader.query(
      `SELECT level, flags FROM feature_flags
        WHERE (instance_id = '' AND level = 'system') OR (instance_id = $1 AND level = 'instance')`,
      [instanceId],
    );
    const of = (level: StoredLevel) => fromStored(rows.find((r) => r.level === level)?.flags ?? {});
    return { system: of('system'), instance: of('instance') };
  }

  async write(
    tx: EntityManager,
    level: StoredLevel,
    instanceId: string,
    values: FeatureValues,
    written: { sequence: bigint; createdAt: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO feature_flags (instance_id, level, flags, sequence, changed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, level) DO UPDATE SET flags = EXCLUDED.flags, sequence = EXCLUDED.sequence, changed_at = EXCLUDED.changed_at`,
      [
        rowInstance(level, instanceId),
        level,
        JSON.stringify(toStored(values)),
        written.sequence.toString(),
        written.createdAt,
      ],
    );
  }

  async remove(tx: EntityManager, level: StoredLevel, instanceId: string): Promise<void> {
    await tx.query('DELETE FROM feature_flags WHERE instance_id = $1 AND level = $2', [
      rowInstance(level, instanceId),
      level,
    ]);
  }

  /** Changes of one level take turns, so none is lost between its read and its write. */
  async lock(tx: EntityManager, level: StoredLevel, instanceId: string): Promise<void> {
    await holdTransactionLock(tx, `${rowInstance(level, instanceId)}/features/${level}`);
  }
}
