import {
  CLIENT_ASSERTION_ERRORS as E,
  ClientAssertionRefusal,
  assertionClient,
  type AssertionClaims,
} from './client-assertion.rules.js';

const now = 1_800_000_000;
const ctx = { now, audiences: ['https://id.example.com', 'https://id.example.com/oauth/v2/introspect'] };
/** What passport-zitadel signs: iss, sub, aud, iat now, exp an hour later, no jti. */
const sdk: AssertionClaims = {
  iss: 'client-1',
  sub: 'client-1',
  aud: 'https://id.example.com',
  iat: now,
  exp: now + 3600,
};

const refusalId = (claims: AssertionClaims) => {
  const result = assertionClient(claims, ctx);
  return result instanceof ClientAssertionRefusal ? result.id : 'ok';
};

describe('client assertion claims (ZITADEL VerifyJWTAssertion rules)', () => {
  it('accepts what ZITADEL SDKs sign: no jti, exp one hour after iat, and names the client', () => {
    expect(assertionClient(sdk, ctx)).toEqual({ clientId: 'client-1' });
  });

  it('accepts the same assertion until it expires (an hour later, within the clock tolerance)', () => {
    expect(assertionClient(sdk, { ...ctx, now: now + 3599 })).toEqual({ clientId: 'client-1' });
    expect(refusalId(sdk)).toBe('ok');
  });

  it('accepts aud as the endpoint URL, or as a list naming one of the accepted audiences', () => {
    expect(refusalId({ ...sdk, aud: 'https://id.example.com/oauth/v2/introspect' })).toBe('ok');
    expect(refusalId({ ...sdk, aud: ['https://other.example.com', 'https://id.example.com'] })).toBe('ok');
  });

  it.each<[string, AssertionClaims, string]>([
    ['iss differs from sub', { ...sdk, iss: 'client-2' }, E.subjectNotIssuer],
    ['no iss', { ...sdk, iss: undefined }, E.subjectNotIssuer],
    ['another audience', { ...sdk, aud: 'https://other.example.com' }, E.audience],
    ['no audience', { ...sdk, aud: undefined }, E.audience],
    ['no exp', { ...sdk, exp: undefined }, E.expiryMissing],
    ["no iat (ZITADEL's rule)", { ...sdk, iat: undefined }, E.issuedAtMissing],
    ['exp as a string', { ...sdk, exp: String(now + 60) }, E.expiryMissing],
    ['expired', { ...sdk, iat: now - 7200, exp: now - 3600 }, E.expired],
    ['iat in the future', { ...sdk, iat: now + 60, exp: now + 120 }, E.notYetValid],
    ['nbf in the future', { ...sdk, nbf: now + 60 }, E.notYetValid],
    ["exp more than an hour after iat (ZITADEL's rule)", { ...sdk, exp: now + 3601 }, E.tooLong],
  ])('refuses %s', (_name, claims, id) => {
    expect(refusalId(claims)).toBe(id);
  });

  it('tolerates a few seconds of clock difference, not more', () => {
    expect(refusalId({ ...sdk, iat: now + 4, exp: now + 3600 })).toBe('ok');
    expect(refusalId({ ...sdk, iat: now - 3600, exp: now - 4 })).toBe('ok');
    expect(refusalId({ ...sdk, iat: now - 3600, exp: now - 6 })).toBe(E.expired);
  });

  it('answers invalid_client with the id in the message', () => {
    const refusal = assertionClient({ ...sdk, aud: 'x' }, ctx) as ClientAssertionRefusal;
    expect(refusal.error).toBe('invalid_client');
    expect(refusal.message).toContain(`(${E.audience})`);
  });
});
