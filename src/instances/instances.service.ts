import { Injectable } from '@nestjs/common';
import { authorize } from '../platform/authz/authorize.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { EntityManager } from 'typeorm';
import { Instance, InstanceTrustedDomain } from '../platform/tenancy/instance.entity.js';
import { bareHost, instanceName } from './instance-rules.js';
import * as errors from './instances.errors.js';

/** A trusted domain is a bare host name: what a public host header's name is compared with. */
const trustedDomainOf = (raw: string): string => bareHost(raw, errors.trustedDomainInvalid);

/** Commands on the caller's instance: its trusted domains (admin v1), with instance events. */
@Injectable()
export class InstancesService {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
  ) {}

  async addTrustedDomain(caller: Caller, raw: string): Promise<WrittenEvent> {
    const domain = trustedDomainOf(raw);
    authorize(caller, 'iam.write', { instance: true }, errors.instanceNotFound);
    return this.tx.run(async (tx) => {
      await underSavepoint(
        tx,
        () => tx.insert(InstanceTrustedDomain, { instanceId: caller.instance.id, domain, createdAt: new Date() }),
        (err) => (isUniqueViolation(err, 'instance_trusted_domains_pkey') ? errors.trustedDomainExists(domain) : err),
      );
      return this.push(tx, caller, 'instance.trusted_domain.added', { domain });
    });
  }

  /** Renames the instance: its own administrators (iam.write), or a system API user's call in its unit of work. */
  async rename(caller: Caller, rawName: string, outer?: EntityManager): Promise<WrittenEvent> {
    const name = instanceName(rawName, 'instance_name');
    authorize(caller, 'iam.write', { instance: true }, errors.instanceNotFound);
    return this.tx.run(async (tx) => {
      await tx.update(Instance, { id: caller.instance.id }, { name });
      return this.push(tx, caller, 'instance.changed', { name });
    }, outer);
  }

  async removeTrustedDomain(caller: Caller, raw: string): Promise<WrittenEvent> {
    const domain = raw.trim().toLowerCase();
    authorize(caller, 'iam.write', { instance: true }, errors.instanceNotFound);
    return this.tx.run(async (tx) => {
      const removed = await tx.delete(InstanceTrustedDomain, { instanceId: caller.instance.id, domain });
      if (!removed.affected) throw errors.trustedDomainNotFound(domain);
      return this.push(tx, caller, 'instance.trusted_domain.removed', { domain });
    });
  }

  private async push(
    tx: EntityManager,
    caller: Caller,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<WrittenEvent> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      {
        aggregateType: 'instance',
        aggregateId: caller.instance.id,
        resourceOwner: caller.instance.id,
        type,
        payload,
      },
    ]);
    return written;
  }
}
