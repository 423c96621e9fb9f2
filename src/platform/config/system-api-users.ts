import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Roles a system API user may hold (ZITADEL's SystemAuthZ roles). */
export const SYSTEM_ROLES = ['SYSTEM_OWNER', 'SYSTEM_OWNER_VIEWER'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

/** An operator's account on the system API: who may sign system JWTs, with which key and roles. */
export interface SystemApiUser {
  readonly name: string;
  /** RSA public key the user's JWTs are checked with. */
  readonly key: KeyObject;
  readonly roles: readonly SystemRole[];
  /** From an X.509 certificate: its validity bounds the key's. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export type SystemApiUsers = ReadonlyMap<string, SystemApiUser>;

export class SystemApiUsersError extends Error {}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `KeyData` is bytes in ZITADEL's configuration: base64 in JSON. A PEM text given as is (YAML) is
 * accepted too, so either form of the same key works.
 */
function keyBytes(user: string, entry: Raw): Buffer {
  if (typeof entry.Path === 'string' && entry.Path) {
    try {
      return readFileSync(resolve(entry.Path));
    } catch (err) {
      throw new SystemApiUsersError(`${user}: cannot read the key file ${entry.Path}: ${(err as Error).message}`);
    }
  }
  if (typeof entry.KeyData === 'string' && entry.KeyData) {
    const text = entry.KeyData.trim();
    return text.startsWith('-----BEGIN') ? Buffer.from(text) : Buffer.from(text, 'base64');
  }
  throw new SystemApiUsersError(`${user}: needs KeyData (a base64 PEM public key) or Path (a key file)`);
}

/** A PEM public key (PKIX or PKCS#1) or an X.509 certificate, as ZITADEL reads them; RSA only. */
function publicKey(user: string, bytes: Buffer): Pick<SystemApiUser, 'key' | 'notBefore' | 'notAfter'> {
  const pem = bytes.toString('utf8');
  let parsed: Pick<SystemApiUser, 'key' | 'notBefore' | 'notAfter'>;
  try {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) {
      const cert = new X509Certificate(bytes);
      parsed = { key: cert.publicKey, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
    } else {
      parsed = { key: createPublicKey(pem) };
    }
  } catch (err) {
    throw new SystemApiUsersError(`${user}: not a PEM public key or certificate (${(err as Error).message})`);
  }
  if (parsed.key.asymmetricKeyType !== 'rsa')
    throw new SystemApiUsersError(`${user}: the key must be an RSA key, not ${parsed.key.asymmetricKeyType}`);
  return parsed;
}

/**
 * ZITADEL's memberships of a system user, without any: SYSTEM_OWNER. Only system memberships are
 * taken: a system user acts on the system API (instances, their domains and members) and nowhere
 * else, so IAM and organization memberships are refused rather than silently ignored.
 */
function roles(user: string, memberships: unknown): SystemRole[] {
  if (memberships === undefined || (Array.isArray(memberships) && memberships.length === 0)) return ['SYSTEM_OWNER'];
  if (!Array.isArray(memberships)) throw new SystemApiUsersError(`${user}: Memberships must be a list`);
  const out = new Set<SystemRole>();
  memberships.forEach((m, i) => {
    if (!isObject(m)) throw new SystemApiUsersError(`${user}: Memberships[${i}] must be an object`);
    if (m.MemberType !== 'System')
      throw new SystemApiUsersError(
        `${user}: Memberships[${i}].MemberType must be "System" (system users reach the system API only)`,
      );
    const given = m.Roles;
    if (!Array.isArray(given) || given.length === 0)
      throw new SystemApiUsersError(`${user}: Memberships[${i}].Roles must name at least one role`);
    for (const role of given) {
      if (!SYSTEM_ROLES.includes(role as SystemRole))
        throw new SystemApiUsersError(
          `${user}: Memberships[${i}].Roles: unknown role ${JSON.stringify(role)} (${SYSTEM_ROLES.join(', ')})`,
        );
      out.add(role as SystemRole);
    }
  });
  return [...out];
}

/**
 * `PORTCULLIS_SYSTEMAPIUSERS`, ZITADEL's `SystemAPIUsers`: a JSON object (or, from the YAML file,
 * the object itself) from user name to `{ KeyData | Path, Memberships? }`. Every key is read and
 * checked here, once at boot, so a bad entry stops the start rather than the first call.
 */
export function parseSystemApiUsers(value: string | Raw | undefined): SystemApiUsers {
  if (value === undefined || value === '') return new Map();
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch (err) {
      throw new SystemApiUsersError(`not JSON: ${(err as Error).message}`);
    }
  }
  if (!isObject(raw)) throw new SystemApiUsersError('must be an object from user name to {"KeyData": …}');
  const users = new Map<string, SystemApiUser>();
  for (const [name, entry] of Object.entries(raw)) {
    if (!name.trim()) throw new SystemApiUsersError('a user name must not be empty');
    if (!isObject(entry)) throw new SystemApiUsersError(`${name}: must be an object with KeyData or Path`);
    const unknown = Object.keys(entry).filter((k) => !['KeyData', 'Path', 'Memberships'].includes(k));
    if (unknown.length) throw new SystemApiUsersError(`${name}: unknown keys ${unknown.join(', ')}`);
    users.set(
      name,
      Object.freeze({ name, ...publicKey(name, keyBytes(name, entry)), roles: roles(name, entry.Memberships) }),
    );
  }
  return users;
}
