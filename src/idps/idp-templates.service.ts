import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import type { Permission } from '../platform/authz/permissions.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { and, type Filter, type Page } from '../platform/database/list-query.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type EventInput } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import type { IdpConfig, IdpKind, IdpSecrets, IdpTemplate } from './idp-config.js';
import {
  changesTemplate,
  checkedDraft,
  templateEventType,
  templateRemovedEventType,
  type TemplateDraft,
  type TemplateLevel,
} from './idp-template-rules.js';
import * as errors from './idps.errors.js';
import { IDP_LIST_COLUMNS, IdpQueries } from './idps.queries.js';
import { IdpStore, type StoredIdp } from './idps.store.js';
import { IdpLinksService } from './links.service.js';
import { generateSamlRequestKeys } from './saml-request-keys.js';
import { SamlIdpMetadataFetcher } from './saml-metadata-fetcher.js';

/** Where templates are managed: the instance's (admin API) or one org's (management API). */
export type TemplateScope = { readonly level: 'instance' } | { readonly level: 'org'; readonly orgId: string };

/** The list queries of ListProviders. */
export type TemplateQuery =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'name'; readonly filter: Filter }
  | { readonly kind: 'owner'; readonly owner: 'instance' | 'org' };

export interface TemplateCommand {
  readonly draft: TemplateDraft;
  /** SAML only: metadata fetched from here (through the outbound rules) instead of the draft's XML. */
  readonly metadataUrl?: string;
}

const PERMISSIONS = {
  instance: { read: 'iam.idp.read', write: 'iam.idp.write' },
  org: { read: 'org.idp.read', write: 'org.idp.write' },
} as const satisfies Record<TemplateLevel, { read: Permission; write: Permission }>;

/**
 * Commands and queries of identity provider templates, ZITADEL's instance IDPs (admin API) and
 * org IDPs (management API). An org's callers manage the org's own templates and read the
 * instance's too; every change writes its `instance.idp.*` / `org.idp.*` event in the
 * transaction that changes the row. Secrets are sealed with the master key and never returned.
 */
