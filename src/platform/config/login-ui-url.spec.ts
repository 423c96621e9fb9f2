import { loginBaseUrl } from './login-ui-url.js';

describe('loginBaseUrl', () => {
  it('puts a login path on the origin the request came in on', () => {
    expect(loginBaseUrl('/ui/v2/login', 'https://accounts.example.com')).toBe(
      'https://accounts.example.com/ui/v2/login',
    );
    expect(loginBaseUrl('/ui/v2/login/', 'http://localhost:8080')).toBe('http://localhost:8080/ui/v2/login');
  });

  it('keeps an absolute PORTCULLIS_LOGIN_UI_URL as it is (a login on its own domain)', () => {
    expect(loginBaseUrl('https://login.example.com/ui/v2/login', 'https://api.example.com')).toBe(
      'https://login.example.com/ui/v2/login',
    );
  });
});
