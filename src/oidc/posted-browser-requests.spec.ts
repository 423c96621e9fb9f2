import { MasterKey } from '../platform/crypto/master-key.js';
import { sealedLogout, unsealedLogout, SEALED_LOGOUT_PARAM } from './posted-browser-requests.js';

const key = new MasterKey(Buffer.alloc(32, 1));
const form = new URLSearchParams({ id_token_hint: 'eyJ.hint.sig', post_logout_redirect_uri: 'https://rp.test/out' });

describe('a form-posted logout request, sealed for its GET', () => {
  it('carries the form, unreadable, for a minute', () => {
    const sealed = sealedLogout(key, 'instance-1', form, 1_000_000).get(SEALED_LOGOUT_PARAM)!;
    expect(sealed).not.toContain('hint');
    expect(unsealedLogout(key, 'instance-1', sealed, 1_000_000 + 59_000)?.toString()).toBe(form.toString());
  });

  it('is refused once stale, from the future, under another key, or tampered with', () => {
    const sealed = sealedLogout(key, 'instance-1', form, 1_000_000).get(SEALED_LOGOUT_PARAM)!;
    expect(unsealedLogout(key, 'instance-1', sealed, 1_000_000 + 61_000)).toBeUndefined();
    expect(unsealedLogout(key, 'instance-1', sealed, 999_000)).toBeUndefined();
    expect(unsealedLogout(new MasterKey(Buffer.alloc(32, 2)), 'instance-1', sealed, 1_000_000)).toBeUndefined();
    expect(unsealedLogout(key, 'instance-1', `${sealed.slice(0, -2)}AA`, 1_000_000)).toBeUndefined();
  });

  it('is refused at another instance than the one it was posted to', () => {
    const sealed = sealedLogout(key, 'instance-1', form, 1_000_000).get(SEALED_LOGOUT_PARAM)!;
    expect(unsealedLogout(key, 'instance-2', sealed, 1_000_000)).toBeUndefined();
  });

  it('is refused when the sealed value was made for another purpose', () => {
    expect(
      unsealedLogout(key, 'instance-1', key.encrypt(JSON.stringify({ at: 1_000_000, form: 'x=1' })), 1_000_000),
    ).toBeUndefined();
    expect(unsealedLogout(key, 'instance-1', key.encrypt('plain text'), 1_000_000)).toBeUndefined();
  });
});
