import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Duration, DurationSchema } from '@bufbuild/protobuf/wkt';
import type { BrandingSettingsSchema } from '@zitadel/proto/zitadel/settings/v2/branding_settings_pb.js';
import type { DomainSettingsSchema } from '@zitadel/proto/zitadel/settings/v2/domain_settings_pb.js';
import type { LegalAndSupportSettingsSchema } from '@zitadel/proto/zitadel/settings/v2/legal_settings_pb.js';
import type { LockoutSettingsSchema } from '@zitadel/proto/zitadel/settings/v2/lockout_settings_pb.js';
import type {
  IdentityProviderSchema,
  LoginSettingsSchema,
} from '@zitadel/proto/zitadel/settings/v2/login_settings_pb.js';
import type { IdpKind } from '../idps/idp-config.js';
import { optionsMessage } from '../idps/idps.mapper.js';
import type { LoginPolicyIdp } from '../idps/idps.queries.js';
import type {
  PasswordComplexitySettingsSchema,
  PasswordExpirySettingsSchema,
} from '@zitadel/proto/zitadel/settings/v2/password_settings_pb.js';
import type { SecuritySettingsSchema } from '@zitadel/proto/zitadel/settings/v2/security_settings_pb.js';
import { detailsV2 } from '../platform/rpc/proto-mapping.js';
import type { PasswordComplexity } from './password-policy.js';
import type {
  DomainSettings,
  LabelSettings,
  LegalSettings,
  LockoutSettings,
  LoginSettings,
  MultiFactor,
  PasskeysType,
  PasswordExpirySettings,
  PolicySource,
  SecondFactor,
  SecuritySettings,
  ThemeMode,
} from './policies.queries.js';
import type { ReadTarget } from './settings.service.js';

// zitadel.settings.v2 <-> policies. Enum numbers are the descriptors' (v1 shares the factor and
// passkey numbers but not the theme modes: see settings-v1.mapper.ts).

export const SECOND_FACTOR_NUMBERS: Readonly<Record<SecondFactor, number>> = { otp: 1, u2f: 2, otpEmail: 3, otpSms: 4 };
export const MULTI_FACTOR_NUMBERS: Readonly<Record<MultiFactor, number>> = { u2fWithVerification: 1 };
export const PASSKEYS_NUMBERS: Readonly<Record<PasskeysType, number>> = { notAllowed: 0, allowed: 1 };
const THEME_MODE_V2: Readonly<Record<ThemeMode, number>> = { unspecified: 0, auto: 1, light: 2, dark: 3 };

export function fromNumber<T extends string>(table: Readonly<Record<T, number>>, n: number): T | undefined {
  return (Object.keys(table) as T[]).find((k) => table[k] === n);
}

