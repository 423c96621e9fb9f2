import { Injectable } from '@nestjs/common';
import { AppsQueries } from '../apps/apps.queries.js';
import { type HumanContact, UserLookups } from '../users/user-lookups.queries.js';
import type { SecondFactor } from '../settings/policies.queries.js';

/** The second factors the pages check after a password (a passkey or security key is checked on the WebAuthn page). */
export type PageFactor = 'totp' | 'otpEmail' | 'otpSms';

/** What the login steps need to know about a user beyond the session: one indexed read. */
export interface LoginUser {
  readonly id: string;
  readonly orgId: string;
  readonly username: string;
  readonly orgPrimaryDomain: string;
  readonly passwordChangeRequired: boolean;
  /** The user's ready second factors the pages can check. */
  readonly factors: readonly PageFactor[];
  /** Whether the user has any ready second factor at all (U2F included). */
  readonly hasAnySecondFactor: boolean;
  /** The kinds of the user's ready WebAuthn credentials. */
  readonly webAuthn: readonly ('passkey' | 'u2f')[];
  readonly email: string;
  readonly emailVerified: boolean;
  /** When the user last skipped the optional MFA set-up (HumanMFAInitSkipped), if ever. */
  readonly mfaInitSkippedAt: Date | null;
}

const SETTING_OF: Record<PageFactor, SecondFactor> = { totp: 'otp', otpEmail: 'otpEmail', otpSms: 'otpSms' };

/** The user's factors the login settings allow, in the order the pages offer them. */
export function allowedFactors(user: Pick<LoginUser, 'factors'>, allowed: readonly SecondFactor[]): PageFactor[] {
  return user.factors.filter((f) => allowed.includes(SETTING_OF[f]));
}

/** The login's view of a user, read through the users' and apps' queries. */
@Injectable()
export class LoginUsers {
  constructor(
    private readonly users: UserLookups,
    private readonly apps: AppsQueries,
  ) {}

  async find(instanceId: string, userId: string): Promise<LoginUser | undefined> {
    const row = await this.users.loginPageView(instanceId, userId);
    if (!row) return undefined;
    const factors: PageFactor[] = [];
    if (row.totpReady) factors.push('totp');
    if (row.otpChannels.includes('email')) factors.push('otpEmail');
    if (row.otpChannels.includes('sms')) factors.push('otpSms');
    const { totpReady: _totp, otpChannels: _channels, ...user } = row;
    return { ...user, factors, hasAnySecondFactor: factors.length > 0 || row.webAuthn.length > 0 };
  }

  /** A user's email and state by id, for the invitation and verification pages (no session yet). */
  contact(instanceId: string, userId: string): Promise<HumanContact | undefined> {
    return this.users.humanContact(instanceId, userId);
  }

  /** The name of an app (the SAML service provider the pages show). */
  appName(instanceId: string, appId: string): Promise<string | undefined> {
    return this.apps.name(instanceId, appId);
  }
}
