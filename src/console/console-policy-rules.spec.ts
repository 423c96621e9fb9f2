/**
 * The console's settings rules are a browser module (plain JavaScript without imports), so Node
 * runs it as it is; the import's specifier is a string so the compiler does not look for types.
 */
type FieldType = 'bool' | 'number' | 'hours' | 'text' | 'url' | 'email' | 'lines' | 'passwordless';
interface Policy {
  name: string;
  fields: [string, string, FieldType][];
  keep: string[];
  keepOnAdd?: string[];
  read?: string;
  orgByAdmin?: boolean;
  instance?: { read: [string, string]; save: [string, string]; key: string; permissions: [string, string] };
}
interface Endpoints {
  read: [string, string];
  key: string;
  opts: { orgId?: string };
  save: (inherited: boolean) => [string, string];
  reset?: [string, string];
  extra: Record<string, string>;
  write: string;
  remove: string;
}
interface PolicyRules {
  ADMIN: string;
  MANAGEMENT: string;
  hoursOf: (d: unknown) => string;
  durationOf: (hours: unknown) => string;
  CODEC: {
    toForm: (type: FieldType, value: unknown) => unknown;
    toRequest: (type: FieldType, value: unknown) => unknown;
  };
  requestOf: (
    def: Policy,
    policy: unknown,
    values: Record<string, unknown>,
    adding: boolean,
  ) => Record<string, unknown>;
  endpointsOf: (def: Policy, level: 'org' | 'instance', orgId: string) => Endpoints;
}

const RULES = './web/screens/policy-rules.js';
let rules: PolicyRules;
beforeAll(async () => {
  rules = (await import(RULES)) as PolicyRules;
});

const lockout: Policy = { name: 'LockoutPolicy', fields: [['maxPasswordAttempts', 'label', 'number']], keep: [] };

