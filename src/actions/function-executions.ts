import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../platform/logging/logger-token.js';
import { systemCaller } from '../platform/rpc/call-context.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { UserMetadataService } from '../users/user-metadata.service.js';
import { conditionId, type ActionFunction } from './execution-rules.js';
import { ExecutionTargets } from './execution-targets.js';
import { attributesWith, claimsToAdd, type FunctionAnswer } from './function-rules.js';
import * as errors from './actions.errors.js';

/** Who a token or assertion is about, as a function target receives it (ZITADEL's `user`, `org`, `user_metadata`). */
export interface FunctionSubject {
  readonly userId: string;
  readonly user: Record<string, unknown>;
  readonly org?: Record<string, unknown>;
  readonly userMetadata?: readonly { key: string; value: string }[];
}

/**
 * Function executions: `preuserinfo` (ID token and userinfo), `preaccesstoken` (JWT access
 * tokens) and `presamlresponse` (SAML attributes) call their targets with ZITADEL's ContextInfo
 * and apply the answers: claims or attributes appended, log lines, user metadata set.
 */
@Injectable()
export class FunctionExecutions {
  constructor(
    private readonly executions: ExecutionTargets,
    private readonly metadata: UserMetadataService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * The claims a preuserinfo or preaccesstoken execution adds to `claims` (none without one).
   * The subject is read only when there is one: most instances have none, and every token,
   * userinfo and introspection answer asks.
   */
  async claims(
    instance: Instance,
    fn: 'preuserinfo' | 'preaccesstoken',
    subject: () => Promise<FunctionSubject>,
    claims: Readonly<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const outcome = await this.call(instance, fn, subject, { userinfo: claims });
    return outcome ? claimsToAdd(claims, outcome.answer, fn, outcome.logs) : {};
  }

  /** The assertion's attributes with what a presamlresponse execution appends. */
  async samlAttributes(
    instance: Instance,
    subject: FunctionSubject,
    attributes: Record<string, string[]>,
  ): Promise<Record<string, string[]>> {
    const outcome = await this.call(instance, 'presamlresponse', async () => subject, {});
    return outcome ? attributesWith(attributes, outcome.answer, outcome.logs) : attributes;
  }

  /**
   * Calls the function's targets in order; each answer's fields replace the earlier ones' (Go's
   * json.Unmarshal into one response), then the metadata the answer names is set on the user.
   */
  private async call(
    instance: Instance,
    fn: ActionFunction,
    subjectOf: () => Promise<FunctionSubject>,
    extra: Record<string, unknown>,
  ): Promise<{ answer: FunctionAnswer; logs: string[] } | undefined> {
    const id = conditionId({ type: 'function', name: fn });
    const targets = await this.executions.first(instance.id, [id]);
    if (!targets.length) return undefined;
    const subject = await subjectOf();
    let answer: FunctionAnswer = {};
    const body = JSON.stringify({
      function: id,
      ...extra,
      user: subject.user,
      ...(subject.org ? { org: subject.org } : {}),
      ...(subject.userMetadata?.length ? { user_metadata: subject.userMetadata } : {}),
    });
    await this.executions.run(
      targets,
      () => body,
      (target, text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw errors.targetAnswerInvalid(target.id, 'not JSON');
        }
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) answer = { ...answer, ...parsed };
      },
    );
    return { answer, logs: await this.setMetadata(instance, subject.userId, answer) };
  }

  /** ZITADEL's SetUserMetadata per entry; a failure is logged into the claims, not thrown. */
  private async setMetadata(instance: Instance, userId: string, answer: FunctionAnswer): Promise<string[]> {
    const logs: string[] = [];
    for (const entry of answer.set_user_metadata ?? []) {
      try {
        const value = Buffer.from(String(entry.value ?? ''), 'base64');
        await this.metadata.setMetadata(systemCaller(instance, 'action-function'), userId, [{ key: entry.key, value }]);
      } catch (err) {
        this.log.info(
          { userId, key: entry?.key, err: (err as Error).message },
          'action function could not set metadata',
        );
        logs.push(`failed to set user metadata key ${JSON.stringify(entry?.key)}`);
      }
    }
    return logs;
  }
}
