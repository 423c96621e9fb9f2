import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { ActionsStore } from './actions.store.js';
import { TargetCallError, TargetCalls, type CallableTarget } from './target-calls.js';
import * as errors from './actions.errors.js';

type ExecutionSet = ReadonlyMap<string, readonly CallableTarget[]>;

/**
 * An instance's executions with their targets, looked up on every call: cached per instance and
 * dropped by the change feed whenever a target or execution changes in any process. An instance
 * without executions costs one map look-up per call.
 */
@Injectable()
export class ExecutionTargets {
  private readonly cache: ReadCache<ExecutionSet>;

  constructor(
    feed: ChangeFeed,
    private readonly store: ActionsStore,
    private readonly masterKey: MasterKey,
    private readonly calls: TargetCalls,
  ) {
    this.cache = feed.cache<ExecutionSet>({ name: 'action-executions', maxEntries: 10_000 });
  }

  /** The targets of the first of `ids` (most specific first) that has an execution; none when none has. */
  async first(instanceId: string, ids: readonly string[]): Promise<readonly CallableTarget[]> {
    return (
      this.kept(instanceId, ids) ??
      firstOf(await this.cache.get(instanceId, 'executions', () => this.load(instanceId)), ids)
    );
  }

  /**
   * As `first`, from the instance's kept executions without a promise (every RPC asks, twice);
   * undefined when they are not kept.
   */
  kept(instanceId: string, ids: readonly string[]): readonly CallableTarget[] | undefined {
    const set = this.cache.peek(instanceId, 'executions');
    return set && firstOf(set, ids);
  }

  /** The targets of one execution, in order; none when it no longer exists. */
  async targetsOf(instanceId: string, executionId: string): Promise<readonly CallableTarget[]> {
    return this.first(instanceId, [executionId]);
  }

  /**
   * Calls the targets in order, as ZITADEL's CallTargets: the body is made anew for each (a
   * restCall's answer changes what the next one sees); a failing target stops the whole run only
   * with interrupt_on_error; a restCall's answer is handed to `answered`, which may throw.
   */
  async run(
    targets: readonly CallableTarget[],
    body: () => string,
    answered: (target: CallableTarget, answer: string) => void,
  ): Promise<void> {
    for (const target of targets) {
      let answer: string | undefined;
      try {
        answer = await this.calls.call(target, body());
      } catch (err) {
        if (!(err instanceof TargetCallError)) throw err;
        if (target.interruptOnError) throw errors.targetFailed(target.id, err.message);
        continue;
      }
      if (answer !== undefined) answered(target, answer);
    }
  }

  private async load(instanceId: string): Promise<ExecutionSet> {
    const set = new Map<string, CallableTarget[]>();
    for (const { executionId, target } of await this.store.executionTargets(instanceId)) {
      let targets = set.get(executionId);
      if (!targets) set.set(executionId, (targets = []));
      targets.push({
        id: target.id,
        targetType: target.targetType,
        endpoint: new URL(target.endpoint),
        timeoutMs: target.timeoutMs,
        interruptOnError: target.interruptOnError,
        signingKey: createSecretKey(Buffer.from(this.masterKey.decrypt(target.signingKey), 'utf8')),
      });
    }
    return set;
  }
}

function firstOf(set: ExecutionSet, ids: readonly string[]): readonly CallableTarget[] {
  if (!set.size) return [];
  for (const id of ids) {
    const targets = set.get(id);
    if (targets) return targets;
  }
  return [];
}
