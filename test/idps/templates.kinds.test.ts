// Every other provider kind through admin v1 (and management v1 for some): JWT, Azure AD, GitHub,
// GitHub Enterprise Server, GitLab, self-hosted GitLab, Google, LDAP, Apple and SAML, each added,
// read back field by field without its secrets, updated with its secret kept when left empty, and
// deleted; SAML templates get a request-signing key pair and certificate that
// RegenerateSAMLProviderCertificate replaces, and metadata fetched from a URL under the outbound rules.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code } from '@connectrpc/connect';
import {
  AzureADTenantType,
  ProviderType,
  SAMLBinding,
  SAMLNameIDFormat,
} from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { generateSamlRequestKeys } from '../../src/idps/saml-request-keys.js';
import { serverForFile } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';
import { failure } from '../v1/v1-fixtures.js';
import { eventTypes, OPTIONS, orgWithOwner, storedSecrets } from './idp-test-helpers.js';

// Loopback only, so the metadata URL test can reach its own server; other private ranges stay closed.
const server = serverForFile({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' });
const admin = () => adminV1(server().baseUrl, server().adminPat);

const IDP_METADATA = (entityId: string) => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

const ATTRIBUTES = {
  idAttribute: 'uid',
  firstNameAttribute: 'givenName',
  lastNameAttribute: 'sn',
  displayNameAttribute: 'cn',
  nickNameAttribute: 'nick',
  preferredUsernameAttribute: 'uid',
  emailAttribute: 'mail',
  emailVerifiedAttribute: 'mailVerified',
  phoneAttribute: 'telephoneNumber',
  phoneVerifiedAttribute: 'phoneVerified',
  preferredLanguageAttribute: 'preferredLanguage',
  avatarUrlAttribute: 'photo',
  profileAttribute: 'profile',
};

const applePem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('the OAuth-based kinds', () => {
  it('JWT: issuer, endpoints and header name, both ways', async () => {
    const req = {
      name: 'JWT IdP',
      issuer: 'https://jwt.example.com',
      jwtEndpoint: 'https://jwt.example.com/login',
      keysEndpoint: 'https://jwt.example.com/keys',
      headerName: 'x-auth-token',
      providerOptions: OPTIONS,
    };
    const { id } = await admin().addJWTProvider(req);
    const { idp } = await admin().getProviderByID({ id });
    const { name: _n, providerOptions: _o, ...config } = req;
    expect(idp).toMatchObject({
      name: 'JWT IdP',
      type: ProviderType.PROVIDER_TYPE_JWT,
      config: { jwt: config, options: OPTIONS },
    });
    await admin().updateJWTProvider({ ...req, id, headerName: 'authorization' });
    expect((await admin().getProviderByID({ id })).idp?.config?.jwt?.headerName).toBe('authorization');
    const err = await failure(admin().addJWTProvider({ ...req, jwtEndpoint: 'jwt.example.com' }));
    expect([err.code, err.details.includes('jwt_endpoint')]).toEqual([Code.InvalidArgument, true]);
  });

  it('Azure AD: a tenant type or a tenant id, and the email-verified flag', async () => {
    const req = {
      name: 'Microsoft',
      clientId: 'azure-client',
      clientSecret: 'azure-secret',
      tenant: { tenantType: AzureADTenantType.AZURE_AD_TENANT_TYPE_ORGANISATIONS },
      emailVerified: true,
      scopes: ['openid', 'User.Read'],
      providerOptions: OPTIONS,
    };
    const { id } = await admin().addAzureADProvider(req);
    const first = (await admin().getProviderByID({ id })).idp;
    expect(first).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_AZURE_AD,
      config: {
        azureAd: {
          clientId: 'azure-client',
          tenant: { tenantType: AzureADTenantType.AZURE_AD_TENANT_TYPE_ORGANISATIONS },
          emailVerified: true,
          scopes: ['openid', 'User.Read'],
        },
      },
    });
    await admin().updateAzureADProvider({ ...req, id, clientSecret: '', tenant: { tenantId: 'contoso-tenant-id' } });
    expect((await admin().getProviderByID({ id })).idp?.config?.azureAd?.tenant).toMatchObject({
      tenantId: 'contoso-tenant-id',
    });
    expect((await storedSecrets(server(), id)).secrets).toEqual({ clientSecret: 'azure-secret' });
    expect(JSON.stringify(first)).not.toContain('azure-secret');
  });

  it.each([
    ['GitHub', 'github', ProviderType.PROVIDER_TYPE_GITHUB],
    ['GitLab', 'gitlab', ProviderType.PROVIDER_TYPE_GITLAB],
    ['Google', 'google', ProviderType.PROVIDER_TYPE_GOOGLE],
  ] as const)('%s: client id, secret and scopes; the name may be left empty', async (label, key, type) => {
    const add = { github: 'addGitHubProvider', gitlab: 'addGitLabProvider', google: 'addGoogleProvider' } as const;
    const update = {
      github: 'updateGitHubProvider',
      gitlab: 'updateGitLabProvider',
      google: 'updateGoogleProvider',
    } as const;
    const req = {
      name: '',
      clientId: `${key}-client`,
      clientSecret: `${key}-secret`,
      scopes: ['email'],
      providerOptions: OPTIONS,
    };
    const { id } = await admin()[add[key]](req);
    const { idp } = await admin().getProviderByID({ id });
    expect(idp).toMatchObject({ name: '', type, config: { [key]: { clientId: `${key}-client`, scopes: ['email'] } } });
    await admin()[update[key]]({ ...req, id, name: label, clientSecret: '' });
    expect((await admin().getProviderByID({ id })).idp?.name).toBe(label);
    expect((await storedSecrets(server(), id)).secrets.clientSecret).toBe(`${key}-secret`);
    expect(await v1Code(admin()[add[key]]({ ...req, clientId: ' ' }))).toBe(Code.InvalidArgument);
    await admin().deleteProvider({ id });
  });

  it('GitHub Enterprise Server and self-hosted GitLab: their own endpoints and issuer', async () => {
    const ghes = {
      name: 'GHES',
      clientId: 'ghes-client',
      clientSecret: 'ghes-secret',
      authorizationEndpoint: 'https://github.example.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.example.com/login/oauth/access_token',
      userEndpoint: 'https://github.example.com/api/v3/user',
      scopes: ['read:user'],
      providerOptions: OPTIONS,
    };
    const a = await admin().addGitHubEnterpriseServerProvider(ghes);
    expect((await admin().getProviderByID({ id: a.id })).idp).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_GITHUB_ES,
      config: { githubEs: { userEndpoint: ghes.userEndpoint, tokenEndpoint: ghes.tokenEndpoint } },
    });
    await admin().updateGitHubEnterpriseServerProvider({
      ...ghes,
      id: a.id,
      clientSecret: '',
      userEndpoint: 'https://gh.example.com/u',
    });
    expect((await admin().getProviderByID({ id: a.id })).idp?.config?.githubEs?.userEndpoint).toBe(
      'https://gh.example.com/u',
    );
    const err = await failure(admin().addGitHubEnterpriseServerProvider({ ...ghes, tokenEndpoint: '' }));
    expect(err.details).toContain('token_endpoint');

    const gitlab = {
      name: 'Our GitLab',
      issuer: 'https://gitlab.example.com',
      clientId: 'gl-client',
      clientSecret: 'gl-secret',
      scopes: ['openid'],
      providerOptions: OPTIONS,
    };
    const b = await admin().addGitLabSelfHostedProvider(gitlab);
    expect((await admin().getProviderByID({ id: b.id })).idp).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_GITLAB_SELF_HOSTED,
      config: { gitlabSelfHosted: { issuer: gitlab.issuer, clientId: 'gl-client' } },
    });
    await admin().updateGitLabSelfHostedProvider({ ...gitlab, id: b.id, clientSecret: 'gl-secret-2' });
    expect((await storedSecrets(server(), b.id)).secrets.clientSecret).toBe('gl-secret-2');
  });

  it('Apple: team id, key id and the private key, which is sealed and never returned', async () => {
    const pem = applePem();
    const req = {
      name: 'Apple',
      clientId: 'com.example.web',
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey: Buffer.from(pem),
      scopes: ['name', 'email'],
      providerOptions: OPTIONS,
    };
    const { id } = await admin().addAppleProvider(req);
    const { idp } = await admin().getProviderByID({ id });
    expect(idp).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_APPLE,
      config: {
        apple: { clientId: 'com.example.web', teamId: 'TEAM123456', keyId: 'KEY1234567', scopes: ['name', 'email'] },
      },
    });
    expect(JSON.stringify(idp)).not.toContain('PRIVATE KEY');
    expect((await storedSecrets(server(), id)).secrets.privateKey).toBe(pem);
    await admin().updateAppleProvider({ ...req, id, privateKey: Buffer.alloc(0), keyId: 'KEY7654321' });
    expect((await storedSecrets(server(), id)).secrets.privateKey).toBe(pem);
    const short = await failure(admin().addAppleProvider({ ...req, teamId: 'TEAM' }));
    expect([short.code, short.details.includes('team_id')]).toEqual([Code.InvalidArgument, true]);
    const noKey = await failure(admin().addAppleProvider({ ...req, privateKey: Buffer.from('not a key') }));
    expect(noKey.details).toContain('private_key');
  });
});

