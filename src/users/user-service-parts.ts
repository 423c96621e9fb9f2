import { Injectable } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { AccessTable } from '../platform/rpc/registry.js';

export type UserServiceImpl = Partial<ServiceImpl<typeof UserService>>;

/** One group of zitadel.user.v2.UserService methods (core, credentials, MFA …) and their access. */
export interface UserServicePart {
  readonly name: string;
  readonly impl: UserServiceImpl;
  readonly access: AccessTable<typeof UserService>;
}

/**
 * UserService is large, so each group of its methods lives in its own handler file; they add
 * their part here at module init and the users module registers the combined service once.
 */
@Injectable()
export class UserServiceParts {
  private readonly parts: UserServicePart[] = [];

  add(part: UserServicePart): void {
    this.parts.push(part);
  }

  combined(): { impl: UserServiceImpl; access: AccessTable<typeof UserService> } {
    const impl: Record<string, unknown> = {};
    const access: Record<string, unknown> = {};
    for (const part of this.parts) {
      for (const [method, fn] of Object.entries(part.impl)) {
        if (impl[method]) throw new Error(`UserService.${method} is implemented by two parts (${part.name})`);
        impl[method] = fn;
      }
      Object.assign(access, part.access);
    }
    return { impl: impl as UserServiceImpl, access: access as AccessTable<typeof UserService> };
  }
}
