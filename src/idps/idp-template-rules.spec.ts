import { generateKeyPairSync } from 'node:crypto';
import { isError } from '../platform/errors/domain-error.js';
import { NO_LDAP_ATTRIBUTES, type IdpConfig, type IdpOptions } from './idp-config.js';
import {
  canonicalJson,
  changesTemplate,
  checkedDraft,
  checkIdpMetadata,
  templateEventType,
  templateRemovedEventType,
  type TemplateDraft,
} from './idp-template-rules.js';
import { IDP_ERRORS } from './idps.errors.js';

const OPTIONS: IdpOptions = {
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: false,
  isAutoUpdate: false,
  autoLinking: 'none',
};

const draft = (config: IdpConfig, secrets: TemplateDraft['secrets'] = {}, name = 'Upstream'): TemplateDraft => ({
  name,
  config,
  options: OPTIONS,
  secrets,
});

const IDP_METADATA = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

const SP_METADATA = IDP_METADATA.replace(/IDPSSODescriptor/g, 'SPSSODescriptor');

function refusal(run: () => unknown): { id: string; field: string } {
  try {
    run();
  } catch (err) {
    if (isError(err, ...Object.values(IDP_ERRORS))) return { id: err.id, field: err.fieldViolations[0]?.field ?? '' };
    throw err;
  }
  throw new Error('not refused');
}

const OIDC: IdpConfig = {
  kind: 'oidc',
  issuer: ' https://issuer.example.com ',
  clientId: ' client ',
  scopes: ['openid', ' ', 'email '],
  isIdTokenMapping: false,
  usePkce: true,
};

describe('template rules per kind (ZITADEL internal/command/instance_idp.go)', () => {
  it('trims the fields and drops empty scopes', () => {
    const checked = checkedDraft(draft(OIDC, { clientSecret: ' s3cret ' }, ' Upstream '), 'add');
    expect(checked).toEqual({
      name: 'Upstream',
      config: { ...OIDC, issuer: 'https://issuer.example.com', clientId: 'client', scopes: ['openid', 'email'] },
      options: OPTIONS,
      secrets: { clientSecret: 's3cret' },
    });
  });

  it('asks a client secret when a template is added, not when it is updated (empty keeps the stored one)', () => {
    expect(refusal(() => checkedDraft(draft(OIDC), 'add'))).toEqual({
      id: IDP_ERRORS.required,
      field: 'client_secret',
    });
    expect(checkedDraft(draft(OIDC, { clientSecret: '' }), 'update').secrets).toEqual({});
  });

  it('lets Google, GitHub, GitLab and Apple go without a name (the login names them), not the generic kinds', () => {
    expect(
      checkedDraft(draft({ kind: 'google', clientId: 'c', scopes: [] }, { clientSecret: 's' }, ''), 'add').name,
    ).toBe('');
    expect(refusal(() => checkedDraft(draft(OIDC, { clientSecret: 's' }, ' '), 'add')).field).toBe('name');
    expect(
      refusal(() =>
        checkedDraft(
          draft(
            { kind: 'azureAd', clientId: 'c', tenant: { type: 'common' }, emailVerified: false, scopes: [] },
            { clientSecret: 's' },
            '',
          ),
          'add',
        ),
      ).field,
    ).toBe('name');
  });

  it.each([
    ['issuer', { issuer: 'issuer.example.com' }],
    ['issuer', { issuer: 'https://user:pw@issuer.example.com' }],
    ['issuer', { issuer: 'javascript:alert(1)' }],
    ['client_id', { clientId: '' }],
  ])('refuses an OIDC template whose %s is not valid', (field, change) => {
    expect(
      refusal(() => checkedDraft(draft({ ...OIDC, ...change } as IdpConfig, { clientSecret: 's' }), 'add')),
    ).toEqual({
      id: field === 'client_id' ? IDP_ERRORS.required : IDP_ERRORS.notUrl,
      field,
    });
  });

  it('needs every endpoint of a JWT template as an absolute URL, and its header name', () => {
    const jwt: IdpConfig = {
      kind: 'jwt',
      issuer: 'https://jwt.example.com',
      jwtEndpoint: 'https://jwt.example.com/login',
      keysEndpoint: 'https://jwt.example.com/keys',
      headerName: 'x-auth',
    };
    expect(checkedDraft(draft(jwt), 'add').config).toEqual(jwt);
    expect(refusal(() => checkedDraft(draft({ ...jwt, keysEndpoint: '/keys' }), 'add')).field).toBe('keys_endpoint');
    expect(refusal(() => checkedDraft(draft({ ...jwt, headerName: '' }), 'add')).field).toBe('header_name');
  });

  it('takes Apple team and key ids of exactly ten characters and a PEM private key, stored as PKCS #8', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const apple: IdpConfig = {
      kind: 'apple',
      clientId: 'com.example',
      teamId: 'ABCDE12345',
      keyId: 'KEY1234567',
      scopes: [],
    };
    const checked = checkedDraft(draft(apple, { privateKey: sec1 }), 'add');
    expect(checked.secrets.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    expect(refusal(() => checkedDraft(draft({ ...apple, teamId: 'SHORT' }, { privateKey: sec1 }), 'add'))).toEqual({
      id: IDP_ERRORS.badLength,
      field: 'team_id',
    });
    expect(refusal(() => checkedDraft(draft(apple, { privateKey: 'not a key' }), 'add')).field).toBe('private_key');
    expect(refusal(() => checkedDraft(draft(apple), 'add')).field).toBe('private_key');
  });

  it('needs LDAP servers as ldap(s) URLs, the DNs, object classes, filters and (on add) the bind password', () => {
    const ldap: IdpConfig = {
      kind: 'ldap',
      servers: ['ldaps://ldap.example.com:636'],
      startTls: false,
      baseDn: 'dc=example,dc=com',
      bindDn: 'cn=admin,dc=example,dc=com',
      userBase: 'dn',
      userObjectClasses: ['inetOrgPerson'],
      userFilters: ['uid'],
      timeoutMs: 10_000,
      attributes: { ...NO_LDAP_ATTRIBUTES, idAttribute: 'uid', emailAttribute: 'mail' },
    };
    expect(checkedDraft(draft(ldap, { bindPassword: 'pw' }), 'add').secrets).toEqual({ bindPassword: 'pw' });
    expect(refusal(() => checkedDraft(draft(ldap), 'add')).field).toBe('bind_password');
    expect(checkedDraft(draft(ldap), 'update').secrets).toEqual({});
    expect(
      refusal(() =>
        checkedDraft(draft({ ...ldap, servers: ['http://ldap.example.com'] }, { bindPassword: 'p' }), 'add'),
      ),
    ).toEqual({ id: IDP_ERRORS.notLdapUrl, field: 'servers' });
    expect(refusal(() => checkedDraft(draft({ ...ldap, servers: [] }, { bindPassword: 'p' }), 'add')).field).toBe(
      'servers',
    );
    expect(
      refusal(() => checkedDraft(draft({ ...ldap, userFilters: [' '] }, { bindPassword: 'p' }), 'add')).field,
    ).toBe('user_filters');
    expect(refusal(() => checkedDraft(draft({ ...ldap, rootCa: 'nope' }, { bindPassword: 'p' }), 'add')).field).toBe(
      'root_ca',
    );
  });
});

