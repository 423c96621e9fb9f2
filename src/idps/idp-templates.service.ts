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
import type { IdpConfig, IdpKind, IdpSecrets, IdpState, IdpTemplate } from './idp-config.js';
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
  | { readonly kind: 'owner'; readonly owner: 'instance' | 'org' }
  /** Only the templates of ZITADEL's old IDP configuration API (ListIDPs). */
  | { readonly kind: 'legacy' };

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

  async add(
    caller: Caller,
    scope: TemplateScope,
    command: TemplateCommand,
    eventTypes?: readonly string[],
  ): Promise<ChangeInfo & { id: string }> {
    this.authorizeWrite(caller, scope);
    const draft = checkedDraft(await this.withMetadata(command), 'add');
    const id = this.ids.next();
    const secrets: IdpSecrets = {
      ...draft.secrets,
      ...(draft.config.kind === 'saml' ? await generateSamlRequestKeys(draft.name || id) : {}),
    };
    return this.tx.run(async (tx) => {
      await this.lockOrg(tx, caller, scope);
      const types = eventTypes ?? [templateEventType(scope.level, draft.config.kind, 'added')];
      const written = await this.pushAll(tx, caller, scope, types, {
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
    return this.change(caller, scope, id, draft.config.kind, (current) => {
      // A template of the old IDP API keeps what only that API shows.
      const legacy = 'legacy' in current.config ? current.config.legacy : undefined;
      const config = legacy ? ({ ...draft.config, legacy } as IdpConfig) : draft.config;
      return {
        draft: { ...draft, config },
        eventTypes: [templateEventType(scope.level, draft.config.kind, 'changed')],
      };
    });
  }

  // ---- ZITADEL's old IDP configuration API (AddOIDCIDP, AddJWTIDP, UpdateIDP …) ----------------

  /** AddOIDCIDP / AddJWTIDP: a template marked as the old API's, with its events. */
  async addLegacy(caller: Caller, scope: TemplateScope, draft: TemplateDraft): Promise<ChangeInfo & { id: string }> {
    const kind = draft.config.kind === 'jwt' ? 'jwt' : 'oidc';
    return this.add(caller, scope, { draft }, [
      `${scope.level}.idp.config.added`,
      `${scope.level}.idp.${kind}.config.added`,
    ]);
  }

  /**
   * UpdateIDP / UpdateIDPOIDCConfig / UpdateIDPJWTConfig: `patch` builds the whole draft from the
   * stored template; nothing changed is FAILED_PRECONDITION (Errors.IDPConfig.NotChanged).
   */
  async changeLegacy(
    caller: Caller,
    scope: TemplateScope,
    id: string,
    part: 'config' | 'oidc' | 'jwt',
    patch: (current: IdpTemplate) => TemplateDraft,
  ): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    return this.change(caller, scope, id, part === 'jwt' ? 'jwt' : part === 'oidc' ? 'oidc' : undefined, (current) => {
      if (!isLegacy(current)) throw errors.idpNotFound();
      const draft = checkedDraft(patch(current), 'update');
      if (!changesTemplate(current, draft)) throw errors.notChanged();
      const type =
        part === 'config' ? `${scope.level}.idp.config.changed` : `${scope.level}.idp.${part}.config.changed`;
      return { draft, eventTypes: [type] };
    });
  }

  /** DeactivateIDP / ReactivateIDP: an inactive template offers no sign-in (intents refuse it). */
  async setState(caller: Caller, scope: TemplateScope, id: string, state: IdpState): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id);
      const current = stored.template;
      if (!isLegacy(current)) throw errors.idpNotFound();
      if (current.state === state) throw state === 'active' ? errors.notInactive() : errors.notActive();
      const change = state === 'active' ? 'reactivated' : 'deactivated';
      const written = await this.push(tx, caller, scope, `${scope.level}.idp.config.${change}`, { id });
      await this.store.setState(tx, caller.instance.id, id, state, written.changeDate, written.sequence);
      return written;
    });
  }

  /** Loads the scope's own template (of `kind`), lets `next` decide the change, writes it with its events. */
  private change(
    caller: Caller,
    scope: TemplateScope,
    id: string,
    kind: IdpKind | undefined,
    next: (current: IdpTemplate) => { draft: TemplateDraft; eventTypes: readonly string[] },
  ): Promise<ChangeInfo> {
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id, kind);
      const current = stored.template;
      const { draft, eventTypes } = next(current);
      if (!changesTemplate(current, draft)) return unchangedDetails(current, scope, caller);
      const payload = {
        id,
        name: draft.name,
        ...publicConfig(draft.config),
        ...draft.options,
        ...secretChanges(draft),
      };
      const written = await this.pushAll(tx, caller, scope, eventTypes, payload);
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

  /**
   * MigrateGenericOIDCProvider: a generic OIDC template becomes a Google or Azure AD one under the
   * same id, so the users' links to it stay (ZITADEL's `*.idp.oidc.migrated.google|azure`). The
   * target is checked like a new template of its kind, its client secret included.
   */
  async migrateOidc(caller: Caller, scope: TemplateScope, id: string, command: TemplateCommand): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    const draft = checkedDraft(command.draft, 'add');
    const target = draft.config.kind === 'azureAd' ? 'azure' : draft.config.kind === 'google' ? 'google' : undefined;
    if (!target) throw errors.required('template');
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id, 'oidc');
      const written = await this.push(tx, caller, scope, `${scope.level}.idp.oidc.migrated.${target}`, {
        id,
        name: draft.name,
        ...publicConfig(draft.config),
        ...draft.options,
      });
      await this.store.update(
        tx,
        {
          ...stored.template,
          name: draft.name,
          config: draft.config,
          options: draft.options,
          changedAt: written.changeDate,
          sequence: written.sequence,
        },
        this.seal({ ...draft.secrets }),
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
  async remove(caller: Caller, scope: TemplateScope, id: string, legacy = false): Promise<ChangeInfo> {
    this.authorizeWrite(caller, scope);
    return this.tx.run(async (tx) => {
      const stored = await this.loadOwn(tx, caller, scope, id);
      if (legacy && !isLegacy(stored.template)) throw errors.idpNotFound();
      // The links' events go on each user's history, owned by the user's org.
      await this.links.removeAllOfProvider(tx, caller, id);
      const removed = await this.store.delete(tx, caller.instance.id, id);
      const cascade: EventInput[] = removed.policies.map((p) =>
        policyEvent(caller, p.orgId, 'idpprovider.cascade.removed', { idpConfigId: id }),
      );
      const removedType = legacy ? `${scope.level}.idp.config.removed` : templateRemovedEventType(scope.level);
      const written = await this.push(tx, caller, scope, removedType, { id }, cascade);
      return written;
    });
  }

  // ---- queries ----------------------------------------------------------------------------

  /** One template: the scope's own, or (for an org) the instance's, which every org may use. */
  async get(caller: Caller, scope: TemplateScope, id: string): Promise<IdpTemplate> {
    await this.authorizeRead(caller, scope);
    const stored = await this.queries.get(this.tx.reader, caller.instance.id, id);
    if (!stored || !visibleIn(stored.template, scope)) throw errors.idpNotFound();
    return stored.template;
  }

  /** GetIDPByID / GetOrgIDPByID: a template of the old API only. */
  async getLegacy(caller: Caller, scope: TemplateScope, id: string): Promise<IdpTemplate> {
    const template = await this.get(caller, scope, id);
    if (!isLegacy(template)) throw errors.idpNotFound();
    return template;
  }

  /** ListProviders: the instance's templates, or an org's together with the instance's. */
  async list(
    caller: Caller,
    scope: TemplateScope,
    queries: readonly TemplateQuery[],
    page: Page,
  ): Promise<{ items: IdpTemplate[]; total: bigint }> {
    await this.authorizeRead(caller, scope);
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
      if (q.kind === 'legacy') return { op: 'isTrue', column: C.legacy };
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

  /** The read permission on the scope; an org's must exist too (an unknown x-zitadel-orgid finds nothing). */
  private async authorizeRead(caller: Caller, scope: TemplateScope): Promise<void> {
    const permission = PERMISSIONS[scope.level].read;
    if (scope.level === 'instance') {
      authorize(caller, permission, { instance: true }, () => errors.instanceDenied(permission));
      return;
    }
    authorize(caller, permission, { orgId: scope.orgId }, errors.orgNotFound);
    if (!(await this.orgs.exists(this.tx.reader, caller.instance.id, scope.orgId))) throw errors.orgNotFound();
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

  /** Several events of one change with the same payload (the old API writes a config and a kind event). */
  private pushAll(
    tx: EntityManager,
    caller: Caller,
    scope: TemplateScope,
    types: readonly string[],
    payload: Record<string, unknown>,
  ): Promise<ChangeInfo> {
    const aggregateId = scope.level === 'org' ? scope.orgId : caller.instance.id;
    const before = types
      .slice(0, -1)
      .map(
        (type): EventInput => ({ aggregateType: scope.level, aggregateId, type, payload, resourceOwner: aggregateId }),
      );
    return this.push(tx, caller, scope, types[types.length - 1], payload, before);
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

function isLegacy(template: IdpTemplate): boolean {
  return 'legacy' in template.config && template.config.legacy !== undefined;
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
