import { invalidField } from '../../platform/errors/domain-error.js';
import * as errors from './providers.errors.js';

/** The two notification channels an instance configures providers for. */
export type ProviderChannel = 'email' | 'sms';
export type ProviderKind = 'smtp' | 'http' | 'twilio';
export type ProviderState = 'active' | 'inactive';

/** ZITADEL's EmailProviderSMTP: the host carries its port (`smtp.example.com:587`). */
export interface SmtpConfig {
  readonly senderAddress: string;
  readonly senderName: string;
  readonly tls: boolean;
  readonly host: string;
  readonly user: string;
  readonly replyToAddress: string;
}

export interface HttpConfig {
  readonly endpoint: string;
}

export interface TwilioConfig {
  readonly sid: string;
  readonly senderNumber: string;
  readonly verifyServiceSid: string;
}

export type ProviderConfig =
  | { readonly kind: 'smtp'; readonly smtp: SmtpConfig }
  | { readonly kind: 'http'; readonly http: HttpConfig }
  | { readonly kind: 'twilio'; readonly twilio: TwilioConfig };

/** Which kinds each channel has (ZITADEL: SMTP or HTTP for email, Twilio or HTTP for SMS). */
export const CHANNEL_KINDS: Readonly<Record<ProviderChannel, readonly ProviderKind[]>> = {
  email: ['smtp', 'http'],
  sms: ['twilio', 'http'],
};

export type ProviderChange = 'added' | 'changed' | 'secretChanged' | 'activated' | 'deactivated' | 'removed';

/**
 * ZITADEL's instance event types for providers (`instance.smtp.config.*`, `instance.sms.config*`):
 * the kind-specific events for adding and changing, the shared ones for the life cycle.
 */
export function providerEventType(channel: ProviderChannel, kind: ProviderKind, change: ProviderChange): string {
  const base = channel === 'email' ? 'instance.smtp.config' : 'instance.sms.config';
  const perKind: Record<ProviderKind, string> = {
    smtp: 'instance.smtp.config',
    http: channel === 'email' ? 'instance.smtp.config.http' : 'instance.sms.confighttp',
    twilio: 'instance.sms.configtwilio',
  };
  switch (change) {
    case 'added':
    case 'changed':
      return `${perKind[kind]}.${change}`;
    case 'secretChanged':
      return `${perKind[kind]}.${kind === 'twilio' ? 'token' : 'password'}.changed`;
    default:
      return `${base}.${change}`;
  }
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Splits ZITADEL's `host:port`; the port must be there (ZITADEL refuses a host without one). */
export function splitHostPort(value: string, field = 'host'): { host: string; port: number } {
  const match = HOST_PORT.exec(value.trim());
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw errors.invalidHost(field);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

function required(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw invalidField(errors.REQUIRED_ID, field, 'is required');
  return trimmed;
}

function emailAddress(value: string, field: string, optional = false): string {
  const trimmed = value.trim();
  if (optional && !trimmed) return '';
  if (!EMAIL.test(trimmed)) throw invalidField(errors.INVALID_EMAIL_ID, field, 'is not an email address');
  return trimmed;
}

/** Validated SMTP settings; the sender address and name and the host are required, as in ZITADEL. */
export function smtpConfig(input: SmtpConfig): SmtpConfig {
  const host = required(input.host, 'host');
  splitHostPort(host);
  return {
    senderAddress: emailAddress(input.senderAddress, 'sender_address'),
    senderName: required(input.senderName, 'sender_name'),
    tls: input.tls,
    host,
    user: input.user.trim(),
    replyToAddress: emailAddress(input.replyToAddress, 'reply_to_address', true),
  };
}

/** An HTTP provider's endpoint: an absolute http(s) URL without credentials. */
export function httpConfig(endpoint: string): HttpConfig {
  const value = required(endpoint, 'endpoint');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.invalidEndpoint();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw errors.invalidEndpoint();
  }
  return { endpoint: value };
}

export function twilioConfig(input: TwilioConfig): TwilioConfig {
  return {
    sid: required(input.sid, 'sid'),
    senderNumber: required(input.senderNumber, 'sender_number'),
    verifyServiceSid: input.verifyServiceSid.trim(),
  };
}

/** The single secret of a kind (SMTP password, Twilio token); HTTP providers have none. */
export function secretField(kind: ProviderKind): string | undefined {
  return kind === 'smtp' ? 'password' : kind === 'twilio' ? 'token' : undefined;
}

/** A value as JSON with object keys sorted: stored jsonb does not keep the order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether two configurations say the same: ZITADEL refuses an update that changes nothing. */
export function sameConfig(a: ProviderConfig, b: ProviderConfig): boolean {
  return canonical(a) === canonical(b);
}

/** Where a test email goes. */
export function receiverAddress(value: string): string {
  return emailAddress(value, 'receiver_address');
}

/** A password or token set on its own must not be empty. */
export function requiredSecret(value: string, field: string): string {
  if (!value) throw invalidField(errors.REQUIRED_ID, field, 'is required');
  return value;
}
