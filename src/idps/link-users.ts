import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WrittenEvent } from '../platform/events/event-store.js';
import type { Caller } from '../platform/rpc/call-context.js';

/** The user a link belongs to, as links need it: whose it is and which org owns it. */
export interface LinkOwner {
  readonly id: string;
  readonly resourceOwner: string;
}

/** A link change recorded on the user (ZITADEL's `user.human.externalidp.*` events). */
export interface LinkEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/**
 * What links need from the users context. Users sits above identity providers (a new user's
 * links are written in its creating transaction), so users hands this in at boot instead of
 * this context importing it, as OrgLifecycle does for orgs.
 */
export interface LinkUserDirectory {
  /** The user by id in the instance, its row locked for the transaction when asked. */
  find(db: EntityManager, instanceId: string, userId: string, lock: boolean): Promise<LinkOwner | undefined>;
  /** Appends the events to the user's history (its sequence and change date move with them). */
  push(tx: EntityManager, caller: Caller, user: LinkOwner, events: readonly LinkEvent[]): Promise<WrittenEvent>;
}

@Injectable()
export class IdpLinkUsers {
  private attached?: LinkUserDirectory;

  attach(directory: LinkUserDirectory): void {
    this.attached = directory;
  }

  directory(): LinkUserDirectory {
    if (!this.attached) throw new Error('no users module attached to the identity provider links');
    return this.attached;
  }
}