describe('LDAP', () => {
  it('servers, StartTLS, DNs, filters, object classes, timeout, attributes and root CA; the bind password sealed', async () => {
    const { samlCertificate: rootCa } = await generateSamlRequestKeys('Test LDAP CA');
    const req = {
      name: 'Directory',
      servers: ['ldaps://ldap1.example.com:636', 'ldap://ldap2.example.com'],
      startTls: true,
      baseDn: 'dc=example,dc=com',
      bindDn: 'cn=reader,dc=example,dc=com',
      bindPassword: 'bind-pw',
      userBase: 'dn',
      userObjectClasses: ['inetOrgPerson', 'person'],
      userFilters: ['uid', 'mail'],
      timeout: { seconds: 12, nanos: 500_000_000 },
      attributes: ATTRIBUTES,
      providerOptions: OPTIONS,
      rootCa: Buffer.from(rootCa),
    };
    const { id } = await admin().addLDAPProvider(req);
    const { idp } = await admin().getProviderByID({ id });
    const { bindPassword: _pw, name: _n, providerOptions: _o, timeout, ...config } = req;
    expect(idp).toMatchObject({ type: ProviderType.PROVIDER_TYPE_LDAP, config: { ldap: config } });
    const readTimeout = idp!.config!.ldap!.timeout!;
    expect([Number(readTimeout.seconds), readTimeout.nanos]).toEqual([timeout.seconds, timeout.nanos]);
    expect(JSON.stringify(idp)).not.toContain('bind-pw');
    await admin().updateLDAPProvider({ ...req, id, bindPassword: '', userFilters: ['uid'] });
    expect((await admin().getProviderByID({ id })).idp?.config?.ldap?.userFilters).toEqual(['uid']);
    expect((await storedSecrets(server(), id)).secrets).toEqual({ bindPassword: 'bind-pw' });
    const broken: [string, Partial<typeof req>][] = [
      ['servers', { servers: ['https://ldap.example.com'] }],
      ['base_dn', { baseDn: '' }],
      ['bind_password', { bindPassword: '' }],
      ['user_object_classes', { userObjectClasses: [] }],
      ['root_ca', { rootCa: Buffer.from('not a certificate') }],
    ];
    for (const [field, change] of broken) {
      const err = await failure(admin().addLDAPProvider({ ...req, ...change }));
      expect([field, err.code, err.details.includes(field)]).toEqual([field, Code.InvalidArgument, true]);
    }
  });
});

