import { fromJsonString, toJson, type DescMessage, type Message } from '@bufbuild/protobuf';
import { Injectable } from '@nestjs/common';
import { AppsQueries } from '../apps/apps.queries.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import type { CallExecutions, ExecutedCall } from '../platform/rpc/pipeline.js';
import { UNEXECUTED_SERVICES } from './execution-catalog.js';
import { callConditionIds } from './execution-rules.js';
import { ExecutionTargets } from './execution-targets.js';
import * as errors from './actions.errors.js';

/**
 * ZITADEL's ContextInfoRequest / ContextInfoResponse: what a request or response target
 * receives. Empty ids are left out, as Go's `omitempty` does; messages are protojson (which leaves
 * out empty fields itself).
 */
function contextInfo(call: ExecutedCall, projectId: string | undefined, messages: Record<string, unknown>): string {
  const info: Record<string, unknown> = {
    fullMethod: call.fullMethod,
    instanceID: call.instance.id,
    orgID: call.principal?.orgId || undefined,
    projectID: projectId || undefined,
    userID: call.principal?.userId || undefined,
    ...messages,
  };
  return JSON.stringify(info);
}

/** A restCall's answer read as the method's message (strict protojson, as Go's protojson.Unmarshal). */
function parsed<T extends DescMessage>(schema: T, targetId: string, answer: string): Message {
  try {
    return fromJsonString(schema, answer);
  } catch (err) {
    throw errors.targetAnswerInvalid(targetId, `not a ${schema.typeName}: ${(err as Error).message}`);
  }
}

/**
 * Request and response executions around every unary call, on every transport (the RPC
 * pipeline calls this once the request is authenticated and validated). The most specific
 * execution wins: the method's, else its service's, else the one for all calls.
 */
@Injectable()
export class RpcExecutions implements CallExecutions {
  /** Client id -> project id: asked on every executed call made with an OIDC token; kept like the executions. */
  private readonly projects: ReadCache<string | undefined>;

  constructor(
    private readonly executions: ExecutionTargets,
    private readonly apps: AppsQueries,
    feed: ChangeFeed,
  ) {
    this.projects = feed.cache<string | undefined>({ name: 'action-call-projects', maxEntries: 10_000 });
  }

  /** ZITADEL's ctxData.ProjectID: the project of the app an OIDC access token was issued to. */
  private async projectOf(call: ExecutedCall): Promise<string | undefined> {
    const clientId = call.principal?.clientId;
    if (!clientId) return undefined;
    const instanceId = call.instance.id;
    return this.projects.get(
      instanceId,
      clientId,
      async () => (await this.apps.nameByClientId(instanceId, clientId))?.projectId,
    );
  }

  request(call: ExecutedCall, request: Message): Promise<Message> {
    return this.execute(call, 'request', call.method.input, request, (current) => ({
      request: toJson(call.method.input, current),
    }));
  }

  response(call: ExecutedCall, request: Message, response: Message): Promise<Message> {
    let sent: unknown;
    return this.execute(call, 'response', call.method.output, response, (current) => ({
      request: (sent ??= toJson(call.method.input, request)),
      response: toJson(call.method.output, current),
    }));
  }

  /**
   * Calls the targets of the call's most specific execution of `type`; what they are sent is
   * made anew for each (`fields` of the message as it stands), and a restCall answer, read as
   * `schema`, replaces the message.
   */
  private async execute(
    call: ExecutedCall,
    type: 'request' | 'response',
    schema: DescMessage,
    message: Message,
    fields: (current: Message) => Record<string, unknown>,
  ): Promise<Message> {
    if (UNEXECUTED_SERVICES.has(call.method.parent.typeName)) return message;
    const ids = callConditionIds(type, call.fullMethod);
    const targets = this.executions.kept(call.instance.id, ids) ?? (await this.executions.first(call.instance.id, ids));
    if (!targets.length) return message;
    let current = message;
    const projectId = call.principal?.clientId ? await this.projectOf(call) : undefined;
    await this.executions.run(
      targets,
      () => contextInfo(call, projectId, fields(current)),
      (target, answer) => {
        current = parsed(schema, target.id, answer);
      },
    );
    return current;
  }
}
