import { renderUrl } from './templates.js';
import { defaultUrlTemplate } from './login-links.js';

describe("defaultUrlTemplate (ZITADEL links a code's email to its login's page)", () => {
  const base = 'https://id.example.com/ui/v2/login';
  const n = {
    channel: 'email' as const,
    to: 'a@example.com',
    userId: '1',
    orgId: '2',
    data: { code: 'ABC123', codeId: '9' },
  };

  it.each([
    ['verifyEmail', '/verify?userId=1&code=ABC123&organization=2'],
    ['inviteCode', '/verify?userId=1&code=ABC123&invite=true&organization=2'],
    ['passwordReset', '/password/set?userId=1&code=ABC123&organization=2'],
    ['passkeyRegistration', '/passkey/set?userId=1&codeId=9&code=ABC123&organization=2'],
  ] as const)('%s opens %s on the login', (template, page) => {
    const url = defaultUrlTemplate(template, 'email', base)!;
    expect(renderUrl(url, { ...n, template })).toBe(base + page);
  });

  it('gives phone codes, sign-in OTPs and every SMS no link', () => {
    expect(defaultUrlTemplate('verifyPhone', 'sms', base)).toBeUndefined();
    expect(defaultUrlTemplate('otp', 'email', base)).toBeUndefined();
    expect(defaultUrlTemplate('passwordReset', 'sms', base)).toBeUndefined();
  });
});
