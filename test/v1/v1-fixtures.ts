import { ClientError } from 'nice-grpc';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { startWithReceivers, type ReceivingServer } from '../support/receivers.js';

/** Two orgs, each with an ORG_OWNER machine (PAT), on a server that delivers email and SMS. */
export interface TwoOrgs {
  readonly env: ReceivingServer;
  readonly orgA: string;
  readonly orgB: string;
  readonly ownerA: string;
  readonly ownerB: string;
  /** The user id of org A's owner machine. */
  readonly ownerAId: string;
}

export async function twoOrgs(label: string): Promise<TwoOrgs> {
  const env = await startWithReceivers();
  const orgs = client(OrgV2beta, 'grpc', env.server.baseUrl, env.server.adminPat);
  const orgA = (await orgs.createOrganization({ name: `${label} A ${Date.now()}` })).id;
  const orgB = (await orgs.createOrganization({ name: `${label} B ${Date.now()}` })).id;
  const owner = (org: string) =>
    machineWithRoles(env.server, org, { level: 'org', resourceId: org, roles: ['ORG_OWNER'] });
  const a = await owner(orgA);
  return { env, orgA, orgB, ownerA: a.pat, ownerAId: a.userId, ownerB: (await owner(orgB)).pat };
}

/** The gRPC status a nice-grpc call ends with (the same numbers as connect's Code), or 'ok'. */
/** The error a nice-grpc call ends with (its status and message), for checks on the named field. */
export async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ClientError) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('the call succeeded');
}

let n = 0;
export const unique = (label: string) => `${label}-${Date.now()}-${n++}`;