describe('SAML identity provider metadata', () => {
  it('accepts an IdP EntityDescriptor and answers its entityID', () => {
    expect(checkIdpMetadata(IDP_METADATA, 'metadata_xml')).toBe('https://idp.example.com/metadata');
  });

  it.each([
    ['a service provider’s metadata', SP_METADATA],
    ['something that is not XML', '<md:EntityDescriptor'],
    [
      'a DOCTYPE (entities are refused)',
      `<!DOCTYPE x [<!ENTITY e "x">]>${IDP_METADATA.replace('<?xml version="1.0"?>', '')}`,
    ],
    ['another root element', '<EntityDescriptor entityID="x"/>'],
    ['no entityID', IDP_METADATA.replace(' entityID="https://idp.example.com/metadata"', '')],
    ['no SSO location', IDP_METADATA.replace('Location="https://idp.example.com/sso"', 'Location="/sso"')],
  ])('refuses %s', (_what, xml) => {
    expect(refusal(() => checkIdpMetadata(xml, 'metadata_xml')).field).toBe('metadata_xml');
  });
});

describe('events and updates', () => {
  it('names events as ZITADEL does, per level and kind', () => {
    expect(templateEventType('instance', 'oidc', 'added')).toBe('instance.idp.oidc.added');
    expect(templateEventType('org', 'githubEs', 'changed')).toBe('org.idp.github_enterprise.changed');
    expect(templateEventType('org', 'gitlabSelfHosted', 'added')).toBe('org.idp.gitlab_self_hosted.added');
    expect(templateEventType('instance', 'azureAd', 'added')).toBe('instance.idp.azure.added');
    expect(templateRemovedEventType('org')).toBe('org.idp.removed');
  });

  it('an update changes something when a field, an option or a secret differs, whatever the key order', () => {
    const stored = { name: 'Upstream', config: JSON.parse(canonicalJson(OIDC)) as IdpConfig, options: OPTIONS };
    expect(changesTemplate(stored, draft(OIDC))).toBe(false);
    expect(changesTemplate(stored, draft(OIDC, { clientSecret: 'new' }))).toBe(true);
    expect(changesTemplate(stored, draft({ ...OIDC, usePkce: false }))).toBe(true);
    expect(changesTemplate(stored, { ...draft(OIDC), options: { ...OPTIONS, autoLinking: 'email' } })).toBe(true);
  });
});
