import { DataSource } from 'typeorm';
import { AutoLinkingOption } from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import type { IdpSecrets } from '../../src/idps/idp-config.js';
import { MasterKey } from '../../src/platform/crypto/master-key.js';
import { machineWithRoles } from '../support/principals.js';
import type { TestServer } from '../support/test-server.js';
import { managementV1 } from '../support/v1-clients.js';

let n = 0;

/** ZITADEL's console defaults for a new provider. */
export const OPTIONS = {
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: false,
  isAutoUpdate: true,
  autoLinking: AutoLinkingOption.AUTO_LINKING_OPTION_EMAIL,
};

export async function orgWithOwner(server: TestServer, name: string): Promise<{ orgId: string; owner: string }> {
  const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${Date.now()} ${n++}` });
  const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
  return { orgId: id, owner: pat };
}

/** What is stored for a template: its sealed secrets opened, and whether the raw column holds them in clear. */
export async function storedSecrets(
  server: TestServer,
  id: string,
): Promise<{ secrets: IdpSecrets; raw: string | null }> {
  const rows: { secrets: string | null }[] = await server.app
    .get(DataSource)
    .query(`SELECT secrets FROM idp_templates WHERE id = $1`, [id]);
  const raw = rows[0]?.secrets ?? null;
  return { raw, secrets: raw ? JSON.parse(server.app.get(MasterKey).decrypt(raw)) : {} };
}

/** The audit events written for an aggregate, newest last. */
export async function eventTypes(server: TestServer, aggregateId: string): Promise<{ type: string; payload: any }[]> {
  return server.app
    .get(DataSource)
    .query(`SELECT event_type AS type, payload FROM events WHERE aggregate_id = $1 ORDER BY position`, [aggregateId]);
}
