import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Duration } from '@bufbuild/protobuf/wkt';
import type { ObjectDetailsSchema } from '@zitadel/proto/zitadel/object_pb.js';
import type { OIDCSettingsSchema, SecurityPolicySchema } from '@zitadel/proto/zitadel/settings_pb.js';
import type {
  DomainPolicySchema,
  LabelPolicySchema,
  LockoutPolicySchema,
  LoginPolicySchema,
  NotificationPolicySchema,
  OrgIAMPolicySchema,
  PasswordAgePolicySchema,
  PasswordComplexityPolicySchema,
  PrivacyPolicySchema,
} from '@zitadel/proto/zitadel/policy_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { PasswordComplexity } from './password-policy.js';
import type {
  DomainSettings,
  LabelSettings,
  LegalSettings,
  LockoutSettings,
  LoginSettings,
  MultiFactor,
  NotificationSettings,
  OidcSettings,
  PasswordExpirySettings,
  PolicySource,
  SecondFactor,
  SecuritySettings,
  ThemeMode,
} from './policies.queries.js';
import type { LoginPolicyIdp } from '../idps/idps.queries.js';
import { loginPolicyLinkV1 } from '../idps/idps-v1.mapper.js';
import {
  durationOf,
  fromNumber,
  loginFields,
  msOf,
  MULTI_FACTOR_NUMBERS,
  PASSKEYS_NUMBERS,
  SECOND_FACTOR_NUMBERS,
} from './settings.mapper.js';

export { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';

// zitadel.policy.v1 (admin and management APIs) <-> policies. The v1 requests carry the whole
// policy, so an absent field means its zero value, as in ZITADEL; fields a request does not
// have at all (factors on update, lockout failures, asset URLs) keep their current values.

/** v1's theme modes are numbered differently from v2's. */
const THEME_MODE_V1: Readonly<Record<ThemeMode, number>> = { unspecified: 0, auto: 1, dark: 2, light: 3 };

function sourceDetailsV1(source: PolicySource): MessageInitShape<typeof ObjectDetailsSchema> {
  return {
    sequence: source.sequence,
    creationDate: ts(source.createdAt),
    changeDate: ts(source.changedAt),
    resourceOwner: source.owner,
  };
}

/** ZITADEL marks the instance's policies (and an org's inherited ones) `is_default`. */
export function isDefault(source: PolicySource): boolean {
  return source.ownerType !== 'org';
}

// ---- responses ----------------------------------------------------------------------------

/** `idps`: the identity providers on the policy (IDPLoginPolicyLink), when the caller loaded them. */
export function loginPolicyV1(
  s: LoginSettings,
  source: PolicySource,
  idps: readonly LoginPolicyIdp[] = [],
): MessageInitShape<typeof LoginPolicySchema> {
  return {
    ...loginFields(s),
    details: sourceDetailsV1(source),
    passwordlessType: PASSKEYS_NUMBERS[s.passkeysType],
    isDefault: isDefault(source),
    idps: idps.map(loginPolicyLinkV1),
  };
}

export function passwordComplexityPolicyV1(
  s: PasswordComplexity,
  source: PolicySource,
): MessageInitShape<typeof PasswordComplexityPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    minLength: BigInt(s.minLength),
    hasUppercase: s.requiresUppercase,
    hasLowercase: s.requiresLowercase,
    hasNumber: s.requiresNumber,
    hasSymbol: s.requiresSymbol,
    isDefault: isDefault(source),
  };
}

export function passwordAgePolicyV1(
  s: PasswordExpirySettings,
  source: PolicySource,
): MessageInitShape<typeof PasswordAgePolicySchema> {
  return {
    details: sourceDetailsV1(source),
    maxAgeDays: BigInt(s.maxAgeDays),
    expireWarnDays: BigInt(s.expireWarnDays),
    isDefault: isDefault(source),
  };
}

export function lockoutPolicyV1(
  s: LockoutSettings,
  source: PolicySource,
): MessageInitShape<typeof LockoutPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    maxPasswordAttempts: BigInt(s.maxPasswordAttempts),
    maxOtpAttempts: BigInt(s.maxOtpAttempts),
    isDefault: isDefault(source),
  };
}