describe('console policy rules', () => {
  it('shows the API’s durations ("3600s", Connect’s JSON) in hours and sends whole seconds back', () => {
    expect(rules.hoursOf('864000s')).toBe('240');
    expect(rules.hoursOf('1800s')).toBe('0.5');
    expect(rules.hoursOf(undefined)).toBe('0');
    expect(rules.durationOf('6')).toBe('21600s');
    expect(rules.durationOf('0.5')).toBe('1800s');
  });

  it('turns form values into the request: numbers, booleans, a list one a line (blank lines dropped), nested fields', () => {
    const security: Policy = {
      name: 'SecuritySettings',
      fields: [
        ['embeddedIframe.enabled', 'l', 'bool'],
        ['embeddedIframe.allowedOrigins', 'l', 'lines'],
        ['enableImpersonation', 'l', 'bool'],
      ],
      keep: [],
    };
    expect(
      rules.requestOf(
        security,
        {},
        {
          'embeddedIframe.enabled': true,
          'embeddedIframe.allowedOrigins': ' https://a.example \n\nhttps://b.example',
          enableImpersonation: false,
        },
        false,
      ),
    ).toEqual({
      embeddedIframe: { enabled: true, allowedOrigins: ['https://a.example', 'https://b.example'] },
      enableImpersonation: false,
    });
    expect(rules.CODEC.toForm('lines', ['https://a.example', 'https://b.example'])).toBe(
      'https://a.example\nhttps://b.example',
    );
    expect(rules.CODEC.toRequest('number', '12')).toBe(12);
  });

  it('shows ZITADEL’s passwordless type as one checkbox: ticked for ALLOWED, unticked for NOT_ALLOWED (0, which Connect’s JSON leaves out)', () => {
    expect(rules.CODEC.toForm('passwordless', 'PASSWORDLESS_TYPE_ALLOWED')).toBe(true);
    expect(rules.CODEC.toForm('passwordless', undefined)).toBe(false);
    expect(rules.CODEC.toForm('passwordless', 'PASSWORDLESS_TYPE_NOT_ALLOWED')).toBe(false);
    expect(rules.CODEC.toRequest('passwordless', true)).toBe('PASSWORDLESS_TYPE_ALLOWED');
    expect(rules.CODEC.toRequest('passwordless', false)).toBe('PASSWORDLESS_TYPE_NOT_ALLOWED');
  });

  it('sends back the fields the form does not show (an update replaces the whole policy), the factors only when an org adds its own (ZITADEL copies the instance’s)', () => {
    const login: Policy = {
      name: 'LoginPolicy',
      fields: [['secondFactorCheckLifetime', 'l', 'hours']],
      keep: ['defaultRedirectUri'],
      keepOnAdd: ['secondFactors'],
    };
    const policy = {
      defaultRedirectUri: 'https://app.example',
      secondFactors: ['SECOND_FACTOR_TYPE_OTP'],
      allowRegister: true,
    };
    expect(rules.requestOf(login, policy, { secondFactorCheckLifetime: '18' }, false)).toEqual({
      defaultRedirectUri: 'https://app.example',
      secondFactorCheckLifetime: '64800s',
    });
    expect(rules.requestOf(login, policy, { secondFactorCheckLifetime: '18' }, true)).toMatchObject({
      secondFactors: ['SECOND_FACTOR_TYPE_OTP'],
    });
  });

  it('reads and writes an org’s policy through the management API in the org’s header: added while inherited, updated once its own, reset to the instance’s', () => {
    const at = rules.endpointsOf(lockout, 'org', 'org-1');
    expect(at.read).toEqual([rules.MANAGEMENT, 'GetLockoutPolicy']);
    expect(at.opts).toEqual({ orgId: 'org-1' });
    expect(at.save(true)).toEqual([rules.MANAGEMENT, 'AddCustomLockoutPolicy']);
    expect(at.save(false)).toEqual([rules.MANAGEMENT, 'UpdateCustomLockoutPolicy']);
    expect(at.reset).toEqual([rules.MANAGEMENT, 'ResetLockoutPolicyToDefault']);
    expect([at.write, at.remove]).toEqual(['policy.write', 'policy.delete']);
  });

  it('writes an org’s domain policy through the admin API with the org in the request and the instance’s permissions (ZITADEL’s AddCustomDomainPolicy)', () => {
    const at = rules.endpointsOf({ name: 'DomainPolicy', fields: [], keep: [], orgByAdmin: true }, 'org', 'org-1');
    expect(at.read).toEqual([rules.MANAGEMENT, 'GetDomainPolicy']);
    expect(at.save(true)).toEqual([rules.ADMIN, 'AddCustomDomainPolicy']);
    expect(at.reset).toEqual([rules.ADMIN, 'ResetCustomDomainPolicyToDefault']);
    expect(at.extra).toEqual({ orgId: 'org-1' });
    expect([at.write, at.remove]).toEqual(['iam.policy.write', 'iam.policy.delete']);
  });

  it('writes the instance’s defaults with admin Update…, or the methods and permissions a setting names (OIDC settings: iam.write), and never resets them', () => {
    const at = rules.endpointsOf(lockout, 'instance', 'org-1');
    expect([at.read, at.save(false), at.opts, at.reset, at.write]).toEqual([
      [rules.ADMIN, 'GetLockoutPolicy'],
      [rules.ADMIN, 'UpdateLockoutPolicy'],
      {},
      undefined,
      'iam.policy.write',
    ]);
    const oidc = rules.endpointsOf(
      {
        name: 'OIDCSettings',
        fields: [],
        keep: [],
        instance: {
          read: [rules.ADMIN, 'GetOIDCSettings'],
          save: [rules.ADMIN, 'UpdateOIDCSettings'],
          key: 'settings',
          permissions: ['iam.read', 'iam.write'],
        },
      },
      'instance',
      'org-1',
    );
    expect([oidc.read, oidc.save(false), oidc.key, oidc.write]).toEqual([
      [rules.ADMIN, 'GetOIDCSettings'],
      [rules.ADMIN, 'UpdateOIDCSettings'],
      'settings',
      'iam.write',
    ]);
  });
});
