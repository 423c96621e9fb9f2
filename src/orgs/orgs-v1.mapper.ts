import { create } from '@bufbuild/protobuf';
import * as v1 from '@zitadel/proto/zitadel/org_pb.js';
import { MetadataSchema, type Metadata } from '@zitadel/proto/zitadel/metadata_pb.js';
import type { SetUpOrgRequest } from '@zitadel/proto/zitadel/admin_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV1 } from '../platform/rpc/proto-mapping.js';
import type { Org, OrgDomain, OrgMetadata } from './org.entity.js';
import { orgStateNumber, validationTypeNumber } from './orgs.mapper.js';
import type { AdminSpec } from './orgs.service.js';

// zitadel.org.v1 and zitadel.metadata.v1 messages of the v1 management and admin APIs.

export function orgV1(org: Org): v1.Org {
  return create(v1.OrgSchema, {
    id: org.id,
    name: org.name,
    state: orgStateNumber(org.state),
    primaryDomain: org.primaryDomain,
    details: detailsV1({
      sequence: BigInt(org.sequence),
      creationDate: org.createdAt,
      changeDate: org.changedAt,
      resourceOwner: org.id,
    }),
  });
}

export function domainV1(d: OrgDomain): v1.Domain {
  return create(v1.DomainSchema, {
    orgId: d.orgId,
    domainName: d.domain,
    isVerified: d.isVerified,
    isPrimary: d.isPrimary,
    validationType: validationTypeNumber(d.validationType),
    details: detailsV1({ sequence: 0n, creationDate: d.createdAt, changeDate: d.createdAt, resourceOwner: d.orgId }),
  });
}

/** Metadata rows keep no sequence of their own; their dates and owner are what v1 shows. */
export function metadataV1(m: OrgMetadata): Metadata {
  return create(MetadataSchema, {
    key: m.key,
    value: m.value,
    details: detailsV1({ sequence: 0n, creationDate: m.createdAt, changeDate: m.changedAt, resourceOwner: m.orgId }),
  });
}

/** admin v1 SetUpOrg's first human: the org's owner by default, its password set as given. */
export function setUpOrgAdmin(req: SetUpOrgRequest): AdminSpec {
  if (req.user.case !== 'human') throw invalidField('ORG-s3tup', 'human', 'the first human user is required');
  const h = req.user.value;
  // The users context's NewHumanUser, built here from v1's fields (orgs keeps it opaque).
  const human = {
    username: h.userName,
    givenName: h.profile?.firstName ?? '',
    familyName: h.profile?.lastName ?? '',
    nickName: h.profile?.nickName || undefined,
    displayName: h.profile?.displayName || undefined,
    preferredLanguage: h.profile?.preferredLanguage || undefined,
    gender: h.profile?.gender,
    email: h.email?.email ?? '',
    emailVerified: h.email?.isEmailVerified ?? false,
    returnEmailCode: false,
    password: h.password ? { value: h.password, changeRequired: false } : undefined,
    phone: h.phone?.phone || undefined,
    phoneVerified: h.phone?.isPhoneVerified,
    fieldPath: 'human',
  };
  return { kind: 'readHuman', human, roles: req.roles, field: 'human' };
}
