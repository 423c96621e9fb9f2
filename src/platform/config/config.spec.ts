import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configKeys, ConfigError, envName, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('works with no settings at all (the embedded default)', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.embedded).toBe(true);
    expect(config.patPath).toBe(join(config.dataDir, 'admin.pat'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a YAML file and lets the environment win', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'portcullis.yaml');
    writeFileSync(file, 'port: 9000\nlogLevel: debug\ndatabaseUrl: postgres://db/x\n');
    const config = loadConfig({ PORTCULLIS_PORT: '9100' }, file);
    expect(config.port).toBe(9100);
    expect(config.logLevel).toBe('debug');
    expect(config.embedded).toBe(false);
  });

  it('names every invalid setting by its environment variable', () => {
    expect(() => loadConfig({ PORTCULLIS_PORT: '70000', PORTCULLIS_LOG_LEVEL: 'loud' })).toThrow(
      /PORTCULLIS_PORT[\s\S]*PORTCULLIS_LOG_LEVEL|PORTCULLIS_LOG_LEVEL[\s\S]*PORTCULLIS_PORT/,
    );
    expect(() => loadConfig({ PORTCULLIS_DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
  });

  it('refuses unknown keys in the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'portcullis.yaml');
    writeFileSync(file, 'prot: 1\n');
    expect(() => loadConfig({}, file)).toThrow(/unknown config keys: prot/);
  });

  it('maps keys to PORTCULLIS_ variables', () => {
    expect(envName('adminPatPath')).toBe('PORTCULLIS_ADMIN_PAT_PATH');
  });
});

describe('the README', () => {
  it('documents every setting', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const missing = configKeys()
      .map(envName)
      .filter((name) => {
        if (readme.includes(name)) return false;
        // Grouped rows name the first variable in full and the rest by their suffix.
        const suffix = name.split('_').slice(-1)[0];
        return !readme.includes(`…_${suffix}`);
      });
    expect(missing).toEqual([]);
  });
});
