import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Notifier } from '../notifications/notifier.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { UserStore } from './users.store.js';

/** ZITADEL's event for a username a verified org domain took over (payload `userName`: the new one). */
export const DOMAIN_CLAIMED_EVENT = 'user.domain.claimed';

/**
 * The username a claimed user gets until it picks a new one: ZITADEL's userDomainClaimed writes
 * `<new id>@temporary.<the requested domain>`, unique by its id. The requested domain is the host
 * the verifying request reached the instance at (one of its domains, the public host behind a
 * proxy included); without a request, the instance's primary domain.
 */
export function temporaryUsername(id: string, caller: Pick<Caller, 'origin' | 'instance'>): string {
  const requested = caller.origin ? new URL(caller.origin).hostname : caller.instance.primaryDomain;
  return `${id}@temporary.${requested}`;
}

/**
 * A domain an org verifies claims the usernames in it: ZITADEL's ValidateOrgDomain / addOrgDomain
 * give every user of another org whose login name ends with `@<domain>` a temporary username
 * (`user.domain.claimed`) in the verifying transaction, and notify them by email (DomainClaimed
 * message, sent to an unverified address too). The users keep their org; only the name moves.
 */
@Injectable()
export class UsernameClaims {
  constructor(
    private readonly store: UserStore,
    private readonly ids: IdGenerator,
    private readonly notifier: Notifier,
  ) {}

  async claim(tx: EntityManager, caller: Caller, orgId: string, domain: string): Promise<void> {
    const users = await this.store.claimableByDomain(tx, caller.instance.id, orgId, domain);
    for (const user of users) {
      const username = temporaryUsername(this.ids.next(), caller);
      await this.store.update(tx, caller, user.id, { username });
      await this.store.push(tx, caller, user, [
        { type: DOMAIN_CLAIMED_EVENT, payload: { userName: username, oldUserName: user.username } },
      ]);
      if (!user.email) continue;
      await this.notifier.enqueue(tx, caller.instance.id, {
        channel: 'email',
        to: user.email,
        template: 'domainClaimed',
        userId: user.id,
        orgId: user.resourceOwner,
        // The message shows the temporary username where other messages show their code, and as
        // its domain what follows the last `@` of the user's email (ZITADEL's SendDomainClaimed
        // reads the notified user's LastEmail), not the claimed domain.
        data: {
          code: username,
          tempUsername: username,
          domain: user.email.slice(user.email.lastIndexOf('@') + 1),
          loginName: user.username,
          displayName: user.displayName ?? user.username,
        },
        origin: caller.origin,
      });
    }
  }
}
