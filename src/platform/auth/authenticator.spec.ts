import type { MembershipQueries } from '../authz/membership-queries.js';
import { DomainError } from '../errors/domain-error.js';
import type { Instance } from '../tenancy/instance.entity.js';
import { Authenticator, type TokenRequest, type TokenStrategy } from './authenticator.js';

const instance = { id: 'i1' } as Instance;
const memberships = { grantsOf: async () => [] } as unknown as MembershipQueries;

/** A strategy that knows one token, and notes the requests it was asked about. */
function strategy(name: string, token: string, senderConstrained = false) {
  const seen: TokenRequest[] = [];
  const s: TokenStrategy & { seen: TokenRequest[] } = {
    name,
    senderConstrained,
    seen,
    authenticate: async (value, _instance, request) => {
      seen.push(request);
      return value === token ? { userId: `${name}-user`, orgId: 'o1', method: 'pat' } : undefined;
    },
  };
  return s;
}

function authenticator(...strategies: TokenStrategy[]): Authenticator {
  const a = new Authenticator(memberships);
  for (const s of strategies) a.use(s);
  return a;
}

const facts = { method: 'GET', url: 'https://id.example.com/v2/users/u1' };

describe('Authenticator', () => {
  it('hands a Bearer token to every strategy in turn, with the request it came with', async () => {
    const pat = strategy('pat', 'p');
    const oidc = strategy('oidc', 'o', true);
    const principal = await authenticator(pat, oidc).authenticate('Bearer o', instance, facts);
    expect(principal.userId).toBe('oidc-user');
    expect(oidc.seen).toEqual([{ scheme: 'bearer', ...facts }]);
  });

  it('hands a DPoP token, or a token with a DPoP proof, only to strategies that check proofs (RFC 9449)', async () => {
    const pat = strategy('pat', 'p');
    const oidc = strategy('oidc', 'o', true);
    const a = authenticator(pat, oidc);
    await expect(a.authenticate('DPoP p', instance, { ...facts, dpop: 'proof' })).rejects.toBeInstanceOf(DomainError);
    await expect(a.authenticate('Bearer p', instance, { ...facts, dpop: 'proof' })).rejects.toBeInstanceOf(DomainError);
    expect(pat.seen).toEqual([]);
    expect((await a.authenticate('dpop o', instance, { ...facts, dpop: 'proof' })).userId).toBe('oidc-user');
    expect(oidc.seen.at(-1)).toEqual({ scheme: 'dpop', ...facts, proof: 'proof' });
  });

  it('refuses other schemes and a missing header', async () => {
    const a = authenticator(strategy('pat', 'p'));
    await expect(a.authenticate('Basic p', instance, facts)).rejects.toMatchObject({ kind: 'Unauthenticated' });
    await expect(a.authenticate(null, instance, facts)).rejects.toMatchObject({ kind: 'Unauthenticated' });
  });
});
