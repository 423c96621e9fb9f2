import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import type { Permission } from '../platform/authz/permissions.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { and, column, type Column, type Filter, type Page, type TextMatch } from '../platform/database/list-query.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { ExecutionCatalog } from './execution-catalog.js';
import { conditionId, endpointProblem, newSigningKey, type Condition, type ExecutionType } from './execution-rules.js';
import {
  ActionsStore,
  EXECUTION_COLUMNS,
  TARGET_COLUMNS,
  type ExecutionRow,
  type TargetChanges,
  type TargetRow,
  type TargetType,
} from './actions.store.js';
import * as errors from './actions.errors.js';

/** Targets and executions are instance resources: every check is on the instance itself. */
const INSTANCE = { instance: true } as const;

export interface TargetInput {
  readonly name: string;
  readonly targetType: TargetType | undefined;
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly interruptOnError: boolean;
}

export interface TargetUpdate {
  readonly name?: string;
  readonly targetType?: TargetType;
  readonly interruptOnError?: boolean;
  readonly endpoint?: string;
  readonly timeoutMs?: number;
  /** A new signing key replaces the old one at once (ZITADEL allows only an immediate rotation). */
  readonly rotateSigningKey: boolean;
}

/** A target as GetTarget and ListTargets answer it: with its signing key, as ZITADEL returns it. */
export interface TargetView extends Omit<TargetRow, 'signingKey'> {
  readonly signingKey: string;
}

export type TargetFilter =
  | { readonly name: string; readonly match: TextMatch }
  | { readonly ids: readonly string[] }
  | { readonly invalid: string };

export type ExecutionFilter =
  | { readonly conditions: readonly Condition[] }
  | { readonly executionType: ExecutionType | undefined }
  | { readonly targetId: string }
  | { readonly invalid: string };

export interface ListQuery<F> {
  readonly page: Page;
  readonly sort: Column;
  readonly filters: readonly F[];
}

