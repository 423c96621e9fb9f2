import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The instance's SAML signing certificate (self-signed X.509, RSA 2048), made on first use. */
@Entity({ name: 'saml_certificates' })
export class SamlCertificate {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  /** PEM; public, published in the metadata and at /saml/v2/certificate. */
  @Column({ type: 'text' })
  certificate!: string;

  /** PKCS#8 PEM sealed by `MasterKey.encrypt`; selected only to sign. */
  @Column({ name: 'private_key', type: 'text', select: false })
  privateKey!: string;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export type SamlResponseBinding = 'post' | 'redirect';
export type SamlRequestState = 'pending' | 'answered';

/** An AuthnRequest an SP sent to /saml/v2/SSO, waiting for the login UI's CreateResponse. */
@Entity({ name: 'saml_requests' })
export class SamlRequest {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  /** Ours: what the login UI gets as `samlRequest`, and the assertion's SessionIndex. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  /** The SP's entity id. */
  @Column({ type: 'text' })
  issuer!: string;

  /** The AuthnRequest's ID: the response's InResponseTo. */
  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  /** `<origin>/saml/v2/metadata` of the host the request came in on: the response's Issuer. */
  @Column({ name: 'idp_entity_id', type: 'text' })
  idpEntityId!: string;

  @Column({ name: 'acs_url', type: 'text' })
  acsUrl!: string;

  @Column({ name: 'response_binding', type: 'text' })
  responseBinding!: SamlResponseBinding;

  @Column({ name: 'relay_state', type: 'text' })
  relayState!: string;

  @Column({ name: 'name_id_format', type: 'text' })
  nameIdFormat!: string;

  @Column({ type: 'text' })
  state!: SamlRequestState;

  @Column({ name: 'session_id', type: 'text', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  /** The NameID the assertion carried (single logout matches on it). */
  @Column({ name: 'name_id', type: 'text', nullable: true })
  nameId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  /** The SP asked for ForceAuthn: the response needs a factor checked after the request arrived. */
  @Column({ name: 'force_authn', type: 'boolean', default: false })
  forceAuthn!: boolean;
}
