// The Portcullis scenarios, in report order. A scenario is one small module: add it here.
// OIDC (client_credentials token, refresh, introspection, userinfo) comes as one file each,
// comparing itself to the oidc-provider baselines (`baseline: 'oidc-client-credentials'`,
// `'oidc-introspection'`) already measured in bench/baselines/oidc-provider.ts.
import type { Scenario } from '../harness/types.js';
import { addHumanUser } from './add-human-user.js';
import { createSession } from './create-session.js';
import { getUserById } from './get-user-by-id.js';
import { getUserByIdGrpc } from './get-user-by-id-grpc.js';
import { listUsers } from './list-users.js';

export const SCENARIOS: readonly Scenario[] = [getUserById, getUserByIdGrpc, listUsers, addHumanUser, createSession];
