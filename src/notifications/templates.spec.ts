import { retryDelaySeconds } from './delivery-worker.js';
import type { NotificationTemplate, OutboundNotification } from './notifier.js';
import {
  escapeHtml,
  maskPhone,
  renderEmail,
  renderSms,
  renderUrl,
  scrubSecrets,
  urlTemplateProblems,
} from './templates.js';

function notification(overrides: Partial<OutboundNotification> = {}): OutboundNotification {
  return {
    channel: 'email',
    to: 'ada@example.com',
    template: 'verifyEmail',
    userId: '312345678901234567',
    orgId: '312345678901234500',
    data: { code: 'K7Q2XZ', displayName: 'Ada Lovelace', loginName: 'ada@acme.test' },
    ...overrides,
  };
}

describe('renderUrl', () => {
  it("substitutes ZITADEL's placeholders", () => {
    const n = notification({ data: { code: 'ABC', loginName: 'ada', codeId: '99' } });
    expect(
      renderUrl(
        'https://app.test/v?u={{.UserID}}&o={{.OrgID}}&c={{.Code}}&l={{.LoginName}}&id={{.CodeID}}&p={{.PasskeyID}}',
        n,
      ),
    ).toBe('https://app.test/v?u=312345678901234567&o=312345678901234500&c=ABC&l=ada&id=99&p=99');
  });

  it("substitutes the OTP email challenge's placeholders (DisplayName, PreferredLanguage, SessionID)", () => {
    const n = notification({
      template: 'otp',
      data: { code: '1', displayName: 'Ada L', preferredLanguage: 'de', sessionId: '77' },
    });
    expect(renderUrl('https://l.test/?d={{.DisplayName}}&p={{.PreferredLanguage}}&s={{.SessionID}}', n)).toBe(
      'https://l.test/?d=Ada%20L&p=de&s=77',
    );
  });

  it('accepts the spacing Go templates allow and URL-encodes every value', () => {
    const n = notification({ data: { code: 'a&b=c d/é', loginName: 'ada+1@x.test' } });
    expect(renderUrl('https://app.test/{{ .LoginName }}?code={{.Code}}', n)).toBe(
      'https://app.test/ada%2B1%40x.test?code=a%26b%3Dc%20d%2F%C3%A9',
    );
  });

  it('renders a missing value empty, as a zero-valued Go field', () => {
    expect(renderUrl('https://app.test/?l={{.LoginName}}', notification({ data: { code: '1' } }))).toBe(
      'https://app.test/?l=',
    );
  });

  it('refuses placeholders it does not know', () => {
    expect(() => renderUrl('https://app.test/{{.Secret}}', notification())).toThrow(
      /unknown placeholder \{\{\.Secret\}\}/,
    );
  });
});

describe('urlTemplateProblems', () => {
  it.each([
    ['https://app.test/verify?userID={{.UserID}}&code={{.Code}}&orgID={{.OrgID}}', 0],
    ['myapp://passkey/{{.CodeID}}', 0],
    ['https://app.test/{{.Nope}}', 1],
    ['https://app.test/{{.constructor}}', 1],
    ['https://app.test/{{if .Code}}x{{end}}', 2],
    ['https://app.test/{{.Code}', 1],
  ])('%s has %d problem(s)', (template, count) => {
    expect(urlTemplateProblems(template)).toHaveLength(count);
  });
});

describe('renderEmail', () => {
  const subjects: Record<NotificationTemplate, RegExp> = {
    verifyEmail: /verify your email/i,
    verifyPhone: /verify your phone/i,
    passwordReset: /reset your password/i,
    inviteCode: /invited to Portcullis/,
    initCode: /initialize your account/i,
    passkeyRegistration: /passkey/i,
    otp: /one-time/i,
    domainClaimed: /login name has changed/i,
  };

  it.each(Object.entries(subjects) as [NotificationTemplate, RegExp][])(
    '%s: subject, code in text and HTML',
    (template, subject) => {
      const email = renderEmail(notification({ template }));
      expect(email.subject).toMatch(subject);
      expect(email.text).toContain('Hello Ada Lovelace,');
      expect(email.text).toContain('K7Q2XZ');
      expect(email.html).toContain('>K7Q2XZ</p>');
      expect(email.html).not.toContain('<a ');
    },
  );

  it('adds the rendered link to text and HTML', () => {
    const email = renderEmail(notification({ urlTemplate: 'https://app.test/verify?user={{.UserID}}&code={{.Code}}' }));
    const link = 'https://app.test/verify?user=312345678901234567&code=K7Q2XZ';
    expect(email.text).toContain(`Verify your email address: ${link}`);
    expect(email.html).toContain(`<a href="${link.replace('&', '&#38;')}">Verify your email address</a>`);
  });

  it('escapes everything it puts into HTML', () => {
    const email = renderEmail(
      notification({
        data: { code: '<b>1</b>', displayName: '<script>alert("x")</script>' },
        urlTemplate: 'https://app.test/?x="><img src=x>&c={{.Code}}',
      }),
    );
    expect(email.html).not.toMatch(/<script|<img|<b>/);
    expect(email.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(email.html).toContain('href="https://app.test/?x=&#34;&#62;&#60;img src=x&#62;&#38;c=%3Cb%3E1%3C%2Fb%3E"');
    // Plain text stays as written.
    expect(email.text).toContain('Hello <script>alert("x")</script>,');
  });

  it('never makes a link that runs code', () => {
    const email = renderEmail(notification({ urlTemplate: 'javascript:alert({{.Code}})' }));
    expect(email.html).not.toContain('href=');
    expect(email.html).toContain('javascript:alert(K7Q2XZ)');
  });

  it('greets without a name and names the application of an invitation', () => {
    const email = renderEmail(
      notification({ template: 'inviteCode', data: { code: '1', applicationName: 'Acme Portal' } }),
    );
    expect(email.text.startsWith('Hello,\n')).toBe(true);
    expect(email.subject).toBe('You are invited to Acme Portal');
  });
});

describe('renderSms', () => {
  it('is short: what the code is for, the code and the link', () => {
    expect(renderSms(notification({ channel: 'sms', template: 'verifyPhone', to: '+41791234567' }))).toBe(
      'Your phone verification code: K7Q2XZ',
    );
    expect(renderSms(notification({ channel: 'sms', template: 'otp', urlTemplate: 'https://a.test/{{.Code}}' }))).toBe(
      'Your one-time sign-in code: K7Q2XZ\nhttps://a.test/K7Q2XZ',
    );
  });
});

describe('helpers', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });

  it('masks phone numbers but their prefix and last two digits', () => {
    expect(maskPhone('+41791234567')).toBe('+41*******67');
    expect(maskPhone('12345')).toBe('****5');
  });

  it('scrubs secrets, URL-encoded ones too, and caps the length', () => {
    expect(scrubSecrets('550 code a b/c rejected for a%20b%2Fc', ['a b/c'])).toBe(
      '550 code [redacted] rejected for [redacted]',
    );
    expect(scrubSecrets('short 123', ['123'])).toBe('short 123');
    expect(scrubSecrets('x'.repeat(600), [])).toHaveLength(500);
  });

  it('backs off exponentially up to an hour', () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a, 5))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(40, 5)).toBe(3600);
  });
});
