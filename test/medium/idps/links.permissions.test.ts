import { Code } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { insertIdpTemplate, OFFLINE_OIDC_CONFIG } from '../../support/idp-templates.js';
import {
  DENIED,
  NOT_FOUND,
  OK,
  permissionMatrix,
  type MatrixRow,
  type OrgActor,
} from '../../support/permission-matrix.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const users = (token: string) => medium().client(UserService, token);
let idpId: string;
let n = 0;

beforeAll(async () => {
  idpId = (
    await insertIdpTemplate(medium(), {
      instanceId: medium().instance.id,
      config: OFFLINE_OIDC_CONFIG,
    })
  ).id;
});

/** A human of org A with one link, the identity it links. */
interface Linked {
  readonly userId: string;
  readonly externalUserId: string;
}

const identity = () => {
  const id = `ext-${Date.now().toString(36)}-${n++}`;
  return { idpId, userId: id, userName: `${id}@upstream` };
};

/**
 * ZITADEL's AddUserIDPLink/RemoveUserIDPLink: user.write on the user's org. Who may not even read
 * the user finds no user (AddIDPLink: FAILED_PRECONDITION, as ZITADEL answers a missing user) or
 * no link (RemoveIDPLink: NOT_FOUND); a reader is denied.
 */
const rows: MatrixRow<OrgActor, Linked>[] = [
  {
    method: 'AddIDPLink',
    call: (t, f) => users(t).addIDPLink({ userId: f.userId, idpLink: identity() }),
    expect: {
      instanceAdmin: OK,
      ownerA: OK,
      viewerA: DENIED,
      ownerB: Code.FailedPrecondition,
      plainA: Code.FailedPrecondition,
    },
  },
  {
    method: 'RemoveIDPLink',
    call: (t, f) => users(t).removeIDPLink({ userId: f.userId, idpId, linkedUserId: f.externalUserId }),
    expect: { instanceAdmin: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, plainA: NOT_FOUND },
  },
];

describe("IdP link permissions: the user's org owner and the instance admin may, a reader is denied, others find nothing", () => {
  permissionMatrix<OrgActor, Linked>({
    rows,
    fixture: async () => {
      const userId = await make().human(actors().orgA);
      const linked = identity();
      await users(medium().adminPat).addIDPLink({ userId, idpLink: linked });
      return { userId, externalUserId: linked.userId };
    },
    token: (actor) => actors().tokens[actor],
    // Whoever was refused left the user's one link as it was.
    unchanged: async ({ userId, externalUserId }) => {
      const { result } = await users(medium().adminPat).listIDPLinks({ userId });
      expect(result.map((l) => l.userId)).toEqual([externalUserId]);
    },
  });

  it.each([
    ['instanceAdmin', 1],
    ['ownerA', 1],
    ['viewerA', 1],
    ['ownerB', 0],
    ['plainA', 0],
  ] as const)('ListIDPLinks as %s shows %d link(s)', async (actor, count) => {
    const userId = await make().human(actors().orgA);
    await users(medium().adminPat).addIDPLink({ userId, idpLink: identity() });
    const { result, details } = await users(actors().tokens[actor]).listIDPLinks({ userId });
    expect(result).toHaveLength(count);
    expect(details?.totalResult).toBe(BigInt(count));
  });
});
