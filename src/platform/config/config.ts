import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsJSON,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { parseNetworks } from '../http/address-rules.js';
import { parseSystemApiUsers, SystemApiUsersError, type SystemApiUsers } from './system-api-users.js';

/** Each configuration's system API users, parsed (keys read) once. */
const parsedSystemUsers = new WeakMap<object, SystemApiUsers>();

function isOutboundAllowance(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === 'true' || value === 'false') return true;
  try {
    return parseNetworks(value).length > 0;
  } catch {
    return false;
  }
}

/**
 * Every setting Portcullis reads. Each key is read from `PORTCULLIS_<SNAKE_CASE>` or from the YAML
 * file given with `--config` (same key in camelCase); the environment wins. Defaults make the
 * embedded single-binary start work with no configuration at all.
 */
export class Config {
  /** Port every transport is served on. */
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;

  /** Address to bind. */
  @IsString()
  host = '0.0.0.0';

  /** The URL users reach the first instance at; its host becomes the instance's domain. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  externalUrl = 'http://localhost:8080';

  /**
   * Base of the login UI that OIDC auth requests and SAML requests are sent to
   * (`<base>/login?authRequest=<id>`): a path on the instance's own URL, or an absolute URL for a
   * separately hosted login. An app's own login base URI (login v2 settings) wins.
   */
  @IsString()
  @Matches(/^(\/|https?:\/\/)/, { message: 'loginUiUrl must be a path starting with / or an http(s) URL' })
  loginUiUrl = '/ui/v2/login';

  /** Hosts accepted for the first instance besides the external URL's (comma separated). */
  @IsString()
  trustedDomains = 'localhost,127.0.0.1,[::1]';

  /** PostgreSQL connection URL; unset runs an embedded PostgreSQL in the data dir. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'databaseUrl must be a postgres:// URL' })
  databaseUrl?: string;

  /** Where the embedded database, generated master key and admin PAT live. */
  @IsString()
  @MinLength(1)
  dataDir = './.data';

  /** 32-byte master key for reversible secrets (required with an external database). */
  @IsOptional()
  @IsString()
  masterkey?: string;

  @IsString()
  @MinLength(1)
  adminUsername = 'admin';

  @IsString()
  @MinLength(1)
  adminPassword = 'Password1!';

  /** Where the bootstrap machine user's PAT is written (default `<dataDir>/admin.pat`). */
  @IsOptional()
  @IsString()
  adminPatPath?: string;

  @IsString()
  @MinLength(1)
  instanceName = 'Portcullis';

  @IsString()
  @MinLength(1)
  defaultOrgName = 'Portcullis';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  /** Port for org domain HTTP challenges instead of https:443 then http:80 (proxies, tests). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  domainChallengeHttpPort?: number;

  /**
   * DNS servers (host or host:port, comma separated) for org domain DNS challenges and for the
   * host names of user-given URLs the server fetches; default the system's resolver.
   */
  @IsOptional()
  @IsString()
  dnsServers?: string;

  /**
   * For tests only: a JSON object from a named identity provider kind (`google`, `azureAd`,
   * `github`, `gitlab`, `apple`) to the base URL that replaces its fixed upstream (issuer or
   * origin), so tests can point them at a local upstream. Not settable through the API.
   */
  @IsOptional()
  @IsJSON()
  idpTestEndpoints?: string;

  /** Seconds to drain in-flight requests on SIGTERM. */
  @IsInt()
  @Min(0)
  shutdownGraceSeconds = 10;

  /** SMTP server for email notifications; email is a configured channel when this is set. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  smtpHost?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  smtpPort = 587;

  /** SMTP login (AUTH PLAIN/LOGIN); none when unset. */
  @IsOptional()
  @IsString()
  smtpUser?: string;

  @IsOptional()
  @IsString()
  smtpPassword?: string;

  /** Sender of notification emails (RFC 5322 mailbox). */
  @IsOptional()
  @IsString()
  @MinLength(3)
  smtpFrom = 'Portcullis <no-reply@localhost>';

  /** `starttls` (upgrade required), `tls` (implicit TLS, usually port 465) or `none` (plain, local relays only). */
  @IsOptional()
  @IsIn(['starttls', 'tls', 'none'])
  smtpTls = 'starttls';

  /** SMS delivery: `webhook` POSTs to PORTCULLIS_SMS_WEBHOOK_URL; `log` only logs (development). */
  @IsOptional()
  @IsIn(['webhook', 'log'])
  smsProvider = 'webhook';

  /** Receives `{"to","text","template"}` as JSON for every SMS; SMS is a configured channel when set. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  smsWebhookUrl?: string;

  /** Sent to the SMS webhook as `Authorization: Bearer <token>`. */
  @IsOptional()
  @IsString()
  smsWebhookToken?: string;

  /**
   * Base URL of Twilio's REST API, for instances whose active SMS provider is Twilio. Only a
   * Twilio-compatible gateway or a test double would change it.
   */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  twilioApiUrl = 'https://api.twilio.com';

  /**
   * Which non-public addresses server-side fetches of user-given URLs (SAML SP metadata, org
   * domain HTTP challenges) may reach: `false` none (the default: such URLs could probe the
   * internal network), `true` loopback, private, link-local … (development), or a comma-separated
   * list of networks (`10.1.2.0/24,fd00:1::7`) to allow just those, e.g. an internal SAML SP.
   * Cloud metadata addresses are refused unless listed.
   */
  @ValidateBy({
    name: 'outboundAllowance',
    validator: {
      validate: isOutboundAllowance,
      defaultMessage: () =>
        'outboundAllowPrivate must be true, false, or comma-separated IP addresses or networks (10.0.0.0/8)',
    },
  })
  outboundAllowPrivate = 'false';

