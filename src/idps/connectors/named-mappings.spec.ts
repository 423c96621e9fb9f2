import { decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import { Config } from '../../platform/config/config.js';
import { appleClientSecret } from './named-apple.js';
import { azureTenantSegment, NamedEndpoints } from './named-endpoints.js';
import { appleUser, azureAdUser, githubUser, gitlabUser, googleUser, parseAppleUser } from './named-mappings.js';
import { standardClaimsUser } from './oidc-claims.js';

// Response shapes as the providers' documentation shows them.

describe('claim mappings of the named providers', () => {
  it('Google userinfo: sub, names, verified email, locale and picture; hd stays raw', () => {
    const user = googleUser({
      sub: '110169484474386276334',
      name: 'Elisa Beckett',
      given_name: 'Elisa',
      family_name: 'Beckett',
      picture: 'https://lh3.googleusercontent.com/a/photo.jpg',
      email: 'elisa.beckett@example.com',
      email_verified: true,
      locale: 'en',
      hd: 'example.com',
    });
    expect(user).toEqual({
      id: '110169484474386276334',
      displayName: 'Elisa Beckett',
      givenName: 'Elisa',
      familyName: 'Beckett',
      avatarUrl: 'https://lh3.googleusercontent.com/a/photo.jpg',
      email: 'elisa.beckett@example.com',
      emailVerified: true,
      preferredLanguage: 'en',
    });
  });

  it('Microsoft Graph /me: id, user principal name, mail (verified as the template says), names, mobile phone', () => {
    const me = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      businessPhones: ['+1 412 555 0109'],
      displayName: 'Megan Bowen',
      givenName: 'Megan',
      jobTitle: 'Auditor',
      mail: 'MeganB@M365x214355.onmicrosoft.com',
      mobilePhone: null,
      officeLocation: '12/1110',
      preferredLanguage: 'en-US',
      surname: 'Bowen',
      userPrincipalName: 'MeganB@M365x214355.onmicrosoft.com',
      id: '48d31887-5fad-4d73-a9f5-3c356e68a038',
    };
    expect(azureAdUser(me, true)).toEqual({
      id: '48d31887-5fad-4d73-a9f5-3c356e68a038',
      preferredUsername: 'MeganB@M365x214355.onmicrosoft.com',
      email: 'MeganB@M365x214355.onmicrosoft.com',
      emailVerified: true,
      givenName: 'Megan',
      familyName: 'Bowen',
      displayName: 'Megan Bowen',
      preferredLanguage: 'en-US',
    });
    expect(azureAdUser(me, false).emailVerified).toBe(false);
    expect(azureAdUser({ ...me, mail: null }, true)).not.toHaveProperty('emailVerified');
  });

  it('GitHub /user and /user/emails: numeric id as text, login, public email verified per the emails list', () => {
    const user = {
      login: 'octocat',
      id: 1,
      node_id: 'MDQ6VXNlcjE=',
      avatar_url: 'https://github.com/images/error/octocat_happy.gif',
      html_url: 'https://github.com/octocat',
      type: 'User',
      name: 'monalisa octocat',
      company: 'GitHub',
      email: 'octocat@github.com',
    };
    const emails = [{ email: 'octocat@github.com', verified: true, primary: true }];
    expect(githubUser(user, emails)).toEqual({
      id: '1',
      preferredUsername: 'octocat',
      nickName: 'octocat',
      displayName: 'monalisa octocat',
      email: 'octocat@github.com',
      emailVerified: true,
      avatarUrl: 'https://github.com/images/error/octocat_happy.gif',
      profile: 'https://github.com/octocat',
    });
    // A private email: the primary address from the list, and unverified when GitHub says so.
    const hidden = githubUser({ ...user, email: null }, [
      { email: 'old@example.com', verified: true, primary: false },
      { email: 'new@example.com', verified: false, primary: true },
    ]);
    expect(hidden).toMatchObject({ email: 'new@example.com', emailVerified: false });
    expect(githubUser({ ...user, email: null })).not.toHaveProperty('email');
  });

  it('GitLab userinfo: preferred_username (or the nickname) as username, profile URL', () => {
    const claims = {
      sub: '1',
      name: 'Administrator',
      nickname: 'root',
      preferred_username: 'root',
      email: 'admin@example.com',
      email_verified: true,
      website: '',
      profile: 'https://gitlab.example.com/root',
      picture: 'https://gitlab.example.com/uploads/-/system/user/avatar/1/avatar.png',
      groups: ['GitLab Org'],
    };
    expect(gitlabUser(claims)).toMatchObject({
      id: '1',
      preferredUsername: 'root',
      nickName: 'root',
      email: 'admin@example.com',
      emailVerified: true,
      profile: 'https://gitlab.example.com/root',
    });
    const { preferred_username: _, ...withoutUsername } = claims;
    expect(gitlabUser(withoutUsername).preferredUsername).toBe('root');
  });

  it('Apple ID token: sub, email, "true" as verified; the name only from the first sign-in\'s user field', () => {
    const claims = {
      iss: 'https://appleid.apple.com',
      aud: 'com.example.web',
      exp: 1_700_003_600,
      iat: 1_700_000_000,
      sub: '001234.8a7bc1f2e3d44b5c9e1234567890abcd.1234',
      c_hash: 'x7Yq4p',
      email: 'k2h8x7@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
      auth_time: 1_700_000_000,
      nonce_supported: true,
    };
    const first = parseAppleUser(
      '{"name":{"firstName":"John","lastName":"Appleseed"},"email":"k2h8x7@privaterelay.appleid.com"}',
    );
    expect(appleUser(claims, first)).toEqual({
      id: '001234.8a7bc1f2e3d44b5c9e1234567890abcd.1234',
      preferredUsername: 'k2h8x7@privaterelay.appleid.com',
      email: 'k2h8x7@privaterelay.appleid.com',
      emailVerified: true,
      givenName: 'John',
      familyName: 'Appleseed',
      displayName: 'John Appleseed',
    });
    expect(appleUser(claims)).not.toHaveProperty('givenName');
    expect(parseAppleUser('not json')).toBeUndefined();
  });

  it("generic OAuth: the template's id attribute, numbers written out; a missing id is an error", () => {
    expect(standardClaimsUser({ user_id: 42, email: 'a@b.example' }, 'user_id')).toEqual({
      id: '42',
      email: 'a@b.example',
    });
    expect(() => standardClaimsUser({ email: 'a@b.example' }, 'user_id')).toThrow(/user_id/);
  });
});

