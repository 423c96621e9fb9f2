import { Injectable } from '@nestjs/common';
import { DEFAULT_PASSWORD_COMPLEXITY, type PasswordComplexity } from '../users/password-policy.js';

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

/**
 * The settings other modules read, per org with the instance's as fallback. Every read goes to
 * the database (changes apply on the next request in every process); the settings module
 * stores them. Until an org or the instance has its own, ZITADEL's defaults apply.
 */
@Injectable()
export class Policies {
  async domainSettings(_instanceId: string, _orgId: string): Promise<DomainSettings> {
    return DEFAULT_DOMAIN_SETTINGS;
  }

  async passwordComplexity(_instanceId: string, _orgId: string): Promise<PasswordComplexity> {
    return DEFAULT_PASSWORD_COMPLEXITY;
  }

  async loginSettings(_instanceId: string, _orgId: string): Promise<LoginSettings> {
    return DEFAULT_LOGIN_SETTINGS;
  }

  async lockoutSettings(_instanceId: string, _orgId: string): Promise<LockoutSettings> {
    return DEFAULT_LOCKOUT_SETTINGS;
  }

  async passwordExpiry(_instanceId: string, _orgId: string): Promise<PasswordExpirySettings> {
    return DEFAULT_PASSWORD_EXPIRY;
  }
}