describe('SAML', () => {
  let metadataServer: Server;
  let metadataUrl = '';

  beforeAll(async () => {
    metadataServer = createServer((req, res) => {
      if (req.url === '/metadata') res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      else res.writeHead(404);
      res.end(req.url === '/metadata' ? IDP_METADATA('https://fetched.example.com') : '');
    });
    await new Promise<void>((r) => metadataServer.listen(0, '127.0.0.1', r));
    metadataUrl = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata`;
  });
  afterAll(() => new Promise<void>((r) => metadataServer.close(() => r())));

  const req = {
    name: 'Corporate SAML',
    metadataXml: Buffer.from(IDP_METADATA('https://idp.example.com/metadata')),
    binding: SAMLBinding.SAML_BINDING_POST,
    withSignedRequest: true,
    providerOptions: OPTIONS,
    nameIdFormat: SAMLNameIDFormat.SAML_NAME_ID_FORMAT_TRANSIENT,
    transientMappingAttributeName: 'urn:oid:0.9.2342.19200300.100.1.1',
    federatedLogoutEnabled: true,
  };

  it('stores the metadata and options, and a generated request-signing key pair that regeneration replaces', async () => {
    const { id } = await admin().addSAMLProvider(req);
    const { idp } = await admin().getProviderByID({ id });
    expect(idp).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_SAML,
      config: {
        saml: {
          binding: SAMLBinding.SAML_BINDING_POST,
          withSignedRequest: true,
          nameIdFormat: SAMLNameIDFormat.SAML_NAME_ID_FORMAT_TRANSIENT,
          transientMappingAttributeName: req.transientMappingAttributeName,
          federatedLogoutEnabled: true,
        },
      },
    });
    expect(Buffer.from(idp!.config!.saml!.metadataXml).toString()).toBe(req.metadataXml.toString());
    const first = (await storedSecrets(server(), id)).secrets;
    expect(new X509Certificate(first.samlCertificate!).subject).toContain('Corporate SAML');
    expect(first.samlKey).toContain('-----BEGIN PRIVATE KEY-----');
    expect(JSON.stringify(idp)).not.toContain('PRIVATE KEY');

    await admin().regenerateSAMLProviderCertificate({ id });
    const second = (await storedSecrets(server(), id)).secrets;
    expect(second.samlCertificate).not.toBe(first.samlCertificate);
    expect(second.samlKey).not.toBe(first.samlKey);
    const events = await eventTypes(server(), idp!.details!.resourceOwner);
    expect(events.filter((e) => e.payload.id === id).map((e) => e.type)).toEqual([
      'instance.idp.saml.added',
      'instance.idp.saml.changed',
    ]);
    expect(JSON.stringify(events.filter((e) => e.payload.id === id))).not.toContain('PRIVATE KEY');

    // Updating keeps the key pair; RegenerateSAMLProviderCertificate does not find a provider of another kind.
    await admin().updateSAMLProvider({ ...req, id, withSignedRequest: false });
    expect((await storedSecrets(server(), id)).secrets).toEqual(second);
    const oidc = await admin().addGenericOIDCProvider({
      name: 'x',
      issuer: 'https://issuer.example.com',
      clientId: 'c',
      clientSecret: 's',
      scopes: [],
      providerOptions: OPTIONS,
      isIdTokenMapping: false,
      usePkce: false,
    });
    expect(await v1Code(admin().regenerateSAMLProviderCertificate({ id: oidc.id }))).toBe(Code.NotFound);
  });

  it('refuses metadata that is not an identity provider’s (INVALID_ARGUMENT on metadata_xml)', async () => {
    const sp = IDP_METADATA('https://sp.example.com').replace(/IDPSSODescriptor/g, 'SPSSODescriptor');
    const err = await failure(admin().addSAMLProvider({ ...req, metadataXml: Buffer.from(sp) }));
    expect([err.code, err.details.includes('metadata_xml')]).toEqual([Code.InvalidArgument, true]);
    const none = await failure(admin().addSAMLProvider({ ...req, metadataXml: Buffer.alloc(0) }));
    expect(none.details).toContain('metadata_xml');
  });

  it('fetches metadata from a URL through the outbound rules, and refuses addresses they do not allow', async () => {
    const { id } = await admin().addSAMLProvider({ ...req, metadataXml: undefined, metadataUrl });
    const xml = Buffer.from((await admin().getProviderByID({ id })).idp!.config!.saml!.metadataXml).toString();
    expect(xml).toContain('https://fetched.example.com');
    const blocked = await failure(
      admin().addSAMLProvider({ ...req, metadataXml: undefined, metadataUrl: 'http://10.0.0.1/m' }),
    );
    expect([blocked.code, blocked.details.includes('metadata_url')]).toEqual([Code.InvalidArgument, true]);
    const missing = await failure(
      admin().addSAMLProvider({
        ...req,
        metadataXml: undefined,
        metadataUrl: metadataUrl.replace('/metadata', '/gone'),
      }),
    );
    expect(missing.details).toContain('metadata_url');
  });

  it('an org owner adds and regenerates its org’s SAML provider through management, written on the org', async () => {
    const { orgId, owner } = await orgWithOwner(server(), 'SAML org');
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    const { id } = await mgmt.addSAMLProvider(req);
    await mgmt.regenerateSAMLProviderCertificate({ id });
    expect((await eventTypes(server(), orgId)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['org.idp.saml.added', 'org.idp.saml.changed']),
    );
    expect(await v1Code(admin().regenerateSAMLProviderCertificate({ id }))).toBe(Code.NotFound);
  });
});
