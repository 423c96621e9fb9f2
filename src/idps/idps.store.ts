import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IdpConfig, IdpKind, IdpOptions, IdpState, IdpTemplate } from './idp-config.js';

/** A stored template with its secrets still sealed (a JSON IdpSecrets under the master key). */
export interface StoredIdp {
  readonly template: IdpTemplate;
  readonly sealedSecrets: string | null;
}

export interface RawIdp {
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

export const IDP_COLUMNS = `instance_id, id, org_id, name, kind, state, config, options, secrets, created_at, changed_at, sequence`;

export function toStored(r: RawIdp): StoredIdp {
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

/** A login policy's entry removed with its provider: whose policy it was on. */
export interface RemovedPolicyEntry {
  readonly orgId: string | null;
}

/** Rows of an UPDATE/DELETE … RETURNING: TypeORM answers those as `[rows, affected count]`. */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** The writes on `idp_templates` and `login_policy_idps`; every statement is scoped to one instance. */
@Injectable()
export class IdpStore {
  async insert(tx: EntityManager, template: IdpTemplate, sealedSecrets: string | null): Promise<void> {
    const { kind, ...config } = template.config;
    await tx.query(
      `INSERT INTO idp_templates (${IDP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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

  /** One template, locked for the change when `forUpdate`. */
  async get(db: EntityManager, instanceId: string, id: string, forUpdate = false): Promise<StoredIdp | undefined> {
    const rows: RawIdp[] = await db.query(
      `SELECT ${IDP_COLUMNS} FROM idp_templates WHERE instance_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [instanceId, id],
    );
    return rows[0] && toStored(rows[0]);
  }

  /**
   * Replaces name, configuration (with its kind: a generic OIDC template migrates to Google or
   * Azure AD in place), options and sealed secrets; owner and creation stay.
   */
  async update(tx: EntityManager, template: IdpTemplate, sealedSecrets: string | null): Promise<void> {
    const { kind, ...config } = template.config;
    await tx.query(
      `UPDATE idp_templates SET name = $3, config = $4, options = $5, secrets = $6, changed_at = $7, sequence = $8,
        kind = $9 WHERE instance_id = $1 AND id = $2`,
      [
        template.instanceId,
        template.id,
        template.name,
        JSON.stringify(config),
        JSON.stringify(template.options),
        sealedSecrets,
        template.changedAt,
        template.sequence.toString(),
        kind,
      ],
    );
  }

  async setState(
    tx: EntityManager,
    instanceId: string,
    id: string,
    state: IdpState,
    changedAt: Date,
    sequence: bigint,
  ): Promise<void> {
    await tx.query(
      `UPDATE idp_templates SET state = $3, changed_at = $4, sequence = $5 WHERE instance_id = $1 AND id = $2`,
      [instanceId, id, state, changedAt, sequence.toString()],
    );
  }

  /**
   * Removes the template with its entries on login policies (intents go by the foreign key; the
   * users' links are removed before, with their events, by IdpLinksService). Returns the removed
   * policy entries, for the audit events.
   */
  async delete(tx: EntityManager, instanceId: string, id: string): Promise<{ policies: RemovedPolicyEntry[] }> {
    const policies = returned<{ org_id: string | null }>(
      await tx.query(`DELETE FROM login_policy_idps WHERE instance_id = $1 AND idp_id = $2 RETURNING org_id`, [
        instanceId,
        id,
      ]),
    );
    await tx.query(`DELETE FROM idp_templates WHERE instance_id = $1 AND id = $2`, [instanceId, id]);
    return { policies: policies.map((p) => ({ orgId: p.org_id })) };
  }

  /** Puts the provider on the instance's (orgId null) or an org's login policy; false when it is there already. */
  async addToLoginPolicy(
    tx: EntityManager,
    instanceId: string,
    orgId: string | null,
    idpId: string,
    at: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO login_policy_idps (instance_id, owner, org_id, idp_id, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT DO NOTHING RETURNING idp_id`,
      [instanceId, orgId ?? instanceId, orgId, idpId, at],
    );
    return rows.length > 0;
  }

  /** Takes the provider off the policy; false when it was not on it. */
  async removeFromLoginPolicy(
    tx: EntityManager,
    instanceId: string,
    orgId: string | null,
    idpId: string,
  ): Promise<boolean> {
    const rows = returned(
      await tx.query(
        `DELETE FROM login_policy_idps WHERE instance_id = $1 AND owner = $2 AND idp_id = $3 RETURNING idp_id`,
        [instanceId, orgId ?? instanceId, idpId],
      ),
    );
    return rows.length > 0;
  }

  /** Empties an org's login policy's provider list (its custom policy was removed). */
  async clearOrgLoginPolicy(tx: EntityManager, instanceId: string, orgId: string): Promise<string[]> {
    const rows = returned<{ idp_id: string }>(
      await tx.query(
        `DELETE FROM login_policy_idps WHERE instance_id = $1 AND owner = $2 AND org_id IS NOT NULL RETURNING idp_id`,
        [instanceId, orgId],
      ),
    );
    return rows.map((r) => r.idp_id);
  }
}