  /**
   * Whether every OIDC authorization request must be pushed first (RFC 9126, `/oauth/v2/par`):
   * a plain authorize request is then refused. For every app of every instance of this server.
   */
  @IsIn(['true', 'false'])
  oidcRequirePar = 'false';

  /**
   * Whether every DPoP proof must carry a server nonce (RFC 9449 §8): a proof without one is
   * answered `use_dpop_nonce` with a `DPoP-Nonce` to retry with. Off: a proof may rely on its iat
   * (within 5 minutes); nonces are handed out either way.
   */
  @IsIn(['true', 'false'])
  dpopRequireNonce = 'false';

  /** Delivery attempts of one notification before it is marked failed. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  notificationMaxAttempts = 10;

  /** First retry delay in seconds; it doubles with every failed attempt (capped at an hour). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  notificationRetrySeconds = 5;

  /** Delivery attempts of one event to an Actions v2 event execution's targets before it is dropped. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  actionsEventMaxAttempts = 10;

  /** First retry delay of an event delivery in seconds; it doubles with every failed attempt (capped at an hour). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  actionsEventRetrySeconds = 5;

  /** argon2id memory cost of new password hashes, in KiB (default: OWASP's minimum, 19 MiB). */
  @IsInt()
  @Min(8)
  @Max(4194304)
  passwordHashMemoryKib = 19456;

  /** argon2id passes over memory (time cost) of new password hashes. */
  @IsInt()
  @Min(1)
  @Max(100)
  passwordHashIterations = 2;

  /** argon2id lanes of new password hashes. */
  @IsInt()
  @Min(1)
  @Max(255)
  passwordHashParallelism = 1;

  /**
   * Requests per minute per client IP (and burst size) on the credential endpoints
   * (SessionService CreateSession/SetSession); 0 turns the limit off. Kept per process in memory.
   */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  rateLimitPerMinute = 600;

  /**
   * ZITADEL's `SystemAPIUsers` (env `PORTCULLIS_SYSTEMAPIUSERS`, ZITADEL's spelling): JSON from
   * user name to `{"KeyData": "<base64 PEM public key>"}` or `{"Path": "<key file>"}`, with
   * optional `Memberships` (system owner by default). Unset: the system API refuses every call.
   */
  @IsOptional()
  systemApiUsers?: string | Record<string, unknown>;

  /** The system API users, their keys read and checked (at boot, by loadConfig). */
  get systemUsers(): SystemApiUsers {
    let users = parsedSystemUsers.get(this);
    if (!users) parsedSystemUsers.set(this, (users = parseSystemApiUsers(this.systemApiUsers)));
    return users;
  }

  get patPath(): string {
    return this.adminPatPath ?? join(this.dataDir, 'admin.pat');
  }

  get embedded(): boolean {
    return !this.databaseUrl;
  }
}

export class ConfigError extends Error {}

const NUMERIC_KEYS = new Set([
  'passwordHashMemoryKib',
  'passwordHashIterations',
  'passwordHashParallelism',
  'rateLimitPerMinute',
  'port',
  'shutdownGraceSeconds',
  'domainChallengeHttpPort',
  'smtpPort',
  'notificationMaxAttempts',
  'notificationRetrySeconds',
  'actionsEventMaxAttempts',
  'actionsEventRetrySeconds',
]);

/** Keys whose variable keeps ZITADEL's spelling rather than the snake case of the key. */
const ENV_NAMES: Readonly<Record<string, string>> = { systemApiUsers: 'PORTCULLIS_SYSTEMAPIUSERS' };

export function envName(key: string): string {
  return ENV_NAMES[key] ?? 'PORTCULLIS_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** Keys of Config that are settings (own data properties), in declaration order. */
export function configKeys(): string[] {
  return Object.keys(new Config())
    .concat([
      'databaseUrl',
      'masterkey',
      'adminPatPath',
      'domainChallengeHttpPort',
      'dnsServers',
      'idpTestEndpoints',
      'smtpHost',
      'smtpUser',
      'smtpPassword',
      'smsWebhookUrl',
      'smsWebhookToken',
      'systemApiUsers',
    ])
    .filter((k, i, all) => all.indexOf(k) === i);
}

/** The YAML parser, loaded only when a config file is given (most deployments use the environment). */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

/**
 * Builds the configuration once at boot: YAML file (optional), then environment, then
 * validation. Invalid settings fail fast with every problem named.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, configFile?: string): Readonly<Config> {
  const raw: Record<string, unknown> = {};
  if (configFile) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(configFile, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file ${configFile}: ${(err as Error).message}`);
    }
    if (parsed && typeof parsed === 'object') Object.assign(raw, parsed);
  }
  for (const key of configKeys()) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const key of NUMERIC_KEYS) {
    if (typeof raw[key] === 'string' && /^\d+$/.test(raw[key] as string)) raw[key] = Number(raw[key]);
  }
  const unknown = Object.keys(raw).filter((k) => !configKeys().includes(k));
  if (unknown.length) throw new ConfigError(`unknown config keys: ${unknown.join(', ')}`);

  const config = plainToInstance(Config, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${envName(e.property)}: ${m}`));
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (!isAbsolute(config.dataDir)) config.dataDir = resolve(config.dataDir);
  try {
    void config.systemUsers;
  } catch (err) {
    if (!(err instanceof SystemApiUsersError)) throw err;
    throw new ConfigError(`invalid configuration:\n  ${envName('systemApiUsers')}: ${err.message}`);
  }
  return Object.freeze(config);
}
