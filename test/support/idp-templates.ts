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

/** An OIDC provider's settings that nothing dials: for tests of links, sessions and intents bookkeeping. */
export const OFFLINE_OIDC_CONFIG: IdpConfig = Object.freeze({
  kind: 'oidc',
  issuer: 'https://upstream.example.com',
  clientId: 'portcullis',
  scopes: ['openid'],
  isIdTokenMapping: false,
  usePkce: false,
});

/**
 * A login policy body for management v1 AddCustomLoginPolicy that lets external providers in:
 * passwords, registration and providers allowed, no MFA, hour-long check lifetimes.
 */
export const EXTERNAL_LOGIN_POLICY_V1 = Object.freeze({
  allowUsernamePassword: true,
  allowRegister: true,
  allowExternalIdp: true,
  forceMfa: false,
  passwordlessType: 1,
  hidePasswordReset: false,
  defaultRedirectUri: '',
  passwordCheckLifetime: { seconds: 3600, nanos: 0 },
  externalLoginCheckLifetime: { seconds: 3600, nanos: 0 },
  mfaInitSkipLifetime: { seconds: 0, nanos: 0 },
  secondFactorCheckLifetime: { seconds: 3600, nanos: 0 },
  multiFactorCheckLifetime: { seconds: 3600, nanos: 0 },
  secondFactors: [] as number[],
  multiFactors: [] as number[],
  idps: [] as { idpId: string; ownerType: number }[],
  allowDomainDiscovery: false,
  disableLoginWithEmail: false,
  disableLoginWithPhone: false,
  ignoreUnknownUsernames: false,
  forceMfaLocalOnly: false,
});

interface TemplateInput<C extends IdpConfig> {
  instanceId: string;
  config: C;
  id?: string;
  orgId?: string | null;
  name?: string;
  options?: Partial<IdpOptions>;
}

/** An active provider template in memory, with ZITADEL's default options, for connector tests. */
export function idpTemplate<C extends IdpConfig>(input: TemplateInput<C>): IdpTemplate & { config: C } {
  const now = new Date();
  return {
    instanceId: input.instanceId,
    id: input.id ?? `${input.config.kind}-1`,
    orgId: input.orgId ?? null,
    name: input.name ?? `${input.config.kind} provider`,
    state: 'active',
    config: input.config,
    options: { ...DEFAULT_IDP_OPTIONS, ...input.options },
    createdAt: now,
    changedAt: now,
    sequence: 1n,
  };
}

/**
 * Writes a provider template straight through the store, for tests of what uses templates
 * (intents, links, sessions) that should not depend on the template API's own rules.
 */
export async function insertIdpTemplate(
  holder: AppHolder,
  input: TemplateInput<IdpConfig> & { secrets?: IdpSecrets },
): Promise<IdpTemplate> {
  const { app } = holder;
  const template = idpTemplate({ ...input, id: app.get(IdGenerator).next() });
  const sealed = input.secrets ? app.get(MasterKey).encrypt(JSON.stringify(input.secrets)) : null;
  await app.get(IdpStore).insert(app.get(DataSource).manager, template, sealed);
  return template;
}
