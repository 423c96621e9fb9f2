import { createPublicKey } from 'node:crypto';
import { InstanceFeatures } from '../features/instance-features.js';
import { Injectable } from '@nestjs/common';
import type { ClientMetadata } from 'oidc-provider';
import { AppsQueries, type ActiveClient } from '../apps/apps.queries.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { MachineCredentialsQueries } from '../users/credentials/machine-credentials.queries.js';
import type {
  AuthorizeClient,
  OidcAppType,
  OidcAuthMethod,
  OidcGrantType,
  OidcResponseType,
} from '../apps/oidc-rules.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { AssertionRelay } from './assertion-relay.js';

export const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GRANT_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** What Portcullis knows about a client beyond OAuth metadata, carried as one extra property. */
export interface ClientFacts {
  readonly kind: 'oidc' | 'api' | 'machine';
  /** The app's id, or the machine user's id. */
  readonly id: string;
  readonly projectId?: string;
  readonly orgId: string;
  readonly accessTokenType: 'opaque' | 'jwt';
  readonly accessTokenRoleAssertion: boolean;
  readonly idTokenRoleAssertion: boolean;
  readonly idTokenUserinfoAssertion: boolean;
  readonly projectRoleAssertion: boolean;
  readonly projectRoleCheck: boolean;
  readonly hasProjectCheck: boolean;
  readonly clockSkewSeconds: number;
  readonly loginBaseUri: string | null;
  /** An OIDC app that chose ZITADEL's login v2 (its own base URI, else the instance's). */
  readonly loginV2?: boolean;
  /** An OIDC app's type and dev mode, for ZITADEL's redirect rule at authorization. */
  readonly appType?: OidcAppType;
  readonly devMode?: boolean;
}

export const FACTS = 'urn:portcullis:client';

type SigningAlg = NonNullable<ClientMetadata['id_token_signed_response_alg']>;
type AuthMethod = NonNullable<ClientMetadata['token_endpoint_auth_method']>;
type ResponseType = NonNullable<ClientMetadata['response_types']>[number];

const AUTH_METHODS: Record<OidcAuthMethod, string> = {
  basic: 'client_secret_basic',
  post: 'client_secret_post',
  none: 'none',
  private_key_jwt: 'private_key_jwt',
};
const RESPONSE_TYPES: Record<OidcResponseType, string> = {
  code: 'code',
  id_token: 'id_token',
  id_token_token: 'id_token token',
};
const GRANT_TYPES: Record<OidcGrantType, string> = {
  authorization_code: 'authorization_code',
  implicit: 'implicit',
  refresh_token: 'refresh_token',
  device_code: GRANT_DEVICE_CODE,
  token_exchange: GRANT_TOKEN_EXCHANGE,
};

/** How the current token request authenticates a client, for clients that allow several ways. */
export type PresentedAuth = 'basic' | 'post' | 'assertion';

type Jwks = { keys: JsonWebKey[] };

/** A client's metadata as read, and until when it holds without a change (its keys' expiry). */
interface ReadClient {
  readonly metadata: ClientMetadata | undefined;
  readonly validUntil: number;
  /** A private_key_jwt client's registered public keys (its metadata names the stand-in key instead). */
  readonly keys?: Jwks;
}

/**
 * oidc-provider's clients: OIDC apps, API apps (introspection only) and machine users
 * (client_credentials with their secret or a key). They are cached until an app, project, org,
 * machine user, secret or key of the instance changes (see ChangeFeed), so an app change still
 * applies on the next request in every process; oidc-provider keeps the parsed client while the
 * metadata is unchanged. Secrets are handed over as their hash; the provider compares hashes.
 * A private_key_jwt client's keys are checked by Portcullis (ClientAssertions), by ZITADEL's
 * rules; the provider knows only the instance's stand-in key for it (AssertionRelay).
 */
@Injectable()
export class OidcClients {
  private readonly cache: ReadCache<ReadClient>;

  constructor(
    private readonly apps: AppsQueries,
    private readonly machines: MachineCredentialsQueries,
    private readonly orgs: OrgQueries,
    private readonly relay: AssertionRelay,
    feed: ChangeFeed,
    private readonly features: InstanceFeatures,
  ) {
    this.cache = feed.cache({ name: 'oidc_clients', keepFor: (c) => (c.metadata ? c.validUntil - Date.now() : 0) });
  }

  async metadata(
    instanceId: string,
    clientId: string,
    signingAlg: string,
    presented: PresentedAuth | undefined,
  ): Promise<ClientMetadata | undefined> {
    const key = `${clientId}\n${signingAlg}\n${presented ?? ''}`;
    return (await this.cache.get(instanceId, key, () => this.read(instanceId, clientId, signingAlg, presented)))
      .metadata;
  }

