import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { DENIED, NOT_FOUND, OK, permissionMatrix, type MatrixRow } from '../../support/permission-matrix.js';
import { PASSWORD } from '../../sessions/support/sessions.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const sessionsAs = (token: string) => medium().client(SessionService, token);
/** The login UI's caller (IAM_LOGIN_CLIENT), and a user of org B with no role on sessions. */
const pat = { loginClient: '', nobody: '' };

beforeAll(async () => {
  const defaultOrg = medium().instance.defaultOrgId!;
  pat.loginClient = (await make().principal(defaultOrg, ['IAM_LOGIN_CLIENT'], 'instance')).pat;
  pat.nobody = (await make().principal(actors().orgB, ['ORG_USER_SELF_MANAGER'])).pat;
});

/** A session of a new user of org A, with user and password checked. */
async function sessionInA(): Promise<{ userId: string; sessionId: string; sessionToken: string }> {
  const userId = await make().human(actors().orgA, { password: { value: PASSWORD, changeRequired: false } });
  const created = await sessionsAs(pat.loginClient).createSession({
    checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    userAgent: { fingerprintId: `fp-${userId}` },
  });
  return { userId, ...created };
}

type Actor = 'loginClient' | 'ownerA' | 'viewerA' | 'ownerB' | 'nobody';
type Session = Awaited<ReturnType<typeof sessionInA>>;
const tokenOf = (actor: Actor): string =>
  actor === 'loginClient' || actor === 'nobody' ? pat[actor] : actors().tokens[actor];

/** Who may do what to a session of a user of org A, without its token (ZITADEL's session permissions). */
const ROWS: MatrixRow<Actor, Session>[] = [
  {
    method: 'GetSession',
    call: (t, s) => sessionsAs(t).getSession({ sessionId: s.sessionId }),
    expect: { loginClient: OK, ownerA: OK, viewerA: OK, ownerB: NOT_FOUND, nobody: NOT_FOUND },
  },
  {
    method: 'SetSession',
    call: (t, s) => sessionsAs(t).setSession({ sessionId: s.sessionId, metadata: { k: new Uint8Array([2]) } }),
    expect: { loginClient: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, nobody: NOT_FOUND },
  },
  {
    method: 'DeleteSession',
    call: (t, s) => sessionsAs(t).deleteSession({ sessionId: s.sessionId }),
    expect: { loginClient: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, nobody: NOT_FOUND },
  },
  {
    method: 'CreateSession',
    call: (t, s) =>
      sessionsAs(t).createSession({
        checks: { user: { search: { case: 'userId', value: s.userId } }, password: { password: PASSWORD } },
      }),
    expect: { loginClient: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, nobody: DENIED },
  },
];

describe('session permissions', () => {
  permissionMatrix<Actor, Session>({
    rows: ROWS,
    fixture: () => sessionInA(),
    token: tokenOf,
    // A refused caller left the session as it was: still there, without the metadata a Set would add.
    unchanged: async (s) => {
      const { session } = await sessionsAs(pat.loginClient).getSession({ sessionId: s.sessionId });
      expect(session?.metadata).toEqual({});
    },
  });

  it('lists only the sessions a caller may read', async () => {
    const s = await sessionInA();
    const byUser = { queries: [{ query: { case: 'userIdQuery' as const, value: { id: s.userId } } }] };
    for (const [who, visible] of [
      ['loginClient', true],
      ['ownerA', true],
      ['viewerA', true],
      ['ownerB', false],
      ['nobody', false],
    ] as const) {
      const listed = await sessionsAs(tokenOf(who)).listSessions(byUser);
      expect(listed.sessions.map((x) => x.id)).toEqual(visible ? [s.sessionId] : []);
      expect(listed.details?.totalResult).toBe(visible ? 1n : 0n);
    }
    // The user sees their own sessions.
    const ownPat = await make().pat({ userId: s.userId, orgId: actors().orgA });
    expect((await sessionsAs(ownPat).listSessions(byUser)).sessions.map((x) => x.id)).toEqual([s.sessionId]);
  });
});