@Injectable()
export class IdpTemplatesService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
    private readonly store: IdpStore,
    private readonly queries: IdpQueries,
    private readonly orgs: OrgQueries,
    private readonly metadata: SamlIdpMetadataFetcher,
    private readonly links: IdpLinksService,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  async add(caller: Caller, scope: TemplateScope, command: TemplateCommand): Promise<ChangeInfo & { id: string }> {
    this.authorizeWrite(caller, scope);
    const draft = checkedDraft(await this.withMetadata(command), 'add');
    const id = this.ids.next();
    const secrets: IdpSecrets = {
      ...draft.secrets,
      ...(draft.config.kind === 'saml' ? await generateSamlRequestKeys(draft.name || id) : {}),
    };
    return this.tx.run(async (tx) => {
      await this.lockOrg(tx, caller, scope);
      const written = await this.push(tx, caller, scope, templateEventType(scope.level, draft.config.kind, 'added'), {
        id,
        name: draft.name,
        ...publicConfig(draft.config),
        ...draft.options,
      });
      const template: IdpTemplate = {
        instanceId: caller.instance.id,
        id,
        orgId: scope.level === 'org' ? scope.orgId : null,
        name: draft.name,
        state: 'active',
        config: draft.config,
        options: draft.options,
        createdAt: written.changeDate,
        changedAt: written.changeDate,
        sequence: written.sequence,
      };
      await this.store.insert(tx, template, this.seal(secrets));
      return { ...written, creationDate: written.changeDate, id };
    });
  }

  /**
   * Replaces the template of the same kind. Secrets left empty keep the stored ones; an update
   * that changes nothing succeeds without an event (ZITADEL answers it with the last details).
   */
  async update(caller: Caller, scope: TemplateScope, id: string, command: TemplateCommand): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    const draft = checkedDraft(await this.withMetadata(command), 'update');
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id, draft.config.kind);
      const current = stored.template;
      if (!changesTemplate(current, draft)) return unchangedDetails(current, scope, caller);
      const written = await this.push(tx, caller, scope, templateEventType(scope.level, draft.config.kind, 'changed'), {
        id,
        name: draft.name,
        ...publicConfig(draft.config),
        ...draft.options,
        ...secretChanges(draft),
      });
      const secrets: IdpSecrets = { ...this.queries.openSecrets(stored.sealedSecrets), ...draft.secrets };
      await this.store.update(
        tx,
        {
          ...current,
          name: draft.name,
          config: draft.config,
          options: draft.options,
          changedAt: written.changeDate,
          sequence: written.sequence,
        },
        this.seal(secrets),
      );
      return written;
    });
  }

  /** A new request-signing key pair and certificate for a SAML template (the old ones stop working). */
  async regenerateSamlCertificate(caller: Caller, scope: TemplateScope, id: string): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    const peek = await this.loadOwn(this.tx.reader, caller, scope, id, 'saml');
    const keys = await generateSamlRequestKeys(peek.template.name || id);
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id, 'saml');
      const written = await this.push(tx, caller, scope, templateEventType(scope.level, 'saml', 'changed'), {
        id,
        certificateChanged: true,
      });
      const secrets: IdpSecrets = { ...this.queries.openSecrets(stored.sealedSecrets), ...keys };
      await this.store.update(
        tx,
        { ...stored.template, changedAt: written.changeDate, sequence: written.sequence },
        this.seal(secrets),
      );
      return written;
    });
  }

  /** Removes the template, its entries on login policies and the users' links to it (ZITADEL's cascade events). */
  async remove(caller: Caller, scope: TemplateScope, id: string): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    return this.tx.run(async (tx) => {
      await this.loadOwn(tx, caller, scope, id);
      // The links' events go on each user's history, owned by the user's org.
      await this.links.removeAllOfProvider(tx, caller, id);
      const removed = await this.store.delete(tx, caller.instance.id, id);
      const cascade: EventInput[] = removed.policies.map((p) =>
        policyEvent(caller, p.orgId, 'idpprovider.cascade.removed', { idpConfigId: id }),
      );
      const written = await this.push(tx, caller, scope, templateRemovedEventType(scope.level), { id }, cascade);
      return written;
    });
  }

  // ---- queries ----------------------------------------------------------------------------

  /** One template: the scope's own, or (for an org) the instance's, which every org may use. */
  async get(caller: Caller, scope: TemplateScope, id: string): Promise<IdpTemplate> {
    this.authorizeRead(caller, scope);
    const stored = await this.queries.get(this.tx.reader, caller.instance.id, id);
    if (!stored || !visibleIn(stored.template, scope)) throw errors.idpNotFound();
    return stored.template;
  }

  /** ListProviders: the instance's templates, or an org's together with the instance's. */
  async list(
    caller: Caller,
    scope: TemplateScope,
    queries: readonly TemplateQuery[],
    page: Page,
  ): Promise<{ items: IdpTemplate[]; total: bigint }> {
    this.authorizeRead(caller, scope);
    const C = IDP_LIST_COLUMNS;
    const owned: Filter =
      scope.level === 'instance'
        ? { op: 'isTrue', column: C.instanceOwned }
        : {
            op: 'or',
            filters: [
              { op: 'isTrue', column: C.instanceOwned },
              { op: 'eq', column: C.orgId, value: scope.orgId },
            ],
          };
    const filters = queries.map((q): Filter => {
      if (q.kind === 'id') return { op: 'eq', column: C.id, value: q.id };
      if (q.kind === 'name') return q.filter;
      if (q.owner === 'instance') return { op: 'isTrue', column: C.instanceOwned };
      return scope.level === 'org' ? { op: 'eq', column: C.orgId, value: scope.orgId } : { op: 'false' };
    });
    return this.queries.list(this.tx.reader, caller.instance.id, and(owned, ...filters), page);
  }

  /**
   * zitadel.idp.v2 GetIDPByID: any template of the instance the caller may read, the instance's
   * with `iam.idp.read`, an org's with `org.idp.read` on that org; others are not found.
   */
  async getAny(caller: Caller, id: string): Promise<IdpTemplate> {
    const stored = await this.queries.get(this.tx.reader, caller.instance.id, id);
    if (!stored) throw errors.idpNotFound();
    const orgId = stored.template.orgId;
    if (orgId === null) authorize(caller, 'iam.idp.read', { instance: true }, errors.idpNotFound);
    else authorize(caller, 'org.idp.read', { orgId }, errors.idpNotFound);
    return stored.template;
  }

  // ---- internals --------------------------------------------------------------------------

  private authorizeRead(caller: Caller, scope: TemplateScope): void {
    const permission = PERMISSIONS[scope.level].read;
    if (scope.level === 'instance')
      authorize(caller, permission, { instance: true }, () => errors.instanceDenied(permission));
    else authorize(caller, permission, { orgId: scope.orgId }, errors.orgNotFound);
  }

  private authorizeWrite(caller: Caller, scope: TemplateScope): void {
    const { read, write } = PERMISSIONS[scope.level];
    if (scope.level === 'instance') authorize(caller, write, { instance: true }, () => errors.instanceDenied(write));
    else authorize(caller, write, { orgId: scope.orgId }, errors.orgNotFound, read);
  }

  /** The org must exist (and stay, until commit) for its templates to change. */
  private async lockOrg(tx: EntityManager, caller: Caller, scope: TemplateScope): Promise<void> {
    if (scope.level !== 'org') return;
    if (!(await this.orgs.exists(tx, caller.instance.id, scope.orgId, 'share'))) throw errors.orgNotFound();
  }

  /** A template the scope owns (an org may not change the instance's), of this kind when given, locked. */
  private async loadOwn(
    tx: EntityManager,
    caller: Caller,
    scope: TemplateScope,
    id: string,
    kind?: IdpKind,
  ): Promise<StoredIdp> {
    await this.lockOrg(tx, caller, scope);
    const stored = await this.store.get(tx, caller.instance.id, id, tx.queryRunner?.isTransactionActive ?? false);
    const ownerOk =
      stored && (scope.level === 'instance' ? stored.template.orgId === null : stored.template.orgId === scope.orgId);
    if (!stored || !ownerOk) throw errors.idpNotFound();
    if (kind && stored.template.config.kind !== kind) throw errors.wrongKind(kind);
    return stored;
  }

  private async withMetadata(command: TemplateCommand): Promise<TemplateDraft> {
    const { draft, metadataUrl } = command;
    if (draft.config.kind !== 'saml' || !metadataUrl?.trim()) return draft;
    const metadataXml = await this.metadata.fetch(metadataUrl, 'metadata_url');
    return { ...draft, config: { ...draft.config, metadataXml } };
  }

  private seal(secrets: IdpSecrets): string | null {
    return Object.keys(secrets).length ? this.masterKey.encrypt(JSON.stringify(secrets)) : null;
  }

  /** ZITADEL writes instance providers' events on the instance aggregate and org providers' on the org's. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    scope: TemplateScope,
    type: string,
    payload: Record<string, unknown>,
    before: readonly EventInput[] = [],
  ): Promise<ChangeInfo> {
    const aggregateId = scope.level === 'org' ? scope.orgId : caller.instance.id;
    const written = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      ...before,
      { aggregateType: scope.level, aggregateId, type, payload, resourceOwner: aggregateId },
    ]);
    const last = written[written.length - 1];
    return { sequence: last.sequence, changeDate: last.createdAt, resourceOwner: last.resourceOwner };
  }
}

function visibleIn(template: IdpTemplate, scope: TemplateScope): boolean {
  return template.orgId === null || (scope.level === 'org' && template.orgId === scope.orgId);
}

/** The configuration as events carry it: the metadata XML is large and public, kept out like secrets. */
function publicConfig(config: IdpConfig): Record<string, unknown> {
  if (config.kind === 'saml') {
    const { metadataXml: _xml, ...rest } = config;
    return rest;
  }
  return { ...config };
}

/** Which secrets an update replaced (never their values). */
function secretChanges(draft: TemplateDraft): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (draft.secrets.clientSecret) out.clientSecretChanged = true;
  if (draft.secrets.privateKey) out.privateKeyChanged = true;
  if (draft.secrets.bindPassword) out.bindPasswordChanged = true;
  return out;
}

function unchangedDetails(template: IdpTemplate, scope: TemplateScope, caller: Caller): ChangeInfo {
  return {
    sequence: template.sequence,
    changeDate: template.changedAt,
    resourceOwner: scope.level === 'org' ? scope.orgId : caller.instance.id,
  };
}

/** An event on the instance's (orgId null) or an org's login policy. */
export function policyEvent(
  caller: Caller,
  orgId: string | null,
  change: string,
  payload: Record<string, unknown>,
): EventInput {
  const aggregateId = orgId ?? caller.instance.id;
  return {
    aggregateType: orgId ? 'org' : 'instance',
    aggregateId,
    type: `${orgId ? 'org' : 'instance'}.policy.login.${change}`,
    payload,
    resourceOwner: aggregateId,
  };
}
