import { create } from '@bufbuild/protobuf';
import * as v2 from '@zitadel/proto/zitadel/org/v2/org_pb.js';
import * as v2beta from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { Unimplemented } from '../platform/errors/domain-error.js';
import { detailsV2, ts } from '../platform/rpc/proto-mapping.js';
import type { NewHumanUser } from '../users/users.service.js';
import type { DomainValidationType, Org, OrgDomain, OrgState } from './org.entity.js';
import type { AdminSpec } from './orgs.service.js';

/** The shape user.v2 and user.v2beta AddHumanUserRequest share. */
interface HumanRequest {
  userId?: string;
  username?: string;
  profile?: { givenName: string; familyName: string; nickName?: string; displayName?: string; preferredLanguage?: string };
  email?: { email: string; verification: { case: string | undefined; value?: unknown } };
  phone?: { phone: string; verification: { case: string | undefined; value?: unknown } };
  passwordType: { case: string | undefined; value?: unknown };
  metadata: unknown[];
  idpLinks: unknown[];
  totpSecret?: string;
}

interface AdminRequest {
  userType: { case: 'userId'; value: string } | { case: 'human'; value: HumanRequest } | { case: undefined; value?: undefined };
  roles: string[];
}

function notYet(field: string): never {
  throw Unimplemented('ORG-n0ty3', `${field} is not supported for organization admins yet; add it to the user after creation`);
}

export function newHuman(req: HumanRequest, fieldPath: string): NewHumanUser {
  if (req.passwordType.case === 'hashedPassword') notYet(`${fieldPath}.hashed_password`);
  if (req.metadata.length) notYet(`${fieldPath}.metadata`);
  if (req.idpLinks.length) notYet(`${fieldPath}.idp_links`);
  if (req.totpSecret) notYet(`${fieldPath}.totp_secret`);
  const password = req.passwordType.case === 'password' ? (req.passwordType.value as { password: string; changeRequired: boolean }) : undefined;
  return {
    userId: req.userId,
    username: req.username,
    givenName: req.profile?.givenName ?? '',
    familyName: req.profile?.familyName ?? '',
    nickName: req.profile?.nickName,
    displayName: req.profile?.displayName,
    preferredLanguage: req.profile?.preferredLanguage,
    email: req.email?.email ?? '',
    emailVerified: req.email?.verification.case === 'isVerified' && req.email.verification.value === true,
    returnEmailCode: req.email?.verification.case === 'returnCode',
    password: password ? { value: password.password, changeRequired: password.changeRequired } : undefined,
    phone: req.phone?.phone,
    phoneVerified: req.phone?.verification.case === 'isVerified' && req.phone.verification.value === true,
    fieldPath,
  };
}

export function adminSpecs(admins: readonly AdminRequest[]): AdminSpec[] {
  return admins.map((a, i): AdminSpec => {
    const field = `admins[${i}]`;
    if (a.userType.case === 'userId') return { kind: 'existing', userId: a.userType.value, roles: a.roles, field };
    if (a.userType.case === 'human') return { kind: 'human', human: newHuman(a.userType.value, `${field}.human`), roles: a.roles, field };
    return { kind: 'existing', userId: '', roles: a.roles, field };
  });
}

/** OrganizationState (v2) and OrgState (v2beta) share their numbers. */
const STATE_NUMBER: Record<OrgState, number> = { active: 1, inactive: 2 };
export function stateFromNumber(n: number): OrgState | 'removed' | undefined {
  return n === 1 ? 'active' : n === 2 ? 'inactive' : n === 3 ? 'removed' : undefined;
}

export function orgV2(org: Org): v2.Organization {
  return create(v2.OrganizationSchema, {
    id: org.id,
    name: org.name,
    state: STATE_NUMBER[org.state],
    primaryDomain: org.primaryDomain,
    details: detailsV2({ sequence: BigInt(org.sequence), changeDate: org.changedAt, resourceOwner: org.id, creationDate: org.createdAt }),
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
export function validationTypeFromNumber(n: number): DomainValidationType | undefined {
  return n === 1 ? 'http' : n === 2 ? 'dns' : undefined;
}

export function domainV2beta(d: OrgDomain): v2beta.Domain {
  return create(v2beta.DomainSchema, {
    organizationId: d.orgId,
    domainName: d.domain,
    isVerified: d.isVerified,
    isPrimary: d.isPrimary,
    validationType: d.validationType ? VALIDATION_NUMBER[d.validationType] : 0,
  });
}
