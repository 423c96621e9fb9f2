import { SessionService as SessionV2 } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { SessionService as SessionV2beta } from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import { UserService as UserV2 } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { bridgeService, wireIncompatibilities } from './beta-bridge.js';
import type { ServiceBinding } from './registry.js';

const method = <S extends { methods: { name: string }[] }>(service: S, name: string) =>
  service.methods.find((m) => m.name === name) as S['methods'][number];

describe('wireIncompatibilities', () => {
  it('accepts a v2beta message that v2 extends (v2 added mfa_init_skipped to the human user)', () => {
    expect(
      wireIncompatibilities(method(UserV2beta, 'GetUserByID').output, method(UserV2, 'GetUserByID').output),
    ).toEqual([]);
    expect(
      wireIncompatibilities(method(SessionV2beta, 'ListSessions').input, method(SessionV2, 'ListSessions').input),
    ).toEqual([]);
  });

  it('refuses when a field of the older message is missing or different in the newer one', () => {
    // v2's ListSessions request has queries v2beta lacks: read the other way round, they are missing.
    const problems = wireIncompatibilities(
      method(SessionV2, 'ListSessions').input,
      method(SessionV2beta, 'ListSessions').input,
    );
    expect(problems.join('\n')).toMatch(/creator_query|user_agent_query/);
    // Unrelated messages: field 1 means something else.
    expect(
      wireIncompatibilities(method(UserV2, 'AddHumanUser').input, method(UserV2, 'GetUserByID').input).length,
    ).toBeGreaterThan(0);
  });
});

describe('bridgeService', () => {
  const stable = (impl: Record<string, unknown>, access: Record<string, unknown>) =>
    ({ service: SessionV2, impl, access }) as unknown as ServiceBinding;

  it('bridges only what the stable service has built, with its access rule', () => {
    const getSession = async () => ({ session: { id: 's1' } });
    const { binding, skipped } = bridgeService(SessionV2beta, stable({ getSession }, { getSession: 'authenticated' }));
    expect(Object.keys(binding.impl)).toEqual(['getSession']);
    expect(binding.access).toEqual({ getSession: 'authenticated' });
    expect(skipped).toEqual(expect.arrayContaining([expect.stringMatching(/^CreateSession: not built/)]));
  });

  it('re-reads the request as the stable one and the answer as the older one', async () => {
    let seen: unknown;
    const getSession = async (req: { $typeName: string; sessionId: string }) => {
      seen = req;
      return { session: { id: req.sessionId, sequence: 7n } };
    };
    const { binding } = bridgeService(SessionV2beta, stable({ getSession }, { getSession: 'authenticated' }));
    const answer = await (
      binding.impl as unknown as Record<
        string,
        (r: unknown, c: unknown) => Promise<{ $typeName: string; session?: { id: string; sequence: bigint } }>
      >
    ).getSession({ $typeName: 'zitadel.session.v2beta.GetSessionRequest', sessionId: 'abc' }, {});
    expect(seen).toMatchObject({ $typeName: 'zitadel.session.v2.GetSessionRequest', sessionId: 'abc' });
    expect(answer.$typeName).toBe('zitadel.session.v2beta.GetSessionResponse');
    expect(answer.session).toMatchObject({ id: 'abc', sequence: 7n });
  });
});
