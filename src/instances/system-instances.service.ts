import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FeaturesService, type FeatureDetails } from '../features/features.service.js';
import type { FeatureValues } from '../features/feature-flags.js';
import { domainLabel } from '../orgs/org-rules.js';
import { Config } from '../platform/config/config.js';
import { Transactions } from '../platform/database/transactions.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { callerForSystem, type Caller, type SystemCall } from '../platform/rpc/call-context.js';
import { hostName } from '../platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../platform/tenancy/instance.entity.js';
import { InstanceSetup, type CreatedInstance, type HumanOwner, type MachineOwner } from './instance-setup.service.js';
import { bareHost, instanceName } from './instance-rules.js';
import { InstancesService } from './instances.service.js';
import * as errors from './instances.errors.js';

export interface CreateInstanceInput {
  readonly name: string;
  readonly orgName: string;
  readonly customDomain: string;
  readonly owner: HumanOwner | MachineOwner | undefined;
  readonly defaultLanguage: string;
}

/**
 * What a system API user does to instances: create one with its defaults, rename or remove it,
 * and manage the domains it is reached by. Each change commits with its instance event; a domain
 * row added or removed here routes (or stops routing) its host at once in every process, as the
 * instance resolver's cache follows the change feed.
 */
@Injectable()
export class SystemInstancesService {
  /** The host generated instance domains sit under (ZITADEL's ExternalDomain). */
  private readonly externalDomain: string;

  constructor(
    private readonly tx: Transactions,
    private readonly setup: InstanceSetup,
    private readonly instances: InstancesService,
    private readonly config: Config,
    private readonly features: FeaturesService,
  ) {
    this.externalDomain = hostName(new URL(config.externalUrl).host);
  }

  /**
   * ZITADEL's AddInstance/CreateInstance: a generated domain (`<name>-<random>.<external domain>`,
   * primary) and the custom domain if given, the first org (its name, else the configured
   * default org name) and the owner.
   */
  async create(call: SystemCall, input: CreateInstanceInput): Promise<CreatedInstance> {
    const name = instanceName(input.name, 'instance_name');
    if (!input.owner) throw errors.ownerMissing();
    const custom = input.customDomain.trim()
      ? bareHost(input.customDomain, () => errors.domainInvalid('custom_domain'))
      : '';
    const generated = `${domainLabel(name) || 'instance'}-${randomBytes(3).toString('hex')}.${this.externalDomain}`;
    const domains = [{ domain: generated, generated: true }, ...(custom ? [{ domain: custom, generated: false }] : [])];
    return this.tx.run((tx) =>
      this.setup.create(
        tx,
        {
          name,
          domains,
          orgName: input.orgName.trim() || this.config.defaultOrgName,
          owners: [input.owner!],
          ...(input.defaultLanguage.trim() ? { defaultLanguage: input.defaultLanguage.trim() } : {}),
        },
        call.requestId,
        call.principal.userName,
      ),
    );
  }

  async rename(call: SystemCall, instanceId: string, rawName: string): Promise<WrittenEvent> {
    instanceName(rawName, 'instance_name');
    return this.onInstance(call, instanceId, (tx, caller) => this.instances.rename(caller, rawName, tx));
  }

  /**
   * Removes the instance: its row and, by the schema's cascades, its domains and the tables that
   * reference it. Rows of other tables keep its id but no host reaches them any more.
   */
  async remove(call: SystemCall, instanceId: string): Promise<WrittenEvent> {
    return this.onInstance(call, instanceId, async (tx, caller) => {
      const event = await this.setup.push(tx, caller, 'instance.removed', {});
      await tx.delete(Instance, { id: instanceId });
      return event;
    });
  }

  async addDomain(call: SystemCall, instanceId: string, raw: string): Promise<WrittenEvent> {
    const domain = bareHost(raw, () => errors.domainInvalid('domain'));
    return this.onInstance(call, instanceId, (tx, caller) => this.setup.addDomain(tx, caller, domain, false));
  }

  /**
   * As ZITADEL: any domain but the generated one may be removed, the primary one too. Org domains
   * are generated under the primary domain, so the primary then falls back to the generated
   * domain (else the oldest left); the last domain of an instance stays.
   */
  async removeDomain(call: SystemCall, instanceId: string, raw: string): Promise<WrittenEvent> {
    const domain = raw.trim().toLowerCase();
    return this.onInstance(call, instanceId, async (tx, caller) => {
      const row = await tx.findOneBy(InstanceDomain, { domain, instanceId });
      if (!row) throw errors.domainNotFound(domain);
      if (row.isGenerated) throw errors.generatedDomainKept();
      await tx.delete(InstanceDomain, { domain, instanceId });
      const removed = await this.setup.push(tx, caller, 'instance.domain.removed', { domain });
      if (caller.instance.primaryDomain !== domain) return removed;
      const next = await tx.findOne(InstanceDomain, {
        where: { instanceId },
        order: { isGenerated: 'DESC', createdAt: 'ASC', domain: 'ASC' },
      });
      if (!next) throw errors.lastDomainKept();
      await tx.update(Instance, { id: instanceId }, { primaryDomain: next.domain });
      return this.setup.push(tx, caller, 'instance.domain.primary.set', { domain: next.domain });
    });
  }

  async setPrimaryDomain(call: SystemCall, instanceId: string, raw: string): Promise<WrittenEvent> {
    const domain = raw.trim().toLowerCase();
    return this.onInstance(call, instanceId, async (tx, caller) => {
      if (!(await tx.existsBy(InstanceDomain, { domain, instanceId }))) throw errors.domainNotFound(domain);
      await tx.update(Instance, { id: instanceId }, { primaryDomain: domain });
      return this.setup.push(tx, caller, 'instance.domain.primary.set', { domain });
    });
  }

  /** ZITADEL's SetInstanceFeature: an instance's own flags, set by a system API user (its events' creator). */
  async setFeatures(call: SystemCall, instanceId: string, values: FeatureValues): Promise<FeatureDetails> {
    return this.onInstance(call, instanceId, (tx, caller) => this.features.setOnInstance(tx, caller, values));
  }

  /** Runs a change on one instance, its row held until the change commits. */
  private onInstance<T>(
    call: SystemCall,
    instanceId: string,
    change: (tx: EntityManager, caller: Caller) => Promise<T>,
  ): Promise<T> {
    return this.tx.run(async (tx) => {
      const instance = instanceId
        ? await tx.getRepository(Instance).findOne({ where: { id: instanceId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!instance) throw errors.instanceNotFound();
      return change(tx, callerForSystem(instance, call));
    });
  }
}
