import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { Transactions } from '../platform/database/transactions.js';
import { DEFAULT_PASSWORD_COMPLEXITY, type PasswordComplexity } from './password-policy.js';
import { SettingsPolicy, type PolicyOwnerType } from './settings-policy.entity.js';

/** ZITADEL's domain settings. */
export interface DomainSettings {
  /** Login names are `username@<org domain>` and usernames unique per org (else per instance). */
  readonly userLoginMustBeDomain: boolean;
  readonly validateOrgDomains: boolean;
  readonly smtpSenderAddressMatchesInstanceDomain: boolean;
}

export type SecondFactor = 'otp' | 'u2f' | 'otpEmail' | 'otpSms';
export type MultiFactor = 'u2fWithVerification';
export type PasskeysType = 'notAllowed' | 'allowed';

/** ZITADEL's login settings (lifetimes in milliseconds). */
export interface LoginSettings {
  readonly allowUsernamePassword: boolean;
  readonly allowRegister: boolean;
  readonly allowExternalIdp: boolean;
  readonly forceMfa: boolean;
  readonly forceMfaLocalOnly: boolean;
  readonly passkeysType: PasskeysType;
  readonly hidePasswordReset: boolean;
  readonly ignoreUnknownUsernames: boolean;
  readonly defaultRedirectUri: string;
  readonly passwordCheckLifetimeMs: number;
  readonly externalLoginCheckLifetimeMs: number;
  readonly mfaInitSkipLifetimeMs: number;
  readonly secondFactorCheckLifetimeMs: number;
  readonly multiFactorCheckLifetimeMs: number;
  readonly secondFactors: readonly SecondFactor[];
  readonly multiFactors: readonly MultiFactor[];
  readonly allowDomainDiscovery: boolean;
  readonly disableLoginWithEmail: boolean;
  readonly disableLoginWithPhone: boolean;
}

/** ZITADEL's lockout settings: 0 means no limit. */
export interface LockoutSettings {
  readonly maxPasswordAttempts: number;
  readonly maxOtpAttempts: number;
  readonly showLockoutFailures: boolean;
}

export interface PasswordExpirySettings {
  readonly maxAgeDays: number;
  readonly expireWarnDays: number;
}

export type ThemeMode = 'unspecified' | 'auto' | 'light' | 'dark';

/** ZITADEL's label policy (branding settings); `…Dark` for the dark theme. */
export interface LabelSettings {
  readonly primaryColor: string;
  readonly backgroundColor: string;
  readonly warnColor: string;
  readonly fontColor: string;
  readonly primaryColorDark: string;
  readonly backgroundColorDark: string;
  readonly warnColorDark: string;
  readonly fontColorDark: string;
  /** Asset URLs: set by uploads, which are not served yet, so empty unless stored. */
  readonly logoUrl: string;
  readonly iconUrl: string;
  readonly logoUrlDark: string;
  readonly iconUrlDark: string;
  readonly fontUrl: string;
  readonly hideLoginNameSuffix: boolean;
  readonly disableWatermark: boolean;
  readonly themeMode: ThemeMode;
}

/** ZITADEL's privacy policy (legal and support settings). */
export interface LegalSettings {
  readonly tosLink: string;
  readonly privacyLink: string;
  readonly helpLink: string;
  readonly supportEmail: string;
  readonly docsLink: string;
  readonly customLink: string;
  readonly customLinkText: string;
}

export interface NotificationSettings {
  /** Tell users when their password was changed. */
  readonly passwordChange: boolean;
}

/** Instance-wide only. */
export interface SecuritySettings {
  readonly embeddedIframeEnabled: boolean;
  readonly allowedOrigins: readonly string[];
  readonly enableImpersonation: boolean;
}

/** Instance-wide only. */
export interface GeneralSettings {
  readonly defaultLanguage: string;
}

/**
 * Token lifetimes of the instance's OpenID provider (ZITADEL's OIDC settings, v1 admin API);
 * instance-wide only.
 */
