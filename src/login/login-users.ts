import { Injectable } from '@nestjs/common';
import { Transactions } from '../platform/database/transactions.js';
import type { SecondFactor } from '../settings/policies.js';

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

/** Reads the login's view of a user (the users module owns the rows; this only reads them). */
@Injectable()
export class LoginUsers {
  constructor(private readonly tx: Transactions) {}

  async find(instanceId: string, userId: string): Promise<LoginUser | undefined> {
    const [row]: Record<string, any>[] = await this.tx.reader.query(
      `SELECT u.id, u.resource_owner, u.username, u.password_change_required, COALESCE(o.primary_domain, '') AS primary_domain,
              EXISTS (SELECT 1 FROM user_totp t WHERE t.instance_id = u.instance_id AND t.user_id = u.id AND t.state = 'ready') AS totp,
              ARRAY(SELECT c.channel FROM user_otp_channels c WHERE c.instance_id = u.instance_id AND c.user_id = u.id) AS otp_channels,
              ARRAY(SELECT DISTINCT w.kind FROM user_webauthn_credentials w WHERE w.instance_id = u.instance_id AND w.user_id = u.id AND w.state = 'ready') AS webauthn,
              COALESCE(u.email, '') AS email, u.email_verified, u.mfa_init_skipped_at
         FROM users u LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
        WHERE u.instance_id = $1 AND u.id = $2`,
      [instanceId, userId],
    );
    if (!row) return undefined;
    const channels: string[] = row.otp_channels ?? [];
    const factors: PageFactor[] = [];
    if (row.totp) factors.push('totp');
    if (channels.includes('email')) factors.push('otpEmail');
    if (channels.includes('sms')) factors.push('otpSms');
    return {
      id: row.id,
      orgId: row.resource_owner,
      username: row.username,
      orgPrimaryDomain: row.primary_domain,
      passwordChangeRequired: !!row.password_change_required,
      factors,
      hasAnySecondFactor: factors.length > 0 || (row.webauthn ?? []).length > 0,
      webAuthn: row.webauthn ?? [],
      email: row.email,
      emailVerified: !!row.email_verified,
      mfaInitSkippedAt: row.mfa_init_skipped_at ?? null,
    };
  }

  /** A user's email and state by id, for the invitation and verification pages (no session yet). */
  async contact(
    instanceId: string,
    userId: string,
  ): Promise<
    | {
        id: string;
        orgId: string;
        email: string;
        emailVerified: boolean;
        state: string;
        displayName: string;
        username: string;
      }
    | undefined
  > {
    const [row]: Record<string, any>[] = await this.tx.reader.query(
      `SELECT id, resource_owner, COALESCE(email, '') AS email, email_verified, state, COALESCE(display_name, username) AS display_name, username
         FROM users WHERE instance_id = $1 AND id = $2 AND type = 'human'`,
      [instanceId, userId],
    );
    return row
      ? {
          id: row.id,
          orgId: row.resource_owner,
          email: row.email,
          emailVerified: !!row.email_verified,
          state: row.state,
          displayName: row.display_name,
          username: row.username,
        }
      : undefined;
  }

  /** The name of an app (the SAML service provider the pages show). */
  async appName(instanceId: string, appId: string): Promise<string | undefined> {
    const [row]: { name: string }[] = await this.tx.reader.query(
      'SELECT name FROM apps WHERE instance_id = $1 AND id = $2',
      [instanceId, appId],
    );
    return row?.name;
  }
}