export function labelPolicyV1(s: LabelSettings, source: PolicySource): MessageInitShape<typeof LabelPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    primaryColor: s.primaryColor,
    backgroundColor: s.backgroundColor,
    warnColor: s.warnColor,
    fontColor: s.fontColor,
    primaryColorDark: s.primaryColorDark,
    backgroundColorDark: s.backgroundColorDark,
    warnColorDark: s.warnColorDark,
    fontColorDark: s.fontColorDark,
    logoUrl: s.logoUrl,
    iconUrl: s.iconUrl,
    logoUrlDark: s.logoUrlDark,
    iconUrlDark: s.iconUrlDark,
    fontUrl: s.fontUrl,
    hideLoginNameSuffix: s.hideLoginNameSuffix,
    disableWatermark: s.disableWatermark,
    themeMode: THEME_MODE_V1[s.themeMode],
    isDefault: isDefault(source),
  };
}

export function domainPolicyV1(s: DomainSettings, source: PolicySource): MessageInitShape<typeof DomainPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    userLoginMustBeDomain: s.userLoginMustBeDomain,
    validateOrgDomains: s.validateOrgDomains,
    smtpSenderAddressMatchesInstanceDomain: s.smtpSenderAddressMatchesInstanceDomain,
    isDefault: isDefault(source),
  };
}

/** The deprecated name of the domain policy (management's GetOrgIAMPolicy). */
export function orgIamPolicyV1(s: DomainSettings, source: PolicySource): MessageInitShape<typeof OrgIAMPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    userLoginMustBeDomain: s.userLoginMustBeDomain,
    isDefault: isDefault(source),
  };
}

export function privacyPolicyV1(s: LegalSettings, source: PolicySource): MessageInitShape<typeof PrivacyPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    tosLink: s.tosLink,
    privacyLink: s.privacyLink,
    helpLink: s.helpLink,
    supportEmail: s.supportEmail,
    docsLink: s.docsLink,
    customLink: s.customLink,
    customLinkText: s.customLinkText,
    isDefault: isDefault(source),
  };
}

export function notificationPolicyV1(
  s: NotificationSettings,
  source: PolicySource,
): MessageInitShape<typeof NotificationPolicySchema> {
  return { details: sourceDetailsV1(source), passwordChange: s.passwordChange, isDefault: isDefault(source) };
}

// ---- requests -----------------------------------------------------------------------------

export interface LoginPolicyRequest {
  allowUsernamePassword: boolean;
  allowRegister: boolean;
  allowExternalIdp: boolean;
  forceMfa: boolean;
  forceMfaLocalOnly: boolean;
  passwordlessType: number;
  hidePasswordReset: boolean;
  ignoreUnknownUsernames: boolean;
  defaultRedirectUri: string;
  passwordCheckLifetime?: Duration;
  externalLoginCheckLifetime?: Duration;
  mfaInitSkipLifetime?: Duration;
  secondFactorCheckLifetime?: Duration;
  multiFactorCheckLifetime?: Duration;
  allowDomainDiscovery: boolean;
  disableLoginWithEmail: boolean;
  disableLoginWithPhone: boolean;
  /** Only on AddCustomLoginPolicy. */
  secondFactors?: number[];
  multiFactors?: number[];
  idps?: { idpId: string; ownerType: number }[];
}

function factors<T extends string>(table: Readonly<Record<T, number>>, numbers: readonly number[], field: string): T[] {
  return [...new Set(numbers)].map((n, i) => {
    const factor = fromNumber(table, n);
    if (!factor) throw invalidField('SETTINGS-f4ct0', `${field}[${i}]`, 'must be a defined factor type');
    return factor;
  });
}