  /**
   * The registered, unexpired public keys of a private_key_jwt app or a machine user with keys,
   * to check its client assertions with; undefined for other clients and unknown ids.
   */
  async registeredKeys(instanceId: string, clientId: string): Promise<Jwks | undefined> {
    return (await this.readAsserted(instanceId, clientId)).keys;
  }

  /** Whether `clientId` is a client of the instance (an active app, or a machine user), however it authenticates. */
  async exists(instanceId: string, clientId: string): Promise<boolean> {
    return (await this.readAsserted(instanceId, clientId)).metadata !== undefined;
  }

  /** What the authorization endpoint checks a redirect URI against, for an active OIDC app; else undefined. */
  async authorizeClient(instanceId: string, clientId: string): Promise<AuthorizeClient | undefined> {
    const { metadata } = await this.readAsserted(instanceId, clientId);
    const facts = factsOf(metadata);
    if (facts?.kind !== 'oidc' || !facts.appType) return undefined;
    return { redirectUris: metadata?.redirect_uris ?? [], appType: facts.appType, devMode: !!facts.devMode };
  }

  /** A client as read for an assertion (a machine user with its keys); the signing algorithm plays no part. */
  private readAsserted(instanceId: string, clientId: string): Promise<ReadClient> {
    return this.cache.get(instanceId, `${clientId}\n\nassertion`, () =>
      this.read(instanceId, clientId, '', 'assertion'),
    );
  }

  private async read(
    instanceId: string,
    clientId: string,
    signingAlg: string,
    presented: PresentedAuth | undefined,
  ): Promise<ReadClient> {
    const app = await this.apps.activeClient(instanceId, clientId);
    if (app) {
      // ZITADEL posts back-channel logout tokens only where the feature is on; a change of the
      // flag drops this cache (the change feed), so the metadata follows it.
      const backChannel = (await this.features.of(instanceId)).enableBackChannelLogout?.value === true;
      return this.appMetadata(app, signingAlg, backChannel);
    }
    return this.machineMetadata(instanceId, clientId, signingAlg, presented);
  }

  private async appMetadata(app: ActiveClient, signingAlg: string, backChannel: boolean): Promise<ReadClient> {
    const keys =
      app.authMethod === 'private_key_jwt'
        ? publicJwks(await this.apps.publicKeys(app.instanceId, app.appId))
        : undefined;
    return {
      metadata: this.appClient(app, signingAlg, keys ? this.relay.jwks(app.instanceId) : undefined, backChannel),
      validUntil: keys?.validUntil ?? Infinity,
      ...(keys ? { keys: keys.jwks } : {}),
    };
  }

  private appClient(
    app: ActiveClient,
    signingAlg: string,
    jwks: ClientMetadata['jwks'] | undefined,
    backChannel: boolean,
  ): ClientMetadata {
    const base = {
      client_id: app.clientId,
      ...(app.clientSecretHash ? { client_secret: app.clientSecretHash } : {}),
      ...(jwks ? { jwks } : {}),
      id_token_signed_response_alg: signingAlg as SigningAlg,
    };
    const project = {
      projectRoleAssertion: app.project.roleAssertion,
      projectRoleCheck: app.project.authorizationRequired,
      hasProjectCheck: app.project.projectAccessRequired,
    };
    if (app.kind === 'api' || !app.oidc) {
      const facts: ClientFacts = {
        kind: 'api',
        id: app.appId,
        projectId: app.projectId,
        orgId: app.orgId,
        accessTokenType: 'opaque',
        accessTokenRoleAssertion: false,
        idTokenRoleAssertion: false,
        idTokenUserinfoAssertion: false,
        clockSkewSeconds: 0,
        loginBaseUri: null,
        ...project,
      };
      return {
        ...base,
        token_endpoint_auth_method: AUTH_METHODS[app.authMethod as OidcAuthMethod] as AuthMethod,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        [FACTS]: facts,
      };
    }
    const oidc = app.oidc;
    const facts: ClientFacts = {
      kind: 'oidc',
      id: app.appId,
      projectId: app.projectId,
      orgId: app.orgId,
      accessTokenType: oidc.accessTokenType === 'jwt' ? 'jwt' : 'opaque',
      accessTokenRoleAssertion: oidc.accessTokenRoleAssertion,
      idTokenRoleAssertion: oidc.idTokenRoleAssertion,
      idTokenUserinfoAssertion: oidc.idTokenUserinfoAssertion,
      clockSkewSeconds: Math.ceil(oidc.clockSkewMs / 1000),
      loginBaseUri: oidc.loginVersion === 'v2' ? oidc.loginBaseUri : null,
      loginV2: oidc.loginVersion === 'v2',
      ...project,
      appType: oidc.appType,
      devMode: oidc.devMode,
    };
    // Without a redirect URI nothing can be authorized at /authorize (ZITADEL answers that there);
    // the provider would refuse the whole client, device-only apps included.
    const responseTypes = !oidc.redirectUris.length
      ? []
      : (oidc.responseTypes.length ? oidc.responseTypes : (['code'] as OidcResponseType[])).map(
          (t) => RESPONSE_TYPES[t],
        );
    const grantTypes = (oidc.grantTypes.length ? oidc.grantTypes : (['authorization_code'] as OidcGrantType[])).map(
      (g) => GRANT_TYPES[g],
    );
    return {
      ...base,
      token_endpoint_auth_method: AUTH_METHODS[oidc.authMethod] as AuthMethod,
      application_type: oidc.appType === 'native' ? 'native' : 'web',
      redirect_uris: [...oidc.redirectUris],
      post_logout_redirect_uris: [...oidc.postLogoutRedirectUris],
      response_types: responseTypes as ResponseType[],
      grant_types: grantTypes,
      ...(backChannel && oidc.backChannelLogoutUri
        ? { backchannel_logout_uri: oidc.backChannelLogoutUri, backchannel_logout_session_required: true }
        : {}),
      [FACTS]: facts,
    };
  }

