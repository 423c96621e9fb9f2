import { create } from '@bufbuild/protobuf';
import { durationFromMs, type Duration } from '@bufbuild/protobuf/wkt';
import type * as svc from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import * as exec from '@zitadel/proto/zitadel/action/v2beta/execution_pb.js';
import * as q from '@zitadel/proto/zitadel/action/v2beta/query_pb.js';
import * as pb from '@zitadel/proto/zitadel/action/v2beta/target_pb.js';
import { page, type Column } from '../platform/database/list-query.js';
import { textMatch, ts } from '../platform/rpc/proto-mapping.js';
import { conditionMissing } from './actions.errors.js';
import type {
  ExecutionFilter,
  ListQuery,
  TargetFilter,
  TargetInput,
  TargetUpdate,
  TargetView,
} from './actions.service.js';
import { EXECUTION_COLUMNS, TARGET_COLUMNS, type ExecutionRow, type TargetType } from './actions.store.js';
import { conditionOfId, type Condition, type ExecutionType } from './execution-rules.js';

type TargetTypeOneof =
  | { case: 'restWebhook' | 'restCall'; value: { interruptOnError: boolean } }
  | { case: 'restAsync'; value: object }
  | { case: undefined; value?: undefined };

const TYPES = { restWebhook: 'webhook', restCall: 'call', restAsync: 'async' } as const;

function targetTypeOf(oneof: TargetTypeOneof): { targetType: TargetType | undefined; interruptOnError: boolean } {
  if (!oneof.case) return { targetType: undefined, interruptOnError: false };
  return {
    targetType: TYPES[oneof.case],
    interruptOnError: oneof.case !== 'restAsync' && (oneof.value as { interruptOnError: boolean }).interruptOnError,
  };
}

/** Whole milliseconds; a positive duration under 1 ms counts as 1 ms, not as none. */
function ms(d: Duration | undefined): number {
  if (!d) return 0;
  const total = Number(d.seconds) * 1000 + d.nanos / 1e6;
  return total > 0 ? Math.max(1, Math.round(total)) : 0;
}

export function targetInput(req: svc.CreateTargetRequest): TargetInput {
  return { name: req.name, endpoint: req.endpoint, timeoutMs: ms(req.timeout), ...targetTypeOf(req.targetType) };
}

export function targetUpdate(req: svc.UpdateTargetRequest): TargetUpdate {
  const type = req.targetType.case ? targetTypeOf(req.targetType) : {};
  return {
    name: req.name,
    endpoint: req.endpoint,
    timeoutMs: req.timeout ? ms(req.timeout) : undefined,
    ...type,
    rotateSigningKey: req.expirationSigningKey !== undefined,
  };
}

function targetTypeOneof(t: TargetView): pb.Target['targetType'] {
  switch (t.targetType) {
    case 'webhook':
      return { case: 'restWebhook', value: create(pb.RESTWebhookSchema, { interruptOnError: t.interruptOnError }) };
    case 'call':
      return { case: 'restCall', value: create(pb.RESTCallSchema, { interruptOnError: t.interruptOnError }) };
    case 'async':
      return { case: 'restAsync', value: create(pb.RESTAsyncSchema) };
  }
}

export function targetPb(t: TargetView): pb.Target {
  return create(pb.TargetSchema, {
    id: t.id,
    creationDate: ts(t.createdAt),
    changeDate: ts(t.changedAt),
    name: t.name,
    targetType: targetTypeOneof(t),
    timeout: durationFromMs(t.timeoutMs),
    endpoint: t.endpoint,
    signingKey: t.signingKey,
  });
}

type ApiCondition = exec.RequestExecution['condition'];

function apiCondition(type: 'request' | 'response', c: ApiCondition, field: string): Condition {
  switch (c.case) {
    case 'method':
      return { type, method: c.value };
    case 'service':
      return { type, service: c.value };
    case 'all':
      return { type, all: true };
    default:
      throw conditionMissing(field);
  }
}

/** The request's condition; `field` names it in errors (`condition`, `filters[0].in_conditions_filter...`). */
export function conditionOf(c: exec.Condition | undefined, field = 'condition'): Condition {
  const t = c?.conditionType;
  switch (t?.case) {
    case 'request':
    case 'response':
      return apiCondition(t.case, t.value.condition, `${field}.${t.case}`);
    case 'function':
      return { type: 'function', name: t.value.name };
    case 'event': {
      const e = t.value.condition;
      if (e.case === 'event') return { type: 'event', event: e.value };
      if (e.case === 'group') return { type: 'event', group: e.value };
      if (e.case === 'all') return { type: 'event', all: true };
      throw conditionMissing(`${field}.event`);
    }
    default:
      throw conditionMissing(field);
  }
}