export interface OidcSettings {
  readonly accessTokenLifetimeMs: number;
  readonly idTokenLifetimeMs: number;
  readonly refreshTokenIdleExpirationMs: number;
  readonly refreshTokenExpirationMs: number;
}

/** Every kind of policy, by the name it is stored under. */
export interface PolicyBodies {
  login: LoginSettings;
  password_complexity: PasswordComplexity;
  password_age: PasswordExpirySettings;
  lockout: LockoutSettings;
  domain: DomainSettings;
  /** The label policy being edited (ZITADEL's preview state)… */
  label: LabelSettings;
  /** …and the one in force, a copy of the preview made by ActivateLabelPolicy. */
  label_active: LabelSettings;
  privacy: LegalSettings;
  notification: NotificationSettings;
  security: SecuritySettings;
  general: GeneralSettings;
  oidc: OidcSettings;
}

export type PolicyKind = keyof PolicyBodies;

/** Kinds an org may override; the others exist only on the instance. */
export const ORG_POLICY_KINDS: readonly PolicyKind[] = [
  'login',
  'password_complexity',
  'password_age',
  'lockout',
  'domain',
  'label',
  'label_active',
  'privacy',
  'notification',
];

const HOUR = 60 * 60 * 1000;

export const DEFAULT_DOMAIN_SETTINGS: DomainSettings = Object.freeze({
  userLoginMustBeDomain: false,
  validateOrgDomains: true,
  smtpSenderAddressMatchesInstanceDomain: false,
});

export const DEFAULT_LOGIN_SETTINGS: LoginSettings = Object.freeze({
  allowUsernamePassword: true,
  allowRegister: true,
  allowExternalIdp: true,
  forceMfa: false,
  forceMfaLocalOnly: false,
  passkeysType: 'allowed',
  hidePasswordReset: false,
  ignoreUnknownUsernames: false,
  defaultRedirectUri: '',
  passwordCheckLifetimeMs: 240 * HOUR,
  externalLoginCheckLifetimeMs: 240 * HOUR,
  mfaInitSkipLifetimeMs: 720 * HOUR,
  secondFactorCheckLifetimeMs: 18 * HOUR,
  multiFactorCheckLifetimeMs: 12 * HOUR,
  secondFactors: ['otp', 'u2f'] as SecondFactor[],
  multiFactors: ['u2fWithVerification'] as MultiFactor[],
  allowDomainDiscovery: true,
  disableLoginWithEmail: false,
  disableLoginWithPhone: false,
});

export const DEFAULT_LOCKOUT_SETTINGS: LockoutSettings = Object.freeze({
  maxPasswordAttempts: 0,
  maxOtpAttempts: 0,
  showLockoutFailures: true,
});

export const DEFAULT_PASSWORD_EXPIRY: PasswordExpirySettings = Object.freeze({ maxAgeDays: 0, expireWarnDays: 0 });

/** ZITADEL's default colours. */
export const DEFAULT_LABEL_SETTINGS: LabelSettings = Object.freeze({
  primaryColor: '#5469d4',
  backgroundColor: '#fafafa',
  warnColor: '#cd3d56',
  fontColor: '#000000',
  primaryColorDark: '#2073c4',
  backgroundColorDark: '#111827',
  warnColorDark: '#ff3b5b',
  fontColorDark: '#ffffff',
  logoUrl: '',
  iconUrl: '',
  logoUrlDark: '',
  iconUrlDark: '',
  fontUrl: '',
  hideLoginNameSuffix: false,
  disableWatermark: false,
  themeMode: 'auto',
});

/** Empty: ZITADEL's defaults point at zitadel.com's own terms, which are not this server's. */
export const DEFAULT_LEGAL_SETTINGS: LegalSettings = Object.freeze({
  tosLink: '',
  privacyLink: '',
  helpLink: '',
  supportEmail: '',
  docsLink: '',
  customLink: '',
  customLinkText: '',
});

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = Object.freeze({ passwordChange: true });

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = Object.freeze({
  embeddedIframeEnabled: false,
  allowedOrigins: [] as string[],
  enableImpersonation: false,
});