export function durationOf(ms: number): MessageInitShape<typeof DurationSchema> {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/** An absent duration is zero, as proto3 reads it. */
export function msOf(d: Duration | undefined): number {
  return d ? Number(d.seconds) * 1000 + Math.trunc(d.nanos / 1_000_000) : 0;
}

/** RESOURCE_OWNER_TYPE_INSTANCE (1) or _ORG (2). */
export function ownerTypeV2(source: PolicySource): number {
  return source.ownerType === 'org' ? 2 : 1;
}

export function policyDetailsV2(source: PolicySource) {
  return detailsV2({
    sequence: source.sequence,
    changeDate: source.changedAt ?? new Date(0),
    resourceOwner: source.owner,
    creationDate: source.createdAt,
  });
}

/** zitadel.object.v2.RequestContext: the org, the instance, or (unset) the caller's own org. */
export function readTarget(
  ctx:
    | {
        resourceOwner:
          | { case: 'orgId'; value: string }
          | { case: 'instance'; value: boolean }
          | { case: undefined; value?: undefined };
      }
    | undefined,
): ReadTarget {
  const owner = ctx?.resourceOwner;
  if (owner?.case === 'orgId' && owner.value) return { kind: 'org', orgId: owner.value };
  if (owner?.case === 'instance' && owner.value) return { kind: 'instance' };
  return { kind: 'own' };
}

/** The login policy fields v1's LoginPolicy and v2's LoginSettings share, name for name. */
export function loginFields(s: LoginSettings) {
  return {
    allowUsernamePassword: s.allowUsernamePassword,
    allowRegister: s.allowRegister,
    allowExternalIdp: s.allowExternalIdp,
    forceMfa: s.forceMfa,
    forceMfaLocalOnly: s.forceMfaLocalOnly,
    hidePasswordReset: s.hidePasswordReset,
    ignoreUnknownUsernames: s.ignoreUnknownUsernames,
    defaultRedirectUri: s.defaultRedirectUri,
    passwordCheckLifetime: durationOf(s.passwordCheckLifetimeMs),
    externalLoginCheckLifetime: durationOf(s.externalLoginCheckLifetimeMs),
    mfaInitSkipLifetime: durationOf(s.mfaInitSkipLifetimeMs),
    secondFactorCheckLifetime: durationOf(s.secondFactorCheckLifetimeMs),
    multiFactorCheckLifetime: durationOf(s.multiFactorCheckLifetimeMs),
    secondFactors: s.secondFactors.map((f) => SECOND_FACTOR_NUMBERS[f]),
    multiFactors: s.multiFactors.map((f) => MULTI_FACTOR_NUMBERS[f]),
    allowDomainDiscovery: s.allowDomainDiscovery,
    disableLoginWithEmail: s.disableLoginWithEmail,
    disableLoginWithPhone: s.disableLoginWithPhone,
  };
}

export function loginSettingsV2(s: LoginSettings, source: PolicySource): MessageInitShape<typeof LoginSettingsSchema> {
  return {
    ...loginFields(s),
    passkeysType: PASSKEYS_NUMBERS[s.passkeysType],
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function passwordComplexityV2(
  s: PasswordComplexity,
  source: PolicySource,
): MessageInitShape<typeof PasswordComplexitySettingsSchema> {
  return {
    minLength: BigInt(s.minLength),
    requiresUppercase: s.requiresUppercase,
    requiresLowercase: s.requiresLowercase,
    requiresNumber: s.requiresNumber,
    requiresSymbol: s.requiresSymbol,
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function passwordExpiryV2(
  s: PasswordExpirySettings,
  source: PolicySource,
): MessageInitShape<typeof PasswordExpirySettingsSchema> {
  return {
    maxAgeDays: BigInt(s.maxAgeDays),
    expireWarnDays: BigInt(s.expireWarnDays),
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function brandingV2(s: LabelSettings, source: PolicySource): MessageInitShape<typeof BrandingSettingsSchema> {
  return {
    lightTheme: {
      primaryColor: s.primaryColor,
      backgroundColor: s.backgroundColor,
      warnColor: s.warnColor,
      fontColor: s.fontColor,
      logoUrl: s.logoUrl,
      iconUrl: s.iconUrl,
    },
    darkTheme: {
      primaryColor: s.primaryColorDark,
      backgroundColor: s.backgroundColorDark,
      warnColor: s.warnColorDark,
      fontColor: s.fontColorDark,
      logoUrl: s.logoUrlDark,
      iconUrl: s.iconUrlDark,
    },
    fontUrl: s.fontUrl,
    hideLoginNameSuffix: s.hideLoginNameSuffix,
    disableWatermark: s.disableWatermark,
    themeMode: THEME_MODE_V2[s.themeMode],
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function domainV2(s: DomainSettings, source: PolicySource): MessageInitShape<typeof DomainSettingsSchema> {
  return {
    loginNameIncludesDomain: s.userLoginMustBeDomain,
    requireOrgDomainVerification: s.validateOrgDomains,
    smtpSenderAddressMatchesInstanceDomain: s.smtpSenderAddressMatchesInstanceDomain,
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function legalV2(
  s: LegalSettings,
  source: PolicySource,
): MessageInitShape<typeof LegalAndSupportSettingsSchema> {
  return {
    tosLink: s.tosLink,
    privacyPolicyLink: s.privacyLink,
    helpLink: s.helpLink,
    supportEmail: s.supportEmail,
    docsLink: s.docsLink,
    customLink: s.customLink,
    customLinkText: s.customLinkText,
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function lockoutV2(s: LockoutSettings, source: PolicySource): MessageInitShape<typeof LockoutSettingsSchema> {
  return {
    maxPasswordAttempts: BigInt(s.maxPasswordAttempts),
    maxOtpAttempts: BigInt(s.maxOtpAttempts),
    resourceOwnerType: ownerTypeV2(source),
  };
}

export function securityV2(s: SecuritySettings): MessageInitShape<typeof SecuritySettingsSchema> {
  return {
    embeddedIframe: { enabled: s.embeddedIframeEnabled, allowedOrigins: [...s.allowedOrigins] },
    enableImpersonation: s.enableImpersonation,
  };
}

export function securityFromV2(req: {
  embeddedIframe?: { enabled: boolean; allowedOrigins: string[] };
  enableImpersonation: boolean;
}): SecuritySettings {
  return {
    embeddedIframeEnabled: req.embeddedIframe?.enabled ?? false,
    allowedOrigins: (req.embeddedIframe?.allowedOrigins ?? []).map((o) => o.trim()),
    enableImpersonation: req.enableImpersonation,
  };
}

/**
 * zitadel.settings.v2.IdentityProviderType numbers SAML 11 and Apple 12 (the idp services the
 * other way round), so it has its own table.
 */
const IDENTITY_PROVIDER_TYPE: Readonly<Record<IdpKind, number>> = {
  oidc: 1,
  jwt: 2,
  ldap: 3,
  oauth: 4,
  azureAd: 5,
  github: 6,
  githubEs: 7,
  gitlab: 8,
  gitlabSelfHosted: 9,
  google: 10,
  saml: 11,
  apple: 12,
};

export function identityProviderV2(idp: LoginPolicyIdp): MessageInitShape<typeof IdentityProviderSchema> {
  return {
    id: idp.idpId,
    name: idp.name,
    type: IDENTITY_PROVIDER_TYPE[idp.kind],
    options: optionsMessage(idp.options),
  };
}