  /**
   * A machine user as a client: its username is the client id (ZITADEL's). A machine has a
   * secret and keys at once, and OAuth metadata one auth method, so the method is the one the
   * request presents; a username held by machines of several orgs is no client at all.
   */
  private async machineMetadata(
    instanceId: string,
    username: string,
    signingAlg: string,
    presented: PresentedAuth | undefined,
  ): Promise<ReadClient> {
    // Only machines of active orgs count; a username several of them hold is no client.
    const named = await this.machines.activeMachinesNamed(instanceId, username);
    const orgStates = await this.orgs.states(
      instanceId,
      named.map((m) => m.orgId),
    );
    const rows = named.filter((m) => orgStates.get(m.orgId) === 'active');
    if (rows.length !== 1) return { metadata: undefined, validUntil: 0 };
    const [machine] = rows;
    const facts: ClientFacts = {
      kind: 'machine',
      id: machine.id,
      orgId: machine.orgId,
      // The machine user's own choice (management v1 AddMachineUser/UpdateMachine), as in ZITADEL.
      accessTokenType: machine.accessTokenType === 'jwt' ? 'jwt' : 'opaque',
      accessTokenRoleAssertion: false,
      idTokenRoleAssertion: false,
      idTokenUserinfoAssertion: false,
      projectRoleAssertion: false,
      projectRoleCheck: false,
      hasProjectCheck: false,
      clockSkewSeconds: 0,
      loginBaseUri: null,
    };
    const base = {
      client_id: username,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      id_token_signed_response_alg: signingAlg as SigningAlg,
      [FACTS]: facts,
    };
    if (presented === 'assertion' || (!presented && !machine.secretHash)) {
      const { jwks, validUntil } = publicJwks(await this.machines.publicKeys(instanceId, machine.id));
      return {
        metadata: { ...base, token_endpoint_auth_method: 'private_key_jwt', jwks: this.relay.jwks(instanceId) },
        validUntil,
        keys: jwks,
      };
    }
    if (!machine.secretHash) return { metadata: undefined, validUntil: 0 };
    const method = presented === 'post' ? 'client_secret_post' : 'client_secret_basic';
    return {
      metadata: { ...base, client_secret: machine.secretHash, token_endpoint_auth_method: method },
      validUntil: Infinity,
    };
  }

  /**
   * Unexpired RSA public keys as a JWKS, `kid` = the key's id (what ZITADEL key files sign with),
   * and when the first of them expires.
   */
}

export function factsOf(client: unknown): ClientFacts | undefined {
  return (client as Record<string, unknown> | undefined)?.[FACTS] as ClientFacts | undefined;
}

/** A JWKS of the keys, and until when it holds (its first key's expiry). */
function publicJwks(keys: readonly { id: string; publicKey: string; expiresAt: Date }[]): {
  jwks: Jwks;
  validUntil: number;
} {
  return {
    jwks: {
      keys: keys.map((k) => ({ ...createPublicKey(k.publicKey).export({ format: 'jwk' }), kid: k.id, use: 'sig' })),
    },
    validUntil: Math.min(Infinity, ...keys.map((k) => k.expiresAt.getTime())),
  };
}
