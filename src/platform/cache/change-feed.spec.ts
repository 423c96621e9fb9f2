import { changesCachedData } from './change-feed.js';

describe('changesCachedData', () => {
  it('is false for units of work that only move sessions, OIDC/SAML flows, add human users or receipt deliveries', () => {
    expect(changesCachedData([])).toBe(false);
    expect(changesCachedData(['session/session.added', 'session/session.password.checked'])).toBe(false);
    expect(changesCachedData(['oidc_token/oidc.access_token.added', 'saml_request/saml.request.added'])).toBe(false);
    expect(changesCachedData(['user/user.human.added'])).toBe(false);
    expect(changesCachedData(['user/user.human.email.code.sent', 'user/user.domain.claimed.sent'])).toBe(false);
  });

  it('is true as soon as one event may touch cached data', () => {
    expect(changesCachedData(['session/session.added', 'user/user.locked'])).toBe(true);
    expect(changesCachedData(['user/user.machine.added'])).toBe(true);
    expect(changesCachedData(['org/org.member.removed'])).toBe(true);
    expect(changesCachedData(['instance/instance.policy.login.changed'])).toBe(true);
    expect(changesCachedData(['user/user.human.email.code.sent', 'user/user.human.email.changed'])).toBe(true);
  });
});
