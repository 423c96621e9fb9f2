import { create } from '@bufbuild/protobuf';
import * as v2 from '@zitadel/proto/zitadel/org/v2/org_pb.js';
import * as v2beta from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { detailsV2, ts } from '../platform/rpc/proto-mapping.js';
import { newHuman, type HumanRequest } from '../users/users.mapper.js';
import type { DomainValidationType, Org, OrgDomain, OrgState } from './org.entity.js';
import type { AdminSpec } from './orgs.service.js';

interface AdminRequest {
  userType:
    | { case: 'userId'; value: string }
    | { case: 'human'; value: HumanRequest }
    | { case: undefined; value?: undefined };
  roles: string[];
}

export function adminSpecs(admins: readonly AdminRequest[]): AdminSpec[] {
  return admins.map((a, i): AdminSpec => {
    const field = `admins[${i}]`;
    if (a.userType.case === 'userId') return { kind: 'existing', userId: a.userType.value, roles: a.roles, field };
    if (a.userType.case === 'human')
      return { kind: 'human', human: newHuman(a.userType.value, `${field}.human`), roles: a.roles, field };
    return { kind: 'existing', userId: '', roles: a.roles, field };
  });
}

/** OrganizationState (v2) and OrgState (v2beta, v1) share their numbers. */
const STATE_NUMBER: Record<OrgState, number> = { active: 1, inactive: 2 };
export function orgStateNumber(state: OrgState): number {
  return STATE_NUMBER[state];
}
export function stateFromNumber(n: number): OrgState | 'removed' | undefined {
  return n === 1 ? 'active' : n === 2 ? 'inactive' : n === 3 ? 'removed' : undefined;
}

export function orgV2(org: Org): v2.Organization {
  return create(v2.OrganizationSchema, {
    id: org.id,
    name: org.name,
    state: STATE_NUMBER[org.state],
    primaryDomain: org.primaryDomain,
    details: detailsV2({
      sequence: BigInt(org.sequence),
      changeDate: org.changedAt,
      resourceOwner: org.id,
      creationDate: org.createdAt,
    }),
  });
}

export function orgV2beta(org: Org): v2beta.Organization {
  return create(v2beta.OrganizationSchema, {
    id: org.id,
    name: org.name,
    state: STATE_NUMBER[org.state],
    primaryDomain: org.primaryDomain,
    creationDate: ts(org.createdAt),
    changedDate: ts(org.changedAt),
  });
}

const VALIDATION_NUMBER: Record<DomainValidationType, number> = { http: 1, dns: 2 };
export function validationTypeNumber(type: DomainValidationType | null): number {
  return type ? VALIDATION_NUMBER[type] : 0;
}
export function validationTypeFromNumber(n: number): DomainValidationType | undefined {
  return n === 1 ? 'http' : n === 2 ? 'dns' : undefined;
}

export function domainV2beta(d: OrgDomain): v2beta.Domain {
  return create(v2beta.DomainSchema, {
    organizationId: d.orgId,
    domainName: d.domain,
    isVerified: d.isVerified,
    isPrimary: d.isPrimary,
    validationType: validationTypeNumber(d.validationType),
  });
}
