import { Injectable } from '@nestjs/common';
import { defaultUrlTemplate } from '../notifications/login-links.js';
import { renderUrl } from '../notifications/templates.js';
import { Config } from '../platform/config/config.js';
import { loginBaseUrl } from '../platform/config/login-ui-url.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { WebAuthnService } from './mfa/webauthn.service.js';
import { UsersService, type CreatedHuman, type NewHumanUser } from './users.service.js';

/** The passkey registration link ImportHumanUser hands back (ZITADEL's passwordless init code). */
export interface PasswordlessRegistration {
  readonly link: string;
  readonly lifetimeMs: number;
}

/**
 * ImportHumanUser (management v1): a human as AddHumanUser makes one, and when asked, a passkey
 * registration code for it in the same transaction, returned as a link to the hosted login's
 * passkey page. v2 has no single call for this (it is AddHumanUser then
 * CreatePasskeyRegistrationLink), so the two run here as one unit of work: a user is never
 * imported without the link the caller asked for.
 */
@Injectable()
export class UserImportService {
  constructor(
    private readonly users: UsersService,
    private readonly webauthn: WebAuthnService,
    private readonly config: Config,
  ) {}

  async importHuman(
    caller: Caller,
    orgId: string,
    input: NewHumanUser,
    passwordless: boolean,
  ): Promise<CreatedHuman & { passwordless?: PasswordlessRegistration }> {
    let registration: PasswordlessRegistration | undefined;
    const created = await this.users.createHuman(caller, orgId, input, async (tx, human) => {
      if (!passwordless) return;
      const link = await this.webauthn.createRegistrationLink(caller, human.userId, { kind: 'return' }, { outer: tx });
      registration = {
        link: this.linkOf(caller, orgId, human.userId, link.codeId, link.code!),
        lifetimeMs: link.expiresAt.getTime() - human.event.createdAt.getTime(),
      };
    });
    return { ...created, passwordless: registration };
  }

  private linkOf(caller: Caller, orgId: string, userId: string, codeId: string, code: string): string {
    const base = loginBaseUrl(this.config.loginUiUrl, caller.origin ?? new URL(this.config.externalUrl).origin);
    const template = defaultUrlTemplate('passkeyRegistration', 'email', base)!;
    return renderUrl(template, {
      channel: 'email',
      to: '',
      template: 'passkeyRegistration',
      userId,
      orgId,
      data: { code, codeId },
    });
  }
}