export function loginFromV1(req: LoginPolicyRequest, current: LoginSettings): LoginSettings {
  const passkeysType = fromNumber(PASSKEYS_NUMBERS, req.passwordlessType);
  if (!passkeysType) throw invalidField('SETTINGS-pwdl5', 'passwordless_type', 'must be a defined passwordless type');
  return {
    allowUsernamePassword: req.allowUsernamePassword,
    allowRegister: req.allowRegister,
    allowExternalIdp: req.allowExternalIdp,
    forceMfa: req.forceMfa,
    forceMfaLocalOnly: req.forceMfaLocalOnly,
    passkeysType,
    hidePasswordReset: req.hidePasswordReset,
    ignoreUnknownUsernames: req.ignoreUnknownUsernames,
    defaultRedirectUri: req.defaultRedirectUri.trim(),
    passwordCheckLifetimeMs: msOf(req.passwordCheckLifetime),
    externalLoginCheckLifetimeMs: msOf(req.externalLoginCheckLifetime),
    mfaInitSkipLifetimeMs: msOf(req.mfaInitSkipLifetime),
    secondFactorCheckLifetimeMs: msOf(req.secondFactorCheckLifetime),
    multiFactorCheckLifetimeMs: msOf(req.multiFactorCheckLifetime),
    secondFactors: req.secondFactors
      ? factors<SecondFactor>(SECOND_FACTOR_NUMBERS, req.secondFactors, 'second_factors')
      : current.secondFactors,
    multiFactors: req.multiFactors
      ? factors<MultiFactor>(MULTI_FACTOR_NUMBERS, req.multiFactors, 'multi_factors')
      : current.multiFactors,
    allowDomainDiscovery: req.allowDomainDiscovery,
    disableLoginWithEmail: req.disableLoginWithEmail,
    disableLoginWithPhone: req.disableLoginWithPhone,
  };
}

export function complexityFromV1(req: {
  minLength: number | bigint;
  hasUppercase: boolean;
  hasLowercase: boolean;
  hasNumber: boolean;
  hasSymbol: boolean;
}): PasswordComplexity {
  return {
    minLength: Number(req.minLength),
    requiresUppercase: req.hasUppercase,
    requiresLowercase: req.hasLowercase,
    requiresNumber: req.hasNumber,
    requiresSymbol: req.hasSymbol,
  };
}

export function ageFromV1(req: {
  maxAgeDays: number | bigint;
  expireWarnDays: number | bigint;
}): PasswordExpirySettings {
  return { maxAgeDays: Number(req.maxAgeDays), expireWarnDays: Number(req.expireWarnDays) };
}

export function lockoutFromV1(
  req: { maxPasswordAttempts: number | bigint; maxOtpAttempts: number | bigint },
  current: LockoutSettings,
): LockoutSettings {
  return {
    ...current,
    maxPasswordAttempts: Number(req.maxPasswordAttempts),
    maxOtpAttempts: Number(req.maxOtpAttempts),
  };
}

export interface LabelPolicyRequest {
  primaryColor: string;
  backgroundColor: string;
  warnColor: string;
  fontColor: string;
  primaryColorDark: string;
  backgroundColorDark: string;
  warnColorDark: string;
  fontColorDark: string;
  hideLoginNameSuffix: boolean;
  disableWatermark: boolean;
  themeMode: number;
}

export function labelFromV1(req: LabelPolicyRequest, current: LabelSettings): LabelSettings {
  const themeMode = fromNumber(THEME_MODE_V1, req.themeMode);
  if (!themeMode) throw invalidField('SETTINGS-th3me', 'theme_mode', 'must be a defined theme mode');
  return {
    ...current,
    primaryColor: req.primaryColor.trim(),
    backgroundColor: req.backgroundColor.trim(),
    warnColor: req.warnColor.trim(),
    fontColor: req.fontColor.trim(),
    primaryColorDark: req.primaryColorDark.trim(),
    backgroundColorDark: req.backgroundColorDark.trim(),
    warnColorDark: req.warnColorDark.trim(),
    fontColorDark: req.fontColorDark.trim(),
    hideLoginNameSuffix: req.hideLoginNameSuffix,
    disableWatermark: req.disableWatermark,
    themeMode,
  };
}

export function domainFromV1(req: {
  userLoginMustBeDomain: boolean;
  validateOrgDomains: boolean;
  smtpSenderAddressMatchesInstanceDomain: boolean;
}): DomainSettings {
  return {
    userLoginMustBeDomain: req.userLoginMustBeDomain,
    validateOrgDomains: req.validateOrgDomains,
    smtpSenderAddressMatchesInstanceDomain: req.smtpSenderAddressMatchesInstanceDomain,
  };
}

