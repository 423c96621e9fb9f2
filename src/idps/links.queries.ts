import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Reads of `idp_links`: which user an upstream identity is linked to. */
@Injectable()
export class IdpLinkQueries {
  /** The user the upstream identity is linked to in this instance, if any. */
  async userFor(
    db: EntityManager,
    instanceId: string,
    idpId: string,
    externalUserId: string,
  ): Promise<string | undefined> {
    const rows: { user_id: string }[] = await db.query(
      `SELECT user_id FROM idp_links WHERE instance_id = $1 AND idp_id = $2 AND external_user_id = $3`,
      [instanceId, idpId, externalUserId],
    );
    return rows[0]?.user_id;
  }
}
