import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IdpKind } from './idp-config.js';
import { column, fetchPage, listSql, type Page } from '../platform/database/list-query.js';

/** A link from an upstream identity to a user, with the provider's name and kind. */
export interface IdpLinkView {
  readonly userId: string;
  readonly idpId: string;
  readonly idpName: string;
  readonly idpKind: IdpKind;
  readonly externalUserId: string;
  readonly externalUserName: string;
  readonly createdAt: Date;
}

interface RawLink {
  user_id: string;
  idp_id: string;
  idp_name: string;
  idp_kind: IdpKind;
  external_user_id: string;
  external_user_name: string;
  created_at: Date;
}

/** Reads of `idp_links`: which user an upstream identity is linked to, and a user's links. */
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

  /** One page of the user's links, oldest first unless the page asks otherwise. */
  async ofUser(
    db: EntityManager,
    instanceId: string,
    userId: string,
    page: Page,
  ): Promise<{ items: IdpLinkView[]; total: bigint }> {
    const q = listSql({
      select:
        'l.user_id, l.idp_id, t.name AS idp_name, t.kind AS idp_kind, l.external_user_id, l.external_user_name, l.created_at',
      from: 'idp_links l JOIN idp_templates t ON t.instance_id = l.instance_id AND t.id = l.idp_id',
      countFrom: 'idp_links l',
      where: {
        op: 'and',
        filters: [
          { op: 'eq', column: column('l.instance_id'), value: instanceId },
          { op: 'eq', column: column('l.user_id'), value: userId },
        ],
      },
      sort: column('l.created_at'),
      tieBreaker: column('l.external_user_id'),
      page,
    });
    const { rows, total } = await fetchPage<RawLink>(db, q);
    return {
      items: rows.map((r) => ({
        userId: r.user_id,
        idpId: r.idp_id,
        idpName: r.idp_name,
        idpKind: r.idp_kind,
        externalUserId: r.external_user_id,
        externalUserName: r.external_user_name,
        createdAt: r.created_at,
      })),
      total,
    };
  }

  /** Whether the user has any link (an invite is refused then: the user can already sign in). */
  async hasAny(db: EntityManager, instanceId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM idp_links WHERE instance_id = $1 AND user_id = $2 LIMIT 1`, [
      instanceId,
      userId,
    ]);
    return rows.length > 0;
  }
}
