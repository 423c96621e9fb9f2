import { contactVerificationNeedsWrite } from './contact-verification.js';
import type { Verification } from './users.service.js';

describe('contactVerificationNeedsWrite', () => {
  it.each<[string, Verification, boolean]>([
    ["marking verified needs user.write (ZITADEL's rule, no self exception)", { kind: 'verified' }, true],
    [
      'a code returned to the caller needs user.write (it would let a user verify any address)',
      { kind: 'return' },
      true,
    ],
    ['a code sent to the address does not (its holder proves it)', { kind: 'send' }, false],
    [
      'a code sent with a link template does not',
      { kind: 'send', urlTemplate: 'https://app.example.com/{{.Code}}' },
      false,
    ],
  ])('%s', (_rule, verification, needed) => {
    expect(contactVerificationNeedsWrite(verification)).toBe(needed);
  });
});
