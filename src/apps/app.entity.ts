import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  AccessTokenType,
  ApiAuthMethod,
  LoginVersion,
  OidcAppType,
  OidcAuthMethod,
  OidcGrantType,
  OidcResponseType,
} from './oidc-rules.js';

export type AppState = 'active' | 'inactive';
export type AppKind = 'oidc' | 'api' | 'saml';

/** An application of a project; its kind's configuration is in the table of that kind. */
@Entity({ name: 'apps' })
export class App {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'project_id', type: 'text' })
  projectId!: string;

  /** The project's org. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  state!: AppState;

  @Column({ type: 'text' })
  kind!: AppKind;

  /** OIDC and API apps: `<id>@<project name>`; null for SAML. */
  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId!: string | null;

  /** SHA-256 of the client secret (`hashToken`), for basic/post auth; never the secret. */
  @Column({ name: 'client_secret_hash', type: 'text', nullable: true, select: false })
  clientSecretHash!: string | null;

  /** OIDC: basic, post, none, private_key_jwt; API: basic, private_key_jwt; null for SAML. */
  @Column({ name: 'auth_method', type: 'text', nullable: true })
  authMethod!: OidcAuthMethod | ApiAuthMethod | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}

@Entity({ name: 'app_oidc_configs' })
export class AppOidcConfig {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'redirect_uris', type: 'text', array: true })
  redirectUris!: string[];

  @Column({ name: 'response_types', type: 'text', array: true })
  responseTypes!: OidcResponseType[];

  @Column({ name: 'grant_types', type: 'text', array: true })
  grantTypes!: OidcGrantType[];

  @Column({ name: 'app_type', type: 'text' })
  appType!: OidcAppType;

  @Column({ name: 'post_logout_redirect_uris', type: 'text', array: true })
  postLogoutRedirectUris!: string[];

  /** Relaxes the redirect URI scheme rules (http, custom schemes); nothing else. */
  @Column({ name: 'dev_mode', type: 'boolean' })
  devMode!: boolean;

  @Column({ name: 'access_token_type', type: 'text' })
  accessTokenType!: AccessTokenType;

  @Column({ name: 'access_token_role_assertion', type: 'boolean' })
  accessTokenRoleAssertion!: boolean;

  @Column({ name: 'id_token_role_assertion', type: 'boolean' })
  idTokenRoleAssertion!: boolean;

  @Column({ name: 'id_token_userinfo_assertion', type: 'boolean' })
  idTokenUserinfoAssertion!: boolean;

  /** Milliseconds (the API's Duration below a millisecond is dropped). */
  @Column({ name: 'clock_skew_ms', type: 'integer' })
  clockSkewMs!: number;

  @Column({ name: 'additional_origins', type: 'text', array: true })
  additionalOrigins!: string[];

  @Column({ name: 'skip_native_app_success_page', type: 'boolean' })
  skipNativeAppSuccessPage!: boolean;

  @Column({ name: 'back_channel_logout_uri', type: 'text' })
  backChannelLogoutUri!: string;

  @Column({ name: 'login_version', type: 'text', nullable: true })
  loginVersion!: LoginVersion;

  @Column({ name: 'login_base_uri', type: 'text', nullable: true })
  loginBaseUri!: string | null;
}

@Entity({ name: 'app_saml_configs' })
export class AppSamlConfig {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  /** The SP's entityID, unique per instance. */
  @Column({ name: 'entity_id', type: 'text' })
  entityId!: string;

  /** The SP metadata XML as validated (fetched from `metadataUrl` when that was given). */
  @Column({ type: 'text' })
  metadata!: string;

  @Column({ name: 'metadata_url', type: 'text', nullable: true })
  metadataUrl!: string | null;

  @Column({ name: 'login_version', type: 'text', nullable: true })
  loginVersion!: LoginVersion;

  @Column({ name: 'login_base_uri', type: 'text', nullable: true })
  loginBaseUri!: string | null;
}

/**
 * A key an API or private_key_jwt OIDC app signs client assertions with (RFC 7523). Only the
 * public key is kept; the private key is handed out once in the key file.
 */
@Entity({ name: 'app_keys' })
export class AppKey {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'project_id', type: 'text' })
  projectId!: string;

  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  /** Always 'json' (ZITADEL's KEY_TYPE_JSON). */
  @Column({ type: 'text' })
  type!: 'json';

  /** SPKI PEM of an RSA key. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
