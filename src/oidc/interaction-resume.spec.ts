import { createHmac } from 'node:crypto';
import { cookieSignature, getInProcess, signedCookieHeader, withErrorUri } from './interaction-resume.js';

describe('cookieSignature', () => {
  it("is keygrip's signature of name=value: HMAC-SHA1, base64 made URL-safe without padding", () => {
    const key = 'k3y';
    const expected = createHmac('sha1', key)
      .update('_interaction_resume=abc')
      .digest('base64')
      .replace(/\//g, '_')
      .replace(/\+/g, '-')
      .replace(/=/g, '');
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
  it("hands the handler a GET with the URL's path, host, scheme (X-Forwarded-Proto) and cookie, and returns status, location, cookies and body", async () => {
    const seen: Record<string, unknown> = {};
    const answer = await getInProcess(
      async (req, res) => {
        Object.assign(seen, {
          method: req.method,
          url: req.url,
          host: req.headers.host,
          proto: req.headers['x-forwarded-proto'],
          cookie: req.headers.cookie,
        });
        res.statusCode = 303;
        res.setHeader('location', 'https://app.example/cb?code=1');
        res.setHeader('set-cookie', ['s=1; path=/']);
        res.end('see other');
      },
      new URL('https://id.example:8443/oauth/v2/authorize/uid1?x=1'),
      'c=1',
    );
    expect(seen).toEqual({
      method: 'GET',
      url: '/oauth/v2/authorize/uid1?x=1',
      host: 'id.example:8443',
      proto: 'https',
      cookie: 'c=1',
    });
    expect(answer).toMatchObject({
      status: 303,
      location: 'https://app.example/cb?code=1',
      setCookies: ['s=1; path=/'],
      body: 'see other',
    });
  });
});

describe('withErrorUri', () => {
  it('adds error_uri beside an error in the query', () => {
    const url = new URL(
      withErrorUri('https://app.example/cb?error=access_denied&state=s&iss=x', 'https://help.example/denied'),
    );
    expect(url.searchParams.get('error_uri')).toBe('https://help.example/denied');
    expect(url.searchParams.get('state')).toBe('s');
  });

  it('adds error_uri beside an error in the fragment, leaving the query alone', () => {
    const url = new URL(
      withErrorUri('https://app.example/cb?keep=1#error=login_required&state=s', 'https://help.example/x'),
    );
    expect(new URLSearchParams(url.hash.slice(1)).get('error_uri')).toBe('https://help.example/x');
    expect(url.searchParams.get('error_uri')).toBeNull();
    expect(url.searchParams.get('keep')).toBe('1');
  });

  it('leaves a success redirect, and an error without a URI, unchanged', () => {
    expect(withErrorUri('https://app.example/cb?code=c&state=s', 'https://help.example/x')).toBe(
      'https://app.example/cb?code=c&state=s',
    );
    expect(withErrorUri('https://app.example/cb?error=e', undefined)).toBe('https://app.example/cb?error=e');
  });
});
