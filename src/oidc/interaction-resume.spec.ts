import { createHmac } from 'node:crypto';
import { cookieSignature, getInProcess, signedCookieHeader } from './interaction-resume.js';

describe('cookieSignature', () => {
  it('is keygrip\'s signature of name=value: HMAC-SHA1, base64 made URL-safe without padding', () => {
    const key = 'k3y';
    const expected = createHmac('sha1', key).update('_interaction_resume=abc').digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=/g, '');
    expect(cookieSignature(key, '_interaction_resume', 'abc')).toBe(expected);
  });

  it('depends on the key, the name and the value', () => {
    const base = cookieSignature('k', 'n', 'v');
    expect(cookieSignature('other', 'n', 'v')).not.toBe(base);
    expect(cookieSignature('k', 'm', 'v')).not.toBe(base);
    expect(cookieSignature('k', 'n', 'w')).not.toBe(base);
  });
});

describe('signedCookieHeader', () => {
  it('sends each cookie with its .sig companion', () => {
    expect(signedCookieHeader('k', { a: '1' })).toBe(`a=1; a.sig=${cookieSignature('k', 'a', '1')}`);
  });
});

describe('getInProcess', () => {
  it('hands the handler a GET with the URL\'s path, host, scheme (X-Forwarded-Proto) and cookie, and returns status, location, cookies and body', async () => {
    const seen: Record<string, unknown> = {};
    const answer = await getInProcess(
      async (req, res) => {
        Object.assign(seen, { method: req.method, url: req.url, host: req.headers.host, proto: req.headers['x-forwarded-proto'], cookie: req.headers.cookie });
        res.statusCode = 303;
        res.setHeader('location', 'https://app.example/cb?code=1');
        res.setHeader('set-cookie', ['s=1; path=/']);
        res.end('see other');
      },
      new URL('https://id.example:8443/oauth/v2/authorize/uid1?x=1'),
      'c=1',
    );
    expect(seen).toEqual({ method: 'GET', url: '/oauth/v2/authorize/uid1?x=1', host: 'id.example:8443', proto: 'https', cookie: 'c=1' });
    expect(answer).toMatchObject({ status: 303, location: 'https://app.example/cb?code=1', setCookies: ['s=1; path=/'], body: 'see other' });
  });
});
