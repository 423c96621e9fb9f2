import { CONSOLE_CALLBACK, consoleOidcSettings, consoleOrigins, sameUris } from './console-rules.js';

describe('console client rules', () => {
  it('puts the console on every domain of the instance with the external URL’s scheme and port', () => {
    expect(consoleOrigins('http://localhost:8080', ['localhost', '127.0.0.1', '[::1]', 'localhost'])).toEqual([
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'http://localhost:8080',
    ]);
    expect(consoleOrigins('https://id.example.com', ['id.example.com', ''])).toEqual(['https://id.example.com']);
  });

  it('is a user agent app with PKCE and no secret, in dev mode only behind plain http (as ZITADEL’s setup)', () => {
    const plain = consoleOidcSettings('http://localhost:8080', ['http://localhost:8080']);
    expect(plain).toMatchObject({ appType: 'user_agent', authMethod: 'none', devMode: true });
    expect(plain.grantTypes).toEqual(['authorization_code', 'refresh_token']);
    expect(plain.redirectUris).toEqual([`http://localhost:8080${CONSOLE_CALLBACK}`]);
    expect(consoleOidcSettings('https://id.example.com', ['https://id.example.com']).devMode).toBe(false);
  });

  it('compares URI lists as sets', () => {
    expect(sameUris(['b', 'a'], ['a', 'b', 'a'])).toBe(true);
    expect(sameUris(['a'], ['a', 'b'])).toBe(false);
  });
});
