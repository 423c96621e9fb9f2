import { Injectable } from '@nestjs/common';
import { DEFAULT_PASSWORD_COMPLEXITY, type PasswordComplexity } from '../users/password-policy.js';

/** ZITADEL's domain settings. */
export interface DomainSettings {
  /** Login names are `username@<org domain>` and usernames unique per org (else per instance). */
  readonly userLoginMustBeDomain: boolean;
  readonly validateOrgDomains: boolean;
  readonly smtpSenderAddressMatchesInstanceDomain: boolean;
}

export const DEFAULT_DOMAIN_SETTINGS: DomainSettings = Object.freeze({
  userLoginMustBeDomain: false,
  validateOrgDomains: true,
  smtpSenderAddressMatchesInstanceDomain: false,
});

/**
 * The settings other modules read, per org with the instance's as fallback. Until the settings
 * issue stores them, every org has ZITADEL's defaults; callers already ask per org so that
 * storing them changes only this class.
 */
@Injectable()
export class Policies {
  async domainSettings(_instanceId: string, _orgId: string): Promise<DomainSettings> {
    return DEFAULT_DOMAIN_SETTINGS;
  }

  async passwordComplexity(_instanceId: string, _orgId: string): Promise<PasswordComplexity> {
    return DEFAULT_PASSWORD_COMPLEXITY;
  }
}
