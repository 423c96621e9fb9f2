import { DomainError } from '../../platform/errors/domain-error.js';
import { checkUrlTemplate, fillUrlTemplate } from './registration-link.js';

describe('passkey registration link templates', () => {
  it('accepts ZITADEL placeholders and fills them', () => {
    const t = 'https://login.acme.com/passkey/set?userId={{.UserID}}&org={{ .OrgID }}&codeId={{.CodeID}}&code={{.Code}}';
    expect(() => checkUrlTemplate(t)).not.toThrow();
    expect(fillUrlTemplate(t, { UserID: '1', OrgID: '2', CodeID: '3', Code: 'a b' })).toBe(
      'https://login.acme.com/passkey/set?userId=1&org=2&codeId=3&code=a%20b',
    );
  });

  it.each([
    ['https://x/{{.Unknown}}'],
    ['https://x/{{.Code}'],
    ['https://x/}}'],
    ['/relative/{{.Code}}'],
  ])('refuses %p with INVALID_ARGUMENT', (t) => {
    let err: unknown;
    try {
      checkUrlTemplate(t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).kind).toBe('InvalidArgument');
    expect((err as DomainError).id).toBe('MFA-url7p');
  });
});
