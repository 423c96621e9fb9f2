import { DataSource } from 'typeorm';
import type { IdpConfig, IdpOptions, IdpSecrets, IdpTemplate } from '../../src/idps/idp-config.js';
import { IdpStore } from '../../src/idps/idps.store.js';
import { MasterKey } from '../../src/platform/crypto/master-key.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import type { AppHolder } from './factories.js';

/** ZITADEL's defaults for a new provider: linking and creation allowed, nothing automatic. */
export const DEFAULT_IDP_OPTIONS: IdpOptions = {
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: false,
  isAutoUpdate: false,
  autoLinking: 'none',
};

/**
 * Writes a provider template straight through the store, for tests of what uses templates
 * (intents, links, sessions) that should not depend on the template API's own rules.
 */
export async function insertIdpTemplate(
  holder: AppHolder,
  input: {
    instanceId: string;
    config: IdpConfig;
    orgId?: string | null;
    name?: string;
    options?: Partial<IdpOptions>;
    secrets?: IdpSecrets;
  },
): Promise<IdpTemplate> {
  const { app } = holder;
  const now = new Date();
  const template: IdpTemplate = {
    instanceId: input.instanceId,
    id: app.get(IdGenerator).next(),
    orgId: input.orgId ?? null,
    name: input.name ?? `${input.config.kind} provider`,
    state: 'active',
    config: input.config,
    options: { ...DEFAULT_IDP_OPTIONS, ...input.options },
    createdAt: now,
    changedAt: now,
    sequence: 1n,
  };
  const sealed = input.secrets ? app.get(MasterKey).encrypt(JSON.stringify(input.secrets)) : null;
  await app.get(IdpStore).insert(app.get(DataSource).manager, template, sealed);
  return template;
}
