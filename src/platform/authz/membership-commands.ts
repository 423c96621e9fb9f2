import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InvalidArgument } from '../errors/domain-error.js';
import { EventStore } from '../events/event-store.js';
import { creatorOf, type Caller } from '../rpc/call-context.js';
import { Membership } from './membership.entity.js';
import { ROLES_BY_LEVEL, type MembershipLevel } from './permissions.js';

export interface GrantMembership {
  readonly userId: string;
  readonly level: MembershipLevel;
  readonly resourceId: string;
  readonly resourceOwner: string;
  readonly roles: readonly string[];
}

const AGGREGATE: Record<MembershipLevel, string> = { instance: 'instance', org: 'org', project: 'project' };

/** Adds administrators (members) with roles on the instance, an org or a project. */
@Injectable()
export class MembershipCommands {
  constructor(private readonly events: EventStore) {}

  async grant(tx: EntityManager, caller: Caller, grant: GrantMembership, field = 'roles'): Promise<void> {
    const unknown = grant.roles.filter((r) => !ROLES_BY_LEVEL[grant.level].includes(r));
    if (unknown.length || grant.roles.length === 0) {
      throw InvalidArgument('MEMB-r0l3s', `roles must be ${grant.level} roles (${ROLES_BY_LEVEL[grant.level].join(', ')})`, [
        { field, description: unknown.length ? `unknown roles: ${unknown.join(', ')}` : 'at least one role is required' },
      ]);
    }
    const now = new Date();
    await tx
      .createQueryBuilder()
      .insert()
      .into(Membership)
      .values({ instanceId: caller.instance.id, ...grant, roles: [...grant.roles], createdAt: now, changedAt: now })
      .orUpdate(['roles', 'changed_at'], ['instance_id', 'user_id', 'level', 'resource_id'])
      .execute();
    await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      {
        aggregateType: AGGREGATE[grant.level],
        aggregateId: grant.resourceId,
        type: `${AGGREGATE[grant.level]}.member.added`,
        payload: { userId: grant.userId, roles: grant.roles },
        resourceOwner: grant.resourceOwner,
      },
    ]);
  }

  /** Removes every membership on a resource (when the resource itself goes). */
  async removeAllOn(tx: EntityManager, instanceId: string, level: MembershipLevel, resourceId: string): Promise<void> {
    await tx.delete(Membership, { instanceId, level, resourceId });
  }
}
