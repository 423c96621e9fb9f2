import { basicCredentials, plainClientCredentials, plainIntrospection } from './direct-requests.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const form = (body: string) => new URLSearchParams(body);
const request = { url: '/oauth/v2/introspect', contentType: 'application/x-www-form-urlencoded', attested: false };

describe('basicCredentials (read as oidc-provider reads client_secret_basic)', () => {
  it('decodes the form-urlencoded id and secret (RFC 6749 §2.3.1), + as a space', () => {
    expect(basicCredentials(`Basic ${b64('my%40app:s%3Acr+t')}`)).toEqual({ clientId: 'my@app', secret: 's:cr t' });
    expect(basicCredentials(`basic ${b64('app:secret')}`)).toEqual({ clientId: 'app', secret: 'secret' });
  });

  it('declines what the provider refuses, so the provider answers it', () => {
    for (const header of [
      undefined,
      '',
      `Bearer ${b64('app:secret')}`,
      `Basic ${b64('app:secret')} extra`,
      `Basic ${b64('no-colon')}`,
      `Basic ${b64('app:')}`,
      `Basic ${b64(':secret')}`,
      `Basic ${b64('app:%E0%A4%A')}`, // malformed escape
      `Basic ${b64('app:s\u00e9cret')}`, // not a visible ASCII character
      'Basic a', // not base64
      'Basic abc=d',
    ])
      expect(basicCredentials(header)).toBeUndefined();
  });
});

describe('plainIntrospection (the common form of an introspection request)', () => {
  it('takes token and an optional hint, each once', () => {
    expect(plainIntrospection(form('token=abc'), request)).toEqual({ token: 'abc' });
    expect(plainIntrospection(form('token=abc&token_type_hint=refresh_token'), request)).toEqual({
      token: 'abc',
      hint: 'refresh_token',
    });
    expect(
      plainIntrospection(form('token=abc'), {
        ...request,
        contentType: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
      }),
    ).toEqual({ token: 'abc' });
  });

  it('declines every other form: other fields, repeats, no token, a JWT, a query, another body type, an origin, an attestation', () => {
    for (const body of [
      '',
      'token=',
      'token=a&token=b',
      'token=a&client_id=x',
      'token=a&client_secret=s',
      'token=a.b.c',
      'token=a&x=1',
    ])
      expect(plainIntrospection(form(body), request)).toBeUndefined();
    expect(plainIntrospection(form('token=a'), { ...request, url: '/oauth/v2/introspect?token=b' })).toBeUndefined();
    expect(plainIntrospection(form('token=a'), { ...request, contentType: 'application/json' })).toBeUndefined();
    expect(plainIntrospection(form('token=a'), { ...request, contentType: undefined })).toBeUndefined();
    expect(plainIntrospection(form('token=a'), { ...request, origin: 'https://app.example' })).toBeUndefined();
    expect(plainIntrospection(form('token=a'), { ...request, attested: true })).toBeUndefined();
  });
});

describe('plainClientCredentials (the common form of a client_credentials request)', () => {
  it('takes the grant type and an optional scope, each once', () => {
    expect(plainClientCredentials(form('grant_type=client_credentials'), request)).toEqual({ scope: '' });
    expect(plainClientCredentials(form('grant_type=client_credentials&scope=openid+profile'), request)).toEqual({
      scope: 'openid profile',
    });
  });

  it('declines other grants, other fields, repeats, a scope the provider refuses, and a DPoP proof', () => {
    for (const body of [
      'grant_type=refresh_token',
      'scope=openid',
      'grant_type=client_credentials&grant_type=client_credentials',
      'grant_type=client_credentials&scope=a&scope=b',
      'grant_type=client_credentials&resource=https%3A%2F%2Fapi',
      'grant_type=client_credentials&client_id=x',
      'grant_type=client_credentials&scope=',
      'grant_type=client_credentials&scope=a++b',
      'grant_type=client_credentials&scope=%22quoted%22',
    ])
      expect(plainClientCredentials(form(body), request)).toBeUndefined();
    expect(
      plainClientCredentials(form('grant_type=client_credentials'), { ...request, attested: true }),
    ).toBeUndefined();
  });
});
