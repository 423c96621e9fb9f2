import { DomainError } from '../platform/errors/domain-error.js';
import {
  checkRedirectUrl,
  failureReason,
  failureRedirect,
  INTENT_LIFETIME_MS,
  isExpired,
  parseUpstreamState,
  upstreamState,
  successRedirect,
} from './intent-rules.js';

describe('intent rules', () => {
  it.each(['https://app.example.com/done', 'http://localhost:3000/cb?x=1'])('accepts %s as a redirect URL', (url) => {
    expect(checkRedirectUrl('urls.success_url', url)).toBe(new URL(url).href);
  });

  it.each([undefined, '', '/relative', 'javascript:alert(1)', 'ftp://example.com/', 'https://u:p@example.com/'])(
    'refuses %p as a redirect URL, naming the field',
    (url) => {
      try {
        checkRedirectUrl('urls.failure_url', url);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).fieldViolations[0]?.field).toBe('urls.failure_url');
      }
    },
  );

  it('sends success to the success URL with ZITADEL query names id, token and user, keeping its own query', () => {
    const url = new URL(successRedirect('https://app.example.com/ok?keep=1', 'i1', 't1', 'u1'));
    expect(Object.fromEntries(url.searchParams)).toEqual({ keep: '1', id: 'i1', token: 't1', user: 'u1' });
    expect(new URL(successRedirect('https://app.example.com/ok', 'i1', 't1')).searchParams.has('user')).toBe(false);
  });

  it('sends failure to the failure URL with id, error and error_description', () => {
    const url = new URL(failureRedirect('https://app.example.com/err', 'i1', 'access_denied', 'no'));
    expect(Object.fromEntries(url.searchParams)).toEqual({ id: 'i1', error: 'access_denied', error_description: 'no' });
    expect(failureReason('access_denied', 'no')).toBe('access_denied: no');
    expect(failureReason('access_denied')).toBe('access_denied');
  });

  it("lives ZITADEL's MaxIdPIntentLifetime of one hour, expired at the instant", () => {
    expect(INTENT_LIFETIME_MS).toBe(3_600_000);
    const at = new Date('2026-01-01T00:00:00Z');
    expect(isExpired(at, new Date(at.getTime() - 1))).toBe(false);
    expect(isExpired(at, at)).toBe(true);
  });
});

describe('the upstream state: the intent id and a secret', () => {
  it('round-trips the id and secret, and reads a bare id with an empty secret', () => {
    expect(parseUpstreamState(upstreamState('649333841177083905', 'FrEo_KIWJz-X5y8'))).toEqual({
      intentId: '649333841177083905',
      secret: 'FrEo_KIWJz-X5y8',
    });
    expect(parseUpstreamState('649333841177083905')).toEqual({ intentId: '649333841177083905', secret: '' });
  });
});
