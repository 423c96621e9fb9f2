import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GeneratorSettings, GeneratorType } from './generator-rules.js';

/** A generator an instance stored; its `changedAt`/`sequence` are those of its last event. */
export interface StoredGenerator extends GeneratorSettings {
  readonly type: GeneratorType;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
}

interface RawRow {
  generator_type: GeneratorType;
  length: number;
  expiry_ms: string;
  include_lower_letters: boolean;
  include_upper_letters: boolean;
  include_digits: boolean;
  include_symbols: boolean;
  created_at: Date;
  changed_at: Date;
  sequence: string;
}

const COLUMNS = `generator_type, length, expiry_ms, include_lower_letters, include_upper_letters, include_digits,
  include_symbols, created_at, changed_at, sequence`;

function toStored(r: RawRow): StoredGenerator {
  return {
    type: r.generator_type,
    length: r.length,
    expiryMs: Number(r.expiry_ms),
    includeLowerLetters: r.include_lower_letters,
    includeUpperLetters: r.include_upper_letters,
    includeDigits: r.include_digits,
    includeSymbols: r.include_symbols,
    createdAt: r.created_at,
    changedAt: r.changed_at,
    sequence: BigInt(r.sequence),
  };
}

/** The only SQL on `secret_generators`. */
@Injectable()
export class GeneratorStore {
  async all(db: EntityManager, instanceId: string): Promise<StoredGenerator[]> {
    const rows = (await db.query(`SELECT ${COLUMNS} FROM secret_generators WHERE instance_id = $1`, [
      instanceId,
    ])) as RawRow[];
    return rows.map(toStored);
  }

  async get(
    db: EntityManager,
    instanceId: string,
    type: GeneratorType,
    lock = false,
  ): Promise<StoredGenerator | undefined> {
    const rows = (await db.query(
      `SELECT ${COLUMNS} FROM secret_generators WHERE instance_id = $1 AND generator_type = $2${lock ? ' FOR UPDATE' : ''}`,
      [instanceId, type],
    )) as RawRow[];
    return rows[0] && toStored(rows[0]);
  }

  async save(tx: EntityManager, instanceId: string, g: StoredGenerator): Promise<void> {
    await tx.query(
      `INSERT INTO secret_generators (instance_id, ${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (instance_id, generator_type) DO UPDATE SET
         length = EXCLUDED.length, expiry_ms = EXCLUDED.expiry_ms,
         include_lower_letters = EXCLUDED.include_lower_letters, include_upper_letters = EXCLUDED.include_upper_letters,
         include_digits = EXCLUDED.include_digits, include_symbols = EXCLUDED.include_symbols,
         changed_at = EXCLUDED.changed_at, sequence = EXCLUDED.sequence`,
      [
        instanceId,
        g.type,
        g.length,
        g.expiryMs,
        g.includeLowerLetters,
        g.includeUpperLetters,
        g.includeDigits,
        g.includeSymbols,
        g.createdAt,
        g.changedAt,
        g.sequence.toString(),
      ],
    );
  }
}