describe("the named providers' upstreams", () => {
  const endpoints = (env?: Record<string, string>) => {
    const config = new Config();
    if (env) Object.assign(config, { idpTestEndpoints: JSON.stringify(env) });
    return new NamedEndpoints(config);
  };

  it("are the providers' own URLs unless the test seam points them elsewhere", () => {
    expect(endpoints().issuer('google')).toBe('https://accounts.google.com');
    expect(endpoints().github()).toEqual({
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      userEndpoint: 'https://api.github.com/user',
      emailsEndpoint: 'https://api.github.com/user/emails',
    });
    expect(endpoints().azureAd({ type: 'common' })).toEqual({
      authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      userEndpoint: 'https://graph.microsoft.com/v1.0/me',
    });
    expect(endpoints({ google: 'http://127.0.0.1:9/oidc/' }).issuer('google')).toBe('http://127.0.0.1:9/oidc');
  });

  it("Azure AD tenants: ZITADEL's ORGANISATIONS is Microsoft's organizations path; an id is used as it is", () => {
    expect(azureTenantSegment({ type: 'organisations' })).toBe('organizations');
    expect(azureTenantSegment({ type: 'consumers' })).toBe('consumers');
    expect(azureTenantSegment({ id: 'b1c2' })).toBe('b1c2');
  });

  it("Apple's client secret is an ES256 JWT naming key, team, service id and Apple, short-lived", async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwt = await appleClientSecret({
      teamId: 'TEAM1',
      keyId: 'KEY1',
      clientId: 'com.example.web',
      privateKeyPem: await exportPKCS8(privateKey),
      audience: 'https://appleid.apple.com',
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'KEY1' });
    const { payload } = await jwtVerify(jwt, await importSPKI(await exportSPKI(publicKey), 'ES256'), {
      issuer: 'TEAM1',
      subject: 'com.example.web',
      audience: 'https://appleid.apple.com',
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15_777_000);
  });
});
