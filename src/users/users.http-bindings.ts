import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { ExtraBinding } from '../platform/rpc/rest/http-bindings.js';

const m = UserService.method;

/**
 * REST bindings that newer ZITADEL releases (and their API documentation) give UserService
 * methods the pinned descriptors carry without any: integrations call exactly these paths.
 */
export const USER_HTTP_BINDINGS: readonly ExtraBinding[] = [
  { method: m.createUser, rule: { verb: 'post', path: '/v2/users/new', body: '*' } },
  { method: m.updateUser, rule: { verb: 'patch', path: '/v2/users/{user_id}', body: '*' } },
  { method: m.addSecret, rule: { verb: 'post', path: '/v2/users/{user_id}/secret', body: '*' } },
  { method: m.removeSecret, rule: { verb: 'delete', path: '/v2/users/{user_id}/secret' } },
  { method: m.addKey, rule: { verb: 'post', path: '/v2/users/{user_id}/keys', body: '*' } },
  { method: m.removeKey, rule: { verb: 'delete', path: '/v2/users/{user_id}/keys/{key_id}' } },
  { method: m.listKeys, rule: { verb: 'post', path: '/v2/users/keys/search', body: '*' } },
  { method: m.addPersonalAccessToken, rule: { verb: 'post', path: '/v2/users/{user_id}/pats', body: '*' } },
  { method: m.removePersonalAccessToken, rule: { verb: 'delete', path: '/v2/users/{user_id}/pats/{token_id}' } },
  { method: m.listPersonalAccessTokens, rule: { verb: 'post', path: '/v2/users/pats/search', body: '*' } },
];
