import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MasterKey } from '../platform/crypto/master-key.js';
import { and, column, fetchPage, listSql, type Filter, type Page } from '../platform/database/list-query.js';
import type { IdpKind, IdpOptions, IdpSecrets, IdpTemplate } from './idp-config.js';
import { IDP_COLUMNS, toStored, type RawIdp, type StoredIdp } from './idps.store.js';

/** The columns list filters may name. */
export const IDP_LIST_COLUMNS = {
  id: column('t.id'),
  name: column('t.name'),
  orgId: column('t.org_id'),
  instanceOwned: column('(t.org_id IS NULL)'),
  /** Made through ZITADEL's old IDP configuration API. */
  legacy: column("(t.config -> 'legacy' IS NOT NULL)"),
} as const;

/** A provider as a login policy offers it. */
export interface LoginPolicyIdp {
  readonly idpId: string;
  readonly name: string;
  readonly kind: IdpKind;
  readonly orgId: string | null;
  readonly options: IdpOptions;
}

/**
 * Who says whether an org has a login policy of its own (the settings context registers it):
 * an org without one uses the instance's policy, and with it the instance's providers.
 */
export type CustomLoginPolicyCheck = (db: EntityManager, instanceId: string, orgId: string) => Promise<boolean>;

const TEMPLATE_COLUMNS = IDP_COLUMNS.split(', ')
  .map((c) => `t.${c}`)
  .join(', ');

/** The reads of provider templates and of the providers on login policies; other contexts call these. */
@Injectable()
export class IdpQueries {
  private customLoginPolicy?: CustomLoginPolicyCheck;

  constructor(private readonly masterKey: MasterKey) {}

  /** Settings registers how to tell whether an org has its own login policy. */
  attachCustomLoginPolicyCheck(check: CustomLoginPolicyCheck): void {
    this.customLoginPolicy = check;
  }

  async get(db: EntityManager, instanceId: string, id: string): Promise<StoredIdp | undefined> {
    const rows: RawIdp[] = await db.query(
      `SELECT ${IDP_COLUMNS} FROM idp_templates WHERE instance_id = $1 AND id = $2`,
      [instanceId, id],
    );
    return rows[0] && toStored(rows[0]);
  }

  /** A page of one instance's templates matching `where` (over IDP_LIST_COLUMNS), oldest first by default. */
  async list(
    db: EntityManager,
    instanceId: string,
    where: Filter,
    page: Page,
  ): Promise<{ items: IdpTemplate[]; total: bigint }> {
    const q = listSql({
      select: TEMPLATE_COLUMNS,
      from: 'idp_templates t',
      where: and({ op: 'eq', column: column('t.instance_id'), value: instanceId }, where),
      sort: column('t.created_at'),
      tieBreaker: column('t.id'),
      page,
    });
    const { rows, total } = await fetchPage<RawIdp>(db, q);
    return { items: rows.map((r) => toStored(r).template), total };
  }

  /**
   * The template an intent signs in through, with its secrets opened; undefined when it does not
   * exist in the instance or is not active (an intent never runs through an inactive provider).
   */
  async forIntent(
    db: EntityManager,
    instanceId: string,
    idpId: string,
  ): Promise<{ template: IdpTemplate; secrets: IdpSecrets } | undefined> {
    const stored = await this.get(db, instanceId, idpId);
    if (stored?.template.state !== 'active') return undefined;
    return { template: stored.template, secrets: this.openSecrets(stored.sealedSecrets) };
  }

  openSecrets(sealed: string | null): IdpSecrets {
    return sealed ? (JSON.parse(this.masterKey.decrypt(sealed)) as IdpSecrets) : {};
  }

  /**
   * The active providers the login offers for the org (undefined: the instance's): those on the
   * org's own login policy when it has one, else those on the instance's, in the order they were
   * added (ZITADEL's IDPLoginPolicyLinks on the policy in force).
   */
  async activeForLogin(db: EntityManager, instanceId: string, orgId: string | undefined): Promise<LoginPolicyIdp[]> {
    const owner = await this.policyOwner(db, instanceId, orgId);
    return this.onLoginPolicy(db, instanceId, owner, true);
  }

  /** The org whose login policy is in force for `orgId` (null: the instance's default policy). */
  async policyOwner(db: EntityManager, instanceId: string, orgId: string | undefined): Promise<string | null> {
    if (!orgId) return null;
    if (!this.customLoginPolicy) throw new Error('no custom login policy check attached to IdpQueries');
    return (await this.customLoginPolicy(db, instanceId, orgId)) ? orgId : null;
  }

  /** The providers on one login policy (the instance's when `orgId` is null), oldest entry first. */
  async onLoginPolicy(
    db: EntityManager,
    instanceId: string,
    orgId: string | null,
    activeOnly = false,
  ): Promise<LoginPolicyIdp[]> {
    const rows: { id: string; name: string; kind: IdpKind; org_id: string | null; options: IdpOptions }[] =
      await db.query(
        `SELECT t.id, t.name, t.kind, t.org_id, t.options
           FROM login_policy_idps p JOIN idp_templates t ON t.instance_id = p.instance_id AND t.id = p.idp_id
          WHERE p.instance_id = $1 AND p.owner = $2${activeOnly ? ` AND t.state = 'active'` : ''}
          ORDER BY p.created_at, t.id`,
        [instanceId, orgId ?? instanceId],
      );
    return rows.map((r) => ({ idpId: r.id, name: r.name, kind: r.kind, orgId: r.org_id, options: r.options }));
  }
}