export const DEFAULT_GENERAL_SETTINGS: GeneralSettings = Object.freeze({ defaultLanguage: 'en' });

/** ZITADEL's built-in defaults, in force until the instance stores its own. */
/** ZITADEL's defaults: access and ID tokens 12 h, refresh tokens 30 days idle and 90 days in all. */
export const DEFAULT_OIDC_SETTINGS: OidcSettings = Object.freeze({
  accessTokenLifetimeMs: 12 * HOUR,
  idTokenLifetimeMs: 12 * HOUR,
  refreshTokenIdleExpirationMs: 30 * 24 * HOUR,
  refreshTokenExpirationMs: 90 * 24 * HOUR,
});

export const POLICY_DEFAULTS: { readonly [K in PolicyKind]: PolicyBodies[K] } = Object.freeze({
  login: DEFAULT_LOGIN_SETTINGS,
  password_complexity: DEFAULT_PASSWORD_COMPLEXITY,
  password_age: DEFAULT_PASSWORD_EXPIRY,
  lockout: DEFAULT_LOCKOUT_SETTINGS,
  domain: DEFAULT_DOMAIN_SETTINGS,
  label: DEFAULT_LABEL_SETTINGS,
  label_active: DEFAULT_LABEL_SETTINGS,
  privacy: DEFAULT_LEGAL_SETTINGS,
  notification: DEFAULT_NOTIFICATION_SETTINGS,
  security: DEFAULT_SECURITY_SETTINGS,
  general: DEFAULT_GENERAL_SETTINGS,
  oidc: DEFAULT_OIDC_SETTINGS,
});

/** Where a policy in force comes from, for details, `is_default` and `resource_owner_type`. */
export interface PolicySource {
  /** `org` only when the org has its own; the built-in defaults count as the instance's (as in ZITADEL). */
  readonly ownerType: PolicyOwnerType;
  /** The org id or the instance id. */
  readonly owner: string;
  /** 0 for the built-in defaults. */
  readonly sequence: bigint;
  readonly createdAt?: Date;
  readonly changedAt?: Date;
}

export interface ResolvedPolicy<T> {
  readonly settings: T;
  readonly source: PolicySource;
}

/** A stored body over the defaults, so rows written before a field existed still read whole. */
export function withDefaults<K extends PolicyKind>(
  kind: K,
  body: Record<string, unknown> | undefined,
): PolicyBodies[K] {
  return Object.freeze({ ...POLICY_DEFAULTS[kind], ...(body ?? {}) }) as unknown as PolicyBodies[K];
}

export function sourceOf(
  row: Pick<SettingsPolicy, 'ownerType' | 'owner' | 'sequence' | 'createdAt' | 'changedAt'>,
): PolicySource {
  return {
    ownerType: row.ownerType,
    owner: row.owner,
    sequence: BigInt(row.sequence),
    createdAt: row.createdAt,
    changedAt: row.changedAt,
  };
}

/**
 * The settings other modules read, per org with the instance's as fallback: the org's own policy
 * if it has one, else the instance's, else ZITADEL's defaults. Outside a unit of work they are
 * cached until a policy of the instance changes (see ChangeFeed), so a change still applies on
 * the next request in every process.
 */
@Injectable()
export class Policies {
  private readonly cache: ReadCache<ResolvedPolicy<unknown>>;

  constructor(
    private readonly tx: Transactions,
    feed: ChangeFeed,
  ) {
    this.cache = feed.cache({ name: 'settings_policies' });
  }

