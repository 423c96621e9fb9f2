// The Portcullis scenarios, in report order. A scenario is one small module: add it here.
// The OIDC ones compare themselves to bare oidc-provider (bench/baselines/oidc-provider.ts).
import type { Scenario } from '../harness/types.js';
import { addHumanUser } from './add-human-user.js';
import { createSession } from './create-session.js';
import { getUserById, getUserByIdBesideWebhook, getUserByIdLight } from './get-user-by-id.js';
import { getUserByIdGrpc } from './get-user-by-id-grpc.js';
import { getUserByIdGrpcNative, getUserByIdRestNative } from './get-user-by-id-transports.js';
import { getUserByIdWebhook, getUserByIdWebhookLight } from './get-user-by-id-webhook.js';
import { listUsers } from './list-users.js';
import { oidcClientCredentials } from './oidc-client-credentials.js';
import { oidcIntrospection } from './oidc-introspection.js';
import { oidcRefresh } from './oidc-refresh.js';
import { oidcUserinfo } from './oidc-userinfo.js';

export const SCENARIOS: readonly Scenario[] = [
  getUserById,
  getUserByIdGrpc,
  getUserByIdRestNative,
  getUserByIdGrpcNative,
  getUserByIdBesideWebhook,
  getUserByIdWebhook,
  getUserByIdLight,
  getUserByIdWebhookLight,
  listUsers,
  addHumanUser,
  createSession,
  oidcClientCredentials,
  oidcRefresh,
  oidcIntrospection,
  oidcUserinfo,
];