export function privacyFromV1(req: {
  tosLink: string;
  privacyLink: string;
  helpLink: string;
  supportEmail: string;
  docsLink: string;
  customLink: string;
  customLinkText: string;
}): LegalSettings {
  return {
    tosLink: req.tosLink.trim(),
    privacyLink: req.privacyLink.trim(),
    helpLink: req.helpLink.trim(),
    supportEmail: req.supportEmail.trim(),
    docsLink: req.docsLink.trim(),
    customLink: req.customLink.trim(),
    customLinkText: req.customLinkText,
  };
}

export function oidcSettingsV1(s: OidcSettings, source: PolicySource): MessageInitShape<typeof OIDCSettingsSchema> {
  return {
    details: sourceDetailsV1(source),
    accessTokenLifetime: durationOf(s.accessTokenLifetimeMs),
    idTokenLifetime: durationOf(s.idTokenLifetimeMs),
    refreshTokenIdleExpiration: durationOf(s.refreshTokenIdleExpirationMs),
    refreshTokenExpiration: durationOf(s.refreshTokenExpirationMs),
  };
}

/** Add and Update carry all four lifetimes; an absent one is zero, which the rules refuse. */
export function oidcFromV1(req: {
  accessTokenLifetime?: Duration;
  idTokenLifetime?: Duration;
  refreshTokenIdleExpiration?: Duration;
  refreshTokenExpiration?: Duration;
}): OidcSettings {
  return {
    accessTokenLifetimeMs: msOf(req.accessTokenLifetime),
    idTokenLifetimeMs: msOf(req.idTokenLifetime),
    refreshTokenIdleExpirationMs: msOf(req.refreshTokenIdleExpiration),
    refreshTokenExpirationMs: msOf(req.refreshTokenExpiration),
  };
}

export function notificationFromV1(req: { passwordChange: boolean }): NotificationSettings {
  return { passwordChange: req.passwordChange };
}

/** One factor of an Add/Remove{Second,Multi}FactorToLoginPolicy request (its `type`). */
export function secondFactorFromV1(n: number): SecondFactor {
  return factors<SecondFactor>(SECOND_FACTOR_NUMBERS, [n], 'type')[0];
}

export function multiFactorFromV1(n: number): MultiFactor {
  return factors<MultiFactor>(MULTI_FACTOR_NUMBERS, [n], 'type')[0];
}

export const secondFactorsV1 = (s: LoginSettings) => s.secondFactors.map((f) => SECOND_FACTOR_NUMBERS[f]);
export const multiFactorsV1 = (s: LoginSettings) => s.multiFactors.map((f) => MULTI_FACTOR_NUMBERS[f]);

/** AddCustomLoginPolicy's identity providers: owner_type IDP_OWNER_TYPE_ORG (2) is the org's own, else the instance's. */
export function loginPolicyIdpsFromV1(
  req: LoginPolicyRequest,
): { readonly idpId: string; readonly owner: 'instance' | 'org' }[] {
  return (req.idps ?? []).map((i) => ({ idpId: i.idpId, owner: i.ownerType === 2 ? 'org' : 'instance' }));
}

/** zitadel.settings.v1 SecurityPolicy (admin Get/SetSecurityPolicy) <-> the v2 security settings. */
export function securityPolicyV1(
  s: SecuritySettings,
  source: PolicySource,
): MessageInitShape<typeof SecurityPolicySchema> {
  return {
    details: sourceDetailsV1(source),
    enableIframeEmbedding: s.embeddedIframeEnabled,
    allowedOrigins: [...s.allowedOrigins],
    enableImpersonation: s.enableImpersonation,
  };
}

export function securityFromV1(req: {
  enableIframeEmbedding: boolean;
  allowedOrigins: string[];
  enableImpersonation: boolean;
}): SecuritySettings {
  return {
    embeddedIframeEnabled: req.enableIframeEmbedding,
    allowedOrigins: req.allowedOrigins.map((o) => o.trim()),
    enableImpersonation: req.enableImpersonation,
  };
}

/**
 * The org IAM policy is the domain policy's first field; ZITADEL's OrgIAMPolicy writes set the two
 * later fields to their former default, true (admin domain_policy.go, "backwards compatibility").
 */
export function domainFromOrgIamV1(req: { userLoginMustBeDomain: boolean }): DomainSettings {
  return {
    userLoginMustBeDomain: req.userLoginMustBeDomain,
    validateOrgDomains: true,
    smtpSenderAddressMatchesInstanceDomain: true,
  };
}
