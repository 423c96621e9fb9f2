import { Injectable } from '@nestjs/common';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { RpcRegistry } from '../platform/rpc/registry.js';
import { ACTION_FUNCTIONS, type Condition } from './execution-rules.js';
import * as errors from './actions.errors.js';

/** Execution types this server runs; a condition of another type is refused rather than stored and never run. */
const SERVED_TYPES: ReadonlySet<Condition['type']> = new Set(['request', 'response', 'event']);
/**
 * Services no request or response execution applies to: ActionService itself, so a target that
 * breaks every call can always be taken out again through the API.
 */
export const UNEXECUTED_SERVICES: ReadonlySet<string> = new Set([ActionService.typeName]);

/**
 * An event type or group: dotted lower-case words (`user.human.added`, `user.human`). No
 * registry of every event type exists here to check a name against, as ZITADEL's does.
 */
const EVENT_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
/** Functions this server calls targets at. */
const SERVED_FUNCTIONS: ReadonlySet<string> = new Set<string>(ACTION_FUNCTIONS);

/**
 * What execution conditions may name, as ZITADEL's discovery methods list it: the methods and
 * services this server implements (`/zitadel.user.v2.UserService/GetUserByID`,
 * `zitadel.user.v2.UserService`) and the action functions.
 */
@Injectable()
export class ExecutionCatalog {
  constructor(private readonly registry: RpcRegistry) {}

  methods(): string[] {
    return this.executable()
      .flatMap((b) => b.service.methods.filter((m) => this.registry.isImplemented(m)))
      .map((m) => `/${m.parent.typeName}/${m.name}`)
      .sort();
  }

  services(): string[] {
    return this.executable()
      .filter((b) => b.service.methods.some((m) => this.registry.isImplemented(m)))
      .map((b) => b.service.typeName)
      .sort();
  }

  private executable() {
    return this.registry.all().filter((b) => !UNEXECUTED_SERVICES.has(b.service.typeName));
  }

  functions(): string[] {
    return [...ACTION_FUNCTIONS];
  }

  /** NOT_FOUND (as ZITADEL's Errors.Execution.ConditionInvalid) for a method, service or function it does not know. */
  assertKnown(c: Condition): void {
    const field = `condition.${c.type}`;
    if ('method' in c && !this.methods().includes(c.method)) throw errors.conditionUnknown(`${field}.method`, c.method);
    if ('service' in c && !this.services().includes(c.service))
      throw errors.conditionUnknown(`${field}.service`, c.service);
    if ('name' in c && !ACTION_FUNCTIONS.includes(c.name as never))
      throw errors.conditionUnknown(`${field}.name`, c.name);
    if ('event' in c && !EVENT_NAME.test(c.event)) throw errors.conditionUnknown(`${field}.event`, c.event);
    if ('group' in c && !EVENT_NAME.test(c.group.replace(/\.\*$/, '')))
      throw errors.conditionUnknown(`${field}.group`, c.group);
    if (!SERVED_TYPES.has(c.type) && !('name' in c && SERVED_FUNCTIONS.has(c.name)))
      throw errors.executionTypeNotServed('name' in c ? `function ${c.name}` : c.type);
  }
}
