import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../../platform/authz/authorize.js';
import { Transactions } from '../../platform/database/transactions.js';
import { PermissionDenied } from '../../platform/errors/domain-error.js';
import { EventStore } from '../../platform/events/event-store.js';
import { creatorOf, type Caller } from '../../platform/rpc/call-context.js';
import type { ChangeInfo } from '../../platform/rpc/proto-mapping.js';
import { notChanged } from '../providers/providers.errors.js';
import {
  alphabetOf,
  DEFAULT_GENERATORS,
  GENERATOR_TYPES,
  sameGenerator,
  validGenerator,
  type GeneratorSettings,
  type GeneratorType,
} from './generator-rules.js';
import { GeneratorStore } from './generators.queries.js';

/** A generator as the API shows it: stored, or ZITADEL's default (no details then). */
export interface EffectiveGenerator extends GeneratorSettings {
  readonly type: GeneratorType;
  readonly stored?: ChangeInfo;
}

/** What code issuers need: how long, from which characters, valid how long. */
export interface CodeRecipe {
  readonly length: number;
  readonly alphabet: string;
  readonly expiryMs: number;
}

const INSTANCE = { instance: true } as const;
const denied = (permission: string) =>
  PermissionDenied('SECGEN-d3n1d', `no permission: ${permission} required on the instance`);

/**
 * The instance's secret generators (ZITADEL's admin API) and the settings code issuers read:
 * a stored generator, else ZITADEL's default for its type.
 */
@Injectable()
export class SecretGenerators {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly store: GeneratorStore,
  ) {}

  /** For issuers, inside their own transaction. */
  async recipe(db: EntityManager, instanceId: string, type: GeneratorType): Promise<CodeRecipe> {
    const settings = (await this.store.get(db, instanceId, type)) ?? DEFAULT_GENERATORS[type];
    return { length: settings.length, alphabet: alphabetOf(settings), expiryMs: settings.expiryMs };
  }

  async get(caller: Caller, type: GeneratorType): Promise<EffectiveGenerator> {
    authorize(caller, 'iam.read', INSTANCE, () => denied('iam.read'));
    const stored = await this.store.get(this.tx.reader, caller.instance.id, type);
    return stored ? this.effective(caller, stored) : { type, ...DEFAULT_GENERATORS[type] };
  }

  /** Every type, or those asked for, in the enum's order. */
  async list(caller: Caller, only?: readonly GeneratorType[]): Promise<EffectiveGenerator[]> {
    authorize(caller, 'iam.read', INSTANCE, () => denied('iam.read'));
    const stored = new Map((await this.store.all(this.tx.reader, caller.instance.id)).map((g) => [g.type, g]));
    return GENERATOR_TYPES.filter((t) => !only?.length || only.includes(t)).map((type) => {
      const g = stored.get(type);
      return g ? this.effective(caller, g) : { type, ...DEFAULT_GENERATORS[type] };
    });
  }

  /** Stores the type's settings (`instance.secret.generator.added` the first time, `.changed` after). */
  async update(caller: Caller, type: GeneratorType, settings: GeneratorSettings): Promise<ChangeInfo> {
    authorize(caller, 'iam.write', INSTANCE, () => denied('iam.write'));
    const wanted = validGenerator(settings);
    return this.tx.run(async (tx) => {
      const current = await this.store.get(tx, caller.instance.id, type, true);
      if (sameGenerator(current ?? DEFAULT_GENERATORS[type], wanted)) throw notChanged();
      const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'instance',
          aggregateId: caller.instance.id,
          type: current ? 'instance.secret.generator.changed' : 'instance.secret.generator.added',
          payload: { generatorType: type, ...wanted },
          resourceOwner: caller.instance.id,
        },
      ]);
      await this.store.save(tx, caller.instance.id, {
        type,
        ...wanted,
        createdAt: current?.createdAt ?? written.createdAt,
        changedAt: written.createdAt,
        sequence: written.sequence,
      });
      return {
        sequence: written.sequence,
        changeDate: written.createdAt,
        resourceOwner: caller.instance.id,
        creationDate: current?.createdAt ?? written.createdAt,
      };
    });
  }

  private effective(
    caller: Caller,
    g: {
      type: GeneratorType;
      createdAt: Date;
      changedAt: Date;
      sequence: bigint;
    } & GeneratorSettings,
  ): EffectiveGenerator {
    return {
      ...g,
      stored: {
        sequence: g.sequence,
        changeDate: g.changedAt,
        creationDate: g.createdAt,
        resourceOwner: caller.instance.id,
      },
    };
  }
}
