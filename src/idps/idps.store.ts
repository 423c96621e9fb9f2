import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IdpConfig, IdpKind, IdpOptions, IdpState, IdpTemplate } from './idp-config.js';

/** A stored template with its secrets still sealed (a JSON IdpSecrets under the master key). */
export interface StoredIdp {
  readonly template: IdpTemplate;
  readonly sealedSecrets: string | null;
}

interface RawIdp {
  instance_id: string;
  id: string;
  org_id: string | null;
  name: string;
  kind: IdpKind;
  state: IdpState;
  config: Omit<IdpConfig, 'kind'>;
  options: IdpOptions;
  secrets: string | null;
  created_at: Date;
  changed_at: Date;
  sequence: string;
}

const COLUMNS = `instance_id, id, org_id, name, kind, state, config, options, secrets, created_at, changed_at, sequence`;

function toStored(r: RawIdp): StoredIdp {
  return {
    template: {
      instanceId: r.instance_id,
      id: r.id,
      orgId: r.org_id,
      name: r.name,
      state: r.state,
      config: { ...r.config, kind: r.kind } as IdpConfig,
      options: r.options,
      createdAt: r.created_at,
      changedAt: r.changed_at,
      sequence: BigInt(r.sequence),
    },
    sealedSecrets: r.secrets,
  };
}

/** The only SQL on `idp_templates`; every query is scoped to one instance. */
@Injectable()
export class IdpStore {
  async insert(tx: EntityManager, template: IdpTemplate, sealedSecrets: string | null): Promise<void> {
    const { kind, ...config } = template.config;
    await tx.query(
      `INSERT INTO idp_templates (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        template.instanceId,
        template.id,
        template.orgId,
        template.name,
        kind,
        template.state,
        JSON.stringify(config),
        JSON.stringify(template.options),
        sealedSecrets,
        template.createdAt,
        template.changedAt,
        template.sequence.toString(),
      ],
    );
  }

  async get(db: EntityManager, instanceId: string, id: string): Promise<StoredIdp | undefined> {
    const rows: RawIdp[] = await db.query(`SELECT ${COLUMNS} FROM idp_templates WHERE instance_id = $1 AND id = $2`, [
      instanceId,
      id,
    ]);
    return rows[0] && toStored(rows[0]);
  }
}