  /** The policy in force for an org (or, without `orgId`, the instance default) and where it comes from. */
  async resolve<K extends PolicyKind>(
    kind: K,
    instanceId: string,
    orgId?: string,
    reader?: EntityManager,
  ): Promise<ResolvedPolicy<PolicyBodies[K]>> {
    if (reader) return this.load(kind, instanceId, orgId, reader);
    const resolved = await this.cache.get(instanceId, `${kind}/${orgId ?? ''}`, () =>
      this.load(kind, instanceId, orgId, this.tx.reader),
    );
    return resolved as ResolvedPolicy<PolicyBodies[K]>;
  }

  private async load<K extends PolicyKind>(
    kind: K,
    instanceId: string,
    orgId: string | undefined,
    reader: EntityManager,
  ): Promise<ResolvedPolicy<PolicyBodies[K]>> {
    const owners = orgId && orgId !== instanceId ? [orgId, instanceId] : [instanceId];
    const row = await reader
      .getRepository(SettingsPolicy)
      .createQueryBuilder('p')
      .select(['p.ownerType', 'p.owner', 'p.body', 'p.sequence', 'p.createdAt', 'p.changedAt'])
      .where('p.instance_id = :instanceId AND p.kind = :kind AND p.owner IN (:...owners)', { instanceId, kind, owners })
      .orderBy('p.ownerType', 'DESC') // 'org' sorts after 'instance': the org's own row wins
      .limit(1)
      .getOne();
    if (!row)
      return Object.freeze({
        settings: POLICY_DEFAULTS[kind],
        source: Object.freeze({ ownerType: 'instance' as const, owner: instanceId, sequence: 0n }),
      });
    return Object.freeze({ settings: withDefaults(kind, row.body), source: Object.freeze(sourceOf(row)) });
  }

  /**
   * Whether the org has its own policy of this kind. With `lock` the row is held (FOR SHARE) until
   * the transaction ends, so a reset cannot remove it under a change that depends on it.
   */
  async hasOwn(
    db: EntityManager,
    kind: PolicyKind,
    instanceId: string,
    orgId: string,
    lock?: 'share',
  ): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM settings_policies WHERE instance_id = $1 AND kind = $2 AND owner = $3 AND owner_type = 'org'${
        lock ? ' FOR SHARE' : ''
      }`,
      [instanceId, kind, orgId],
    );
    return rows.length > 0;
  }

  async domainSettings(instanceId: string, orgId: string): Promise<DomainSettings> {
    return (await this.resolve('domain', instanceId, orgId)).settings;
  }

  async passwordComplexity(instanceId: string, orgId: string): Promise<PasswordComplexity> {
    return (await this.resolve('password_complexity', instanceId, orgId)).settings;
  }

  async loginSettings(instanceId: string, orgId: string): Promise<LoginSettings> {
    return (await this.resolve('login', instanceId, orgId)).settings;
  }

  async lockoutSettings(instanceId: string, orgId: string): Promise<LockoutSettings> {
    return (await this.resolve('lockout', instanceId, orgId)).settings;
  }

  async passwordExpiry(instanceId: string, orgId: string): Promise<PasswordExpirySettings> {
    return (await this.resolve('password_age', instanceId, orgId)).settings;
  }

  /** The label policy in force (activated), for the login pages and emails. */
  async labelSettings(instanceId: string, orgId: string): Promise<LabelSettings> {
    return (await this.resolve('label_active', instanceId, orgId)).settings;
  }

  async legalSettings(instanceId: string, orgId: string): Promise<LegalSettings> {
    return (await this.resolve('privacy', instanceId, orgId)).settings;
  }

  async notificationSettings(instanceId: string, orgId: string): Promise<NotificationSettings> {
    return (await this.resolve('notification', instanceId, orgId)).settings;
  }

  async securitySettings(instanceId: string): Promise<SecuritySettings> {
    return (await this.resolve('security', instanceId)).settings;
  }

  async generalSettings(instanceId: string): Promise<GeneralSettings> {
    return (await this.resolve('general', instanceId)).settings;
  }
}
