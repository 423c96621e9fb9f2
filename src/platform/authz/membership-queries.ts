import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Membership } from './membership.entity.js';
import type { MembershipGrant } from './permissions.js';

@Injectable()
export class MembershipQueries {
  constructor(private readonly dataSource: DataSource) {}

  async grantsOf(instanceId: string, userId: string): Promise<MembershipGrant[]> {
    const rows = await this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('m')
      .select(['m.level', 'm.resourceId', 'm.resourceOwner', 'm.roles'])
      .where('m.instance_id = :instanceId AND m.user_id = :userId', { instanceId, userId })
      .getMany();
    return rows.map((m) => ({ level: m.level, resourceId: m.resourceId, resourceOwner: m.resourceOwner, roles: m.roles }));
  }
}
