import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/config.js';
import { MasterKey } from './master-key.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * PORTCULLIS_MASTERKEY when set. On the embedded default a key is generated once into the data
 * dir (with a warning: whoever reads the data dir reads the secrets). An external database
 * requires the key, so secrets never sit next to the data they protect by accident.
 */
export function resolveMasterKey(config: Config, embedded: boolean, log: Logger): MasterKey {
  if (config.masterkey) return MasterKey.fromString(config.masterkey);
  if (!embedded) {
    throw new ConfigError(
      'PORTCULLIS_MASTERKEY (32 bytes) is required with an external database (PORTCULLIS_DATABASE_URL)',
    );
  }
  const file = join(config.dataDir, 'masterkey');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    const key = Array.from(randomBytes(32), (b) => ALPHABET[b % ALPHABET.length]).join('');
    writeFileSync(file, key, { mode: 0o600 });
    log.warn({ file }, 'generated a master key into the data dir; set PORTCULLIS_MASTERKEY in production');
  }
  return MasterKey.fromString(readFileSync(file, 'utf8').trim());
}
