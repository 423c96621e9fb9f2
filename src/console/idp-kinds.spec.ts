// The console's identity provider forms are made from one table of kinds (web/screens/idp-kinds.js,
// a browser module without types): the requests it builds are checked here.

interface KindDef {
  kind: string;
  method: string;
  redirect: string;
  fields: { key: string; type: string }[];
}
interface IdpKinds {
  KINDS: KindDef[];
  kindDef(kind: string): KindDef;
  formValues(def: KindDef, config?: unknown): Record<string, string | boolean>;
  providerRequest(
    def: KindDef,
    name: string,
    values: Record<string, string | boolean>,
    options: object,
  ): Record<string, any>;
  redirectUrls(def: KindDef, issuer: string, id: string): { label: string; url: string }[];
}

const modulePath: string = './web/screens/idp-kinds.js';
let kinds: IdpKinds;
beforeAll(async () => {
  kinds = (await import(modulePath)) as IdpKinds;
});

describe('console identity provider kinds', () => {
  it('has a form for each of the twelve kinds of ZITADEL’s v1 Add…Provider methods', () => {
    expect(kinds.KINDS.map((k) => `Add${k.method}`).sort()).toEqual(
      [
        'AddAppleProvider',
        'AddAzureADProvider',
        'AddGenericOAuthProvider',
        'AddGenericOIDCProvider',
        'AddGitHubEnterpriseServerProvider',
        'AddGitHubProvider',
        'AddGitLabProvider',
        'AddGitLabSelfHostedProvider',
        'AddGoogleProvider',
        'AddJWTProvider',
        'AddLDAPProvider',
        'AddSAMLProvider',
      ].sort(),
    );
  });

  it('sends lists as arrays, bytes as base64, a duration in seconds and nested LDAP attributes', () => {
    const ldap = kinds.kindDef('ldap');
    const values = {
      ...kinds.formValues(ldap),
      servers: 'ldaps://a.example.com:636, ldaps://b.example.com:636',
      timeout: '5',
      'attributes.idAttribute': 'uid',
      rootCa: 'PEM',
    };
    const body = kinds.providerRequest(ldap, ' Directory ', values, {});
    expect(body.name).toBe('Directory');
    expect(body.servers).toEqual(['ldaps://a.example.com:636', 'ldaps://b.example.com:636']);
    expect(body.timeout).toBe('5s');
    expect(body.attributes).toEqual({ idAttribute: 'uid' });
    expect(Buffer.from(body.rootCa, 'base64').toString()).toBe('PEM');
    expect(body.startTls).toBe(false);
  });

  it('leaves an empty secret out, so an update keeps the stored one (ZITADEL: an empty client_secret is not changed)', () => {
    const google = kinds.kindDef('google');
    const stored = kinds.formValues(google, { clientId: 'abc', scopes: ['openid', 'email'] });
    expect(stored).toEqual({ clientId: 'abc', clientSecret: '', scopes: 'openid email' });
    const body = kinds.providerRequest(google, 'Google', stored, { isLinkingAllowed: true });
    expect(body).toEqual({
      name: 'Google',
      clientId: 'abc',
      scopes: ['openid', 'email'],
      providerOptions: { isLinkingAllowed: true },
    });
  });

  it('starts a new OIDC provider with the scopes and PKCE ZITADEL’s console suggests; a stored one shows what it has', () => {
    const oidc = kinds.kindDef('oidc');
    expect(kinds.formValues(oidc)).toMatchObject({ scopes: 'openid profile email', usePkce: true });
    expect(kinds.formValues(oidc, { issuer: 'https://sso.example.com', clientId: 'c' })).toMatchObject({
      scopes: '',
      usePkce: false,
    });
  });

  it('reads Azure AD’s tenant as one of its types or a tenant id, both ways', () => {
    const azure = kinds.kindDef('azureAd');
    const body = (tenant: string) =>
      kinds.providerRequest(azure, 'Entra', { ...kinds.formValues(azure), tenant }, {}).tenant;
    expect(body('organizations')).toEqual({ tenantType: 'AZURE_AD_TENANT_TYPE_ORGANISATIONS' });
    expect(body('b2c-tenant-id')).toEqual({ tenantId: 'b2c-tenant-id' });
    expect(kinds.formValues(azure, { tenant: { tenantType: 'AZURE_AD_TENANT_TYPE_CONSUMERS' } }).tenant).toBe(
      'consumers',
    );
  });

  it('sends SAML metadata by URL when one is given, else the pasted XML', () => {
    const saml = kinds.kindDef('saml');
    const both = { ...kinds.formValues(saml), metadataUrl: 'https://idp.example.com/metadata', metadataXml: '<x/>' };
    expect(kinds.providerRequest(saml, 'S', both, {})).not.toHaveProperty('metadataXml');
    const xml = kinds.providerRequest(saml, 'S', { ...both, metadataUrl: '' }, {});
    expect(Buffer.from(xml.metadataXml, 'base64').toString()).toBe('<x/>');
  });

  it('names what to register upstream: the instance’s /idps/callback, SAML’s metadata and ACS by id, nothing for LDAP', () => {
    const issuer = 'https://id.example.com';
    expect(kinds.redirectUrls(kinds.kindDef('github'), issuer, '7').map((u) => u.url)).toEqual([
      `${issuer}/idps/callback`,
    ]);
    expect(kinds.redirectUrls(kinds.kindDef('saml'), issuer, '7').map((u) => u.url)).toEqual([
      `${issuer}/idps/7/saml/metadata`,
      `${issuer}/idps/7/saml/acs`,
    ]);
    expect(kinds.redirectUrls(kinds.kindDef('ldap'), issuer, '7')).toEqual([]);
  });
});
