import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NewIdpLink {
  readonly instanceId: string;
  readonly idpId: string;
  readonly externalUserId: string;
  readonly externalUserName: string;
  readonly userId: string;
  readonly createdAt: Date;
}

/** The writes on `idp_links`. */
@Injectable()
export class IdpLinkStore {
  /** False when the upstream identity is already linked (to this user or another) in the instance. */
  async insert(tx: EntityManager, link: NewIdpLink): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO idp_links (instance_id, idp_id, external_user_id, external_user_name, user_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (instance_id, idp_id, external_user_id) DO NOTHING
       RETURNING idp_id`,
      [link.instanceId, link.idpId, link.externalUserId, link.externalUserName, link.userId, link.createdAt],
    );
    return rows.length > 0;
  }

  /** False when the user has no such link. */
  async remove(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    idpId: string,
    externalUserId: string,
  ): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected row count].
    const [, removed]: [unknown[], number] = await tx.query(
      `DELETE FROM idp_links WHERE instance_id = $1 AND user_id = $2 AND idp_id = $3 AND external_user_id = $4`,
      [instanceId, userId, idpId, externalUserId],
    );
    return removed > 0;
  }

  /** Removes every link through the provider; answers whose they were. */
  async removeAllOfProvider(
    tx: EntityManager,
    instanceId: string,
    idpId: string,
  ): Promise<{ userId: string; externalUserId: string }[]> {
    const [rows]: [{ user_id: string; external_user_id: string }[], number] = await tx.query(
      `DELETE FROM idp_links WHERE instance_id = $1 AND idp_id = $2 RETURNING user_id, external_user_id`,
      [instanceId, idpId],
    );
    return rows.map((r) => ({ userId: r.user_id, externalUserId: r.external_user_id }));
  }
}
