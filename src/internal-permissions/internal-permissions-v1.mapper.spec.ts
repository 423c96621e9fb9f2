import { create } from '@bufbuild/protobuf';
import { MembershipQuerySchema } from '@zitadel/proto/zitadel/user_pb.js';
import { DomainError } from '../platform/errors/domain-error.js';
import { membershipFilterV1 } from './internal-permissions-v1.mapper.js';

describe('membershipFilterV1 (ZITADEL maps ListMyMemberships and ListUserMemberships queries alike)', () => {
  it('an iam query selects instance memberships whether its flag is true or false', () => {
    for (const iam of [true, false])
      expect(
        membershipFilterV1(create(MembershipQuerySchema, { query: { case: 'iamQuery', value: { iam } } }), 'q'),
      ).toEqual({ kind: 'resource', level: 'instance' });
  });

  it('org, project and project grant queries select that resource', () => {
    const org = create(MembershipQuerySchema, { query: { case: 'orgQuery', value: { orgId: 'o1' } } });
    const grant = create(MembershipQuerySchema, {
      query: { case: 'projectGrantQuery', value: { projectGrantId: 'g1' } },
    });
    expect(membershipFilterV1(org, 'q')).toEqual({ kind: 'resource', level: 'org', id: 'o1' });
    expect(membershipFilterV1(grant, 'q')).toEqual({ kind: 'resource', level: 'project_grant', id: 'g1' });
  });

  it('a query with nothing set is INVALID_ARGUMENT naming the field', () => {
    const empty = create(MembershipQuerySchema, {});
    expect(() => membershipFilterV1(empty, 'queries[2]')).toThrow(DomainError);
    expect(() => membershipFilterV1(empty, 'queries[2]')).toThrow(/queries\[2\]/);
  });
});