/** ZITADEL's ActionService commands and queries: targets, and the executions that call them. */
@Injectable()
export class ActionsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
    private readonly store: ActionsStore,
    private readonly catalog: ExecutionCatalog,
  ) {}

  // ---- targets ----------------------------------------------------------------------------

  async createTarget(
    caller: Caller,
    input: TargetInput,
  ): Promise<{ id: string; creationDate: Date; signingKey: string }> {
    this.allow(caller, 'action.target.write');
    if (!input.targetType) throw errors.targetTypeMissing();
    this.checkTarget(input);
    const signingKey = newSigningKey();
    const id = this.ids.next();
    return this.tx.run(async (tx) => {
      if (await this.store.targetIdByName(tx, caller.instance.id, input.name)) throw errors.targetNameTaken(input.name);
      const written = await this.push(tx, caller, 'target', id, 'target.added', {
        name: input.name,
        targetType: input.targetType,
        url: input.endpoint,
        timeout: input.timeoutMs * 1e6,
        interruptOnError: input.interruptOnError,
      });
      const row: TargetRow = {
        id,
        name: input.name,
        targetType: input.targetType!,
        endpoint: input.endpoint,
        timeoutMs: input.timeoutMs,
        interruptOnError: input.targetType !== 'async' && input.interruptOnError,
        signingKey: this.masterKey.encrypt(signingKey),
        createdAt: written.createdAt,
        changedAt: written.createdAt,
      };
      await this.store.insertTarget(tx, caller.instance.id, row, written.sequence);
      return { id, creationDate: written.createdAt, signingKey };
    });
  }

  /** Changes what differs; an update that changes nothing writes nothing (ZITADEL's NewChangedEvent returns nil). */
  async updateTarget(
    caller: Caller,
    id: string,
    update: TargetUpdate,
  ): Promise<{ changeDate: Date; signingKey?: string }> {
    this.allow(caller, 'action.target.write');
    this.checkTarget(update);
    return this.tx.run(async (tx) => {
      const existing = await this.store.target(caller.instance.id, id, tx);
      if (!existing) throw errors.targetNotFound();
      const changes: { -readonly [K in keyof TargetChanges]: TargetChanges[K] } = {};
      const payload: Record<string, unknown> = {};
      const change = <K extends keyof TargetChanges>(
        key: K,
        value: TargetChanges[K],
        event: string,
        shown?: unknown,
      ) => {
        if (value === undefined || value === existing[key]) return;
        changes[key] = value;
        payload[event] = shown ?? value;
      };
      if (update.name !== undefined && update.name !== existing.name) {
        const holder = await this.store.targetIdByName(tx, caller.instance.id, update.name);
        if (holder && holder !== id) throw errors.targetNameTaken(update.name);
      }
      change('name', update.name, 'name');
      change('targetType', update.targetType, 'targetType');
      change('endpoint', update.endpoint, 'url');
      change('timeoutMs', update.timeoutMs, 'timeout', (update.timeoutMs ?? 0) * 1e6);
      const type = update.targetType ?? existing.targetType;
      const interrupt = type === 'async' ? false : (update.interruptOnError ?? existing.interruptOnError);
      change('interruptOnError', interrupt, 'interruptOnError');
      const signingKey = update.rotateSigningKey ? newSigningKey() : undefined;
      if (signingKey) {
        changes.signingKey = this.masterKey.encrypt(signingKey);
        payload.signingKey = 'rotated';
      }
      if (!Object.keys(changes).length) return { changeDate: existing.changedAt };
      const written = await this.push(tx, caller, 'target', id, 'target.changed', payload);
      await this.store.updateTarget(tx, caller.instance.id, id, changes, {
        changedAt: written.createdAt,
        sequence: written.sequence,
      });
      return { changeDate: written.createdAt, ...(signingKey ? { signingKey } : {}) };
    });
  }

  /**
   * Deletes the target and takes it out of every execution. As the contract says, a target that
   * does not exist answers OK without a deletion date.
   */
  async deleteTarget(caller: Caller, id: string): Promise<Date | undefined> {
    this.allow(caller, 'action.target.delete');
    return this.tx.run(async (tx) => {
      const existing = await this.store.target(caller.instance.id, id, tx);
      if (!existing) return undefined;
      const written = await this.push(tx, caller, 'target', id, 'target.removed', { name: existing.name });
      await this.store.deleteTarget(tx, caller.instance.id, id);
      return written.createdAt;
    });
  }

  async getTarget(caller: Caller, id: string): Promise<TargetView> {
    this.allow(caller, 'action.target.read');
    const row = await this.store.target(caller.instance.id, id);
    if (!row) throw errors.targetNotFound();
    return this.view(row);
  }

  async listTargets(caller: Caller, query: ListQuery<TargetFilter>): Promise<{ targets: TargetView[]; total: bigint }> {
    this.allow(caller, 'action.target.read');
    const where = and(
      { op: 'eq', column: TARGET_COLUMNS.instanceId, value: caller.instance.id },
      ...query.filters.map((f, i) => targetFilter(f, i)),
    );
    const { rows, total } = await this.store.listTargets(where, query.sort, query.page);
    return { targets: rows.map((r) => this.view(r)), total };
  }

  // ---- executions -------------------------------------------------------------------------

  /**
   * Sets the targets an execution calls, in order; an empty list removes the execution (the
   * contract: "setting an empty list of targets will remove all targets"). The condition must
   * name a method, service, function or event the server knows, and every target must exist.
   */
  async setExecution(caller: Caller, condition: Condition, targets: readonly string[]): Promise<Date> {
    this.allow(caller, 'action.execution.write');
    this.catalog.assertKnown(condition);
    const seen = new Set<string>();
    for (const target of targets) {
      if (seen.has(target)) throw errors.executionTargetRepeated(target);
      seen.add(target);
    }
    const id = conditionId(condition);
    return this.tx.run(async (tx) => {
      const missing = await this.store.missingTargets(tx, caller.instance.id, targets);
      if (missing.length) throw errors.executionTargetUnknown(missing[0]);
      const existing = await this.store.execution(tx, caller.instance.id, id);
      if (!targets.length) {
        if (!existing) return new Date();
        const removed = await this.push(tx, caller, 'execution', id, 'execution.removed');
        await this.store.deleteExecution(tx, caller.instance.id, id);
        return removed.createdAt;
      }
      const written = await this.push(tx, caller, 'execution', id, 'execution.set', {
        targets: targets.map((target) => ({ type: 'target', target })),
      });
      await this.store.upsertExecution(
        tx,
        caller.instance.id,
        { id, executionType: condition.type, targets: [...targets] },
        { changedAt: written.createdAt, sequence: written.sequence },
      );
      return written.createdAt;
    });
  }

  async listExecutions(
    caller: Caller,
    query: ListQuery<ExecutionFilter>,
  ): Promise<{ executions: ExecutionRow[]; total: bigint }> {
    this.allow(caller, 'action.execution.read');
    const where = and(
      { op: 'eq', column: EXECUTION_COLUMNS.instanceId, value: caller.instance.id },
      ...query.filters.map((f, i) => executionFilter(f, i)),
    );
    const { rows, total } = await this.store.listExecutions(where, query.sort, query.page);
    return { executions: rows, total };
  }

  // ---- internals --------------------------------------------------------------------------

  private allow(caller: Caller, permission: Permission): void {
    authorize(caller, permission, INSTANCE, () => errors.actionsDenied(permission));
  }

  private checkTarget(input: { endpoint?: string; timeoutMs?: number }): void {
    if (input.timeoutMs !== undefined && input.timeoutMs <= 0) throw errors.timeoutMissing();
    if (input.endpoint !== undefined) {
      const problem = endpointProblem(input.endpoint);
      if (problem) throw errors.endpointInvalid(problem);
    }
  }

  private view(row: TargetRow): TargetView {
    return { ...row, signingKey: this.masterKey.decrypt(row.signingKey) };
  }

  private async push(
    tx: EntityManager,
    caller: Caller,
    aggregateType: 'target' | 'execution',
    aggregateId: string,
    type: string,
    payload?: Record<string, unknown>,
  ): Promise<WrittenEvent> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      { aggregateType, aggregateId, type, resourceOwner: caller.instance.id, ...(payload ? { payload } : {}) },
    ]);
    return written;
  }
}

/** The ids an execution names, for a correlated `EXISTS`. */
const NAMED_TARGETS = column('unnest(targets) AS named(id)');

function targetFilter(filter: TargetFilter, index: number): Filter {
  if ('invalid' in filter) throw errors.filterInvalid(`filters[${index}]`);
  if ('ids' in filter) return { op: 'in', column: TARGET_COLUMNS.id, values: filter.ids };
  return { op: 'text', column: TARGET_COLUMNS.name, match: filter.match, value: filter.name };
}

function executionFilter(filter: ExecutionFilter, index: number): Filter {
  if ('invalid' in filter) throw errors.filterInvalid(`filters[${index}]`);
  if ('conditions' in filter)
    return { op: 'in', column: EXECUTION_COLUMNS.id, values: filter.conditions.map(conditionId) };
  if ('targetId' in filter)
    return {
      op: 'exists',
      from: NAMED_TARGETS,
      where: { op: 'eq', column: column('named.id'), value: filter.targetId },
    };
  return filter.executionType
    ? { op: 'eq', column: EXECUTION_COLUMNS.executionType, value: filter.executionType }
    : { op: 'true' };
}