export function conditionPb(c: Condition | undefined): exec.Condition | undefined {
  if (!c) return undefined;
  if (c.type === 'function')
    return create(exec.ConditionSchema, { conditionType: { case: 'function', value: { name: c.name } } });
  if (c.type === 'event') {
    const condition =
      'event' in c
        ? { case: 'event' as const, value: c.event }
        : 'group' in c
          ? { case: 'group' as const, value: c.group }
          : { case: 'all' as const, value: true };
    return create(exec.ConditionSchema, { conditionType: { case: 'event', value: { condition } } });
  }
  const condition =
    'method' in c
      ? { case: 'method' as const, value: c.method }
      : 'service' in c
        ? { case: 'service' as const, value: c.service }
        : { case: 'all' as const, value: true };
  return create(exec.ConditionSchema, { conditionType: { case: c.type, value: { condition } } as never });
}

export function executionPb(e: ExecutionRow): exec.Execution {
  return create(exec.ExecutionSchema, {
    condition: conditionPb(conditionOfId(e.id)),
    creationDate: ts(e.createdAt),
    changeDate: ts(e.changedAt),
    targets: e.targets,
  });
}

const TARGET_SORT: Record<number, Column> = {
  0: TARGET_COLUMNS.id,
  1: TARGET_COLUMNS.id,
  2: TARGET_COLUMNS.createdAt,
  3: TARGET_COLUMNS.changedAt,
  4: TARGET_COLUMNS.name,
  5: TARGET_COLUMNS.targetType,
  6: TARGET_COLUMNS.endpoint,
  7: TARGET_COLUMNS.timeout,
  8: TARGET_COLUMNS.interruptOnError,
};

/** ZITADEL sorts by creation date unless told otherwise; UNSPECIFIED given explicitly sorts by id. */
export function targetListQuery(req: svc.ListTargetsRequest): ListQuery<TargetFilter> {
  return {
    page: page(req.pagination, 'pagination'),
    sort:
      req.sortingColumn === undefined
        ? TARGET_COLUMNS.createdAt
        : (TARGET_SORT[req.sortingColumn] ?? TARGET_COLUMNS.createdAt),
    filters: req.filters.map((f: q.TargetSearchFilter): TargetFilter => {
      switch (f.filter.case) {
        case 'targetNameFilter':
          return { name: f.filter.value.targetName, match: textMatch(f.filter.value.method) };
        case 'inTargetIdsFilter':
          return { ids: f.filter.value.targetIds };
        default:
          return { invalid: 'filter' };
      }
    }),
  };
}

const EXECUTION_SORT: Record<number, Column> = {
  0: EXECUTION_COLUMNS.id,
  1: EXECUTION_COLUMNS.id,
  2: EXECUTION_COLUMNS.createdAt,
  3: EXECUTION_COLUMNS.changedAt,
};
const EXECUTION_TYPES: Record<number, ExecutionType | undefined> = {
  [q.ExecutionType.REQUEST]: 'request',
  [q.ExecutionType.RESPONSE]: 'response',
  [q.ExecutionType.EVENT]: 'event',
  [q.ExecutionType.FUNCTION]: 'function',
};

export function executionListQuery(req: svc.ListExecutionsRequest): ListQuery<ExecutionFilter> {
  return {
    page: page(req.pagination, 'pagination'),
    sort:
      req.sortingColumn === undefined
        ? EXECUTION_COLUMNS.createdAt
        : (EXECUTION_SORT[req.sortingColumn] ?? EXECUTION_COLUMNS.createdAt),
    filters: req.filters.map((f: q.ExecutionSearchFilter, i): ExecutionFilter => {
      switch (f.filter.case) {
        case 'inConditionsFilter':
          return {
            conditions: f.filter.value.conditions.map((c, j) =>
              conditionOf(c, `filters[${i}].in_conditions_filter.conditions[${j}]`),
            ),
          };
        case 'executionTypeFilter':
          return { executionType: EXECUTION_TYPES[f.filter.value.executionType] };
        case 'targetFilter':
          return { targetId: f.filter.value.targetId };
        default:
          return { invalid: 'filter' };
      }
    }),
  };
}
