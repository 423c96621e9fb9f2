import {
  create,
  fromBinary,
  isMessage,
  toBinary,
  type DescField,
  type DescMessage,
  type DescMethod,
  type DescService,
} from '@bufbuild/protobuf';
import type { HandlerContext } from '@connectrpc/connect';
import { SessionService as SessionServiceV2 } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { SessionService as SessionServiceV2beta } from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import { SettingsService as SettingsServiceV2 } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { SettingsService as SettingsServiceV2beta } from '@zitadel/proto/zitadel/settings/v2beta/settings_service_pb.js';
import { UserService as UserServiceV2 } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserServiceV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import type { AccessTable, MethodAccess, RpcRegistry, ServiceBinding } from './registry.js';

/**
 * Why `older` messages cannot be read as `newer` ones on the wire: each field of `older` must be
 * in `newer` with the same number, kind and type (recursively); `newer` may have more. Empty when
 * they can. Enum values are compared by number, as the wire carries them.
 */
export function wireIncompatibilities(
  older: DescMessage,
  newer: DescMessage,
  path = older.name,
  seen = new Set<string>(),
): string[] {
  const pair = `${older.typeName}>${newer.typeName}`;
  if (seen.has(pair)) return [];
  seen.add(pair);
  return older.fields.flatMap((field) => {
    const at = `${path}.${field.name}`;
    const counterpart = newer.fields.find((f) => f.number === field.number);
    if (!counterpart) return [`${at}: no field ${field.number} in ${newer.typeName}`];
    if (counterpart.name !== field.name) return [`${at}: is ${counterpart.name} in ${newer.typeName}`];
    if (counterpart.oneof?.name !== field.oneof?.name) return [`${at}: in another oneof in ${newer.typeName}`];
    return fieldIncompatibilities(field, counterpart, at, seen);
  });
}

function fieldIncompatibilities(a: DescField, b: DescField, at: string, seen: Set<string>): string[] {
  const shape = (f: DescField) =>
    f.fieldKind === 'list'
      ? `list of ${f.listKind}`
      : f.fieldKind === 'map'
        ? `map of ${f.mapKey} to ${f.mapKind}`
        : f.fieldKind;
  if (shape(a) !== shape(b)) return [`${at}: ${shape(a)} here, ${shape(b)} there`];
  const message = (f: DescField) =>
    f.fieldKind === 'message' ||
    (f.fieldKind === 'list' && f.listKind === 'message') ||
    (f.fieldKind === 'map' && f.mapKind === 'message')
      ? f.message
      : undefined;
  const en = (f: DescField) =>
    f.fieldKind === 'enum' ||
    (f.fieldKind === 'list' && f.listKind === 'enum') ||
    (f.fieldKind === 'map' && f.mapKind === 'enum')
      ? f.enum
      : undefined;
  const scalar = (f: DescField) =>
    f.fieldKind === 'scalar' ||
    (f.fieldKind === 'list' && f.listKind === 'scalar') ||
    (f.fieldKind === 'map' && f.mapKind === 'scalar')
      ? f.scalar
      : undefined;
  const [ma, mb] = [message(a), message(b)];
  if (ma && mb) return wireIncompatibilities(ma, mb, at, seen);
  const [ea, eb] = [en(a), en(b)];
  if (ea && eb) {
    const missing = ea.values.filter((v) => !eb.values.some((w) => w.number === v.number));
    return missing.length
      ? [`${at}: enum values ${missing.map((v) => v.number).join(', ')} unknown to ${eb.typeName}`]
      : [];
  }
  return scalar(a) === scalar(b) ? [] : [`${at}: another scalar type`];
}

/** A message of one schema re-read as another through the wire format (fields by number). */
function convert<T extends DescMessage>(from: DescMessage, to: T, value: unknown) {
  const message = isMessage(value, from) ? value : create(from, value as never);
  return fromBinary(to, toBinary(from, message), { readUnknownFields: false });
}

export interface BridgedService {
  readonly binding: ServiceBinding;
  /** Methods left unbridged (not built in the stable version, streaming, or not wire compatible), with why. */
  readonly skipped: readonly string[];
}

/**
 * Serves an older version of a service (ZITADEL's v2beta) through the stable version's handlers:
 * each request is re-read as the stable request, answered by the stable method with its access
 * rule, and the answer re-read as the older response. Only methods whose request and response
 * the older contract can express without loss are bridged; the rest stay UNIMPLEMENTED.
 */
export function bridgeService(older: DescService, stable: ServiceBinding): BridgedService {
  const impl: Record<string, (req: unknown, ctx: HandlerContext) => Promise<unknown>> = {};
  const access: Record<string, MethodAccess> = {};
  const skipped: string[] = [];
  const stableImpl = stable.impl as Record<string, ((req: unknown, ctx: HandlerContext) => unknown) | undefined>;
  const stableAccess = stable.access as Record<string, MethodAccess | undefined>;
  for (const method of older.methods) {
    const counterpart: DescMethod | undefined = stable.service.methods.find((m) => m.name === method.name);
    const handler = counterpart && stableImpl[counterpart.localName];
    const rule = counterpart && stableAccess[counterpart.localName];
    if (!counterpart || !handler || !rule) {
      skipped.push(`${method.name}: not built in ${stable.service.typeName}`);
      continue;
    }
    if (method.methodKind !== 'unary' || counterpart.methodKind !== 'unary') {
      skipped.push(`${method.name}: streaming`);
      continue;
    }
    const problems = [
      ...wireIncompatibilities(method.input, counterpart.input),
      ...wireIncompatibilities(method.output, counterpart.output),
    ];
    if (problems.length) {
      skipped.push(`${method.name}: ${problems.join('; ')}`);
      continue;
    }
    impl[method.localName] = async (req, ctx) => {
      const answer = await handler.call(stable.impl, convert(method.input, counterpart.input, req), ctx);
      return convert(counterpart.output, method.output, answer);
    };
    access[method.localName] = rule;
  }
  return {
    binding: {
      service: older,
      impl: impl as unknown as ServiceBinding['impl'],
      access: access as AccessTable<DescService>,
    },
    skipped,
  };
}

/**
 * ZITADEL's v2beta services that v2 superseded with the same messages (v2 only added fields):
 * served by the v2 handlers. (Org, web key and OIDC v2beta have handlers of their own.)
 */
const BRIDGED: readonly (readonly [DescService, DescService])[] = [
  [UserServiceV2beta, UserServiceV2],
  [SessionServiceV2beta, SessionServiceV2],
  [SettingsServiceV2beta, SettingsServiceV2],
];

/** Registers the bridges once every stable service is registered; returns what was left out. */
export function registerBetaBridges(registry: RpcRegistry): Record<string, readonly string[]> {
  const skipped: Record<string, readonly string[]> = {};
  for (const [older, newer] of BRIDGED) {
    const stable = registry.binding(newer.typeName);
    if (!stable) continue;
    const bridged = bridgeService(older, stable);
    registry.register(bridged.binding);
    skipped[older.typeName] = bridged.skipped;
  }
  return skipped;
}
