// The server's own version, as its package.json names it: what ZITADEL answers as an instance's
// `version` (its build version), read once from the package this file belongs to.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function ownVersion(): string {
  // src/platform/build/ and dist/src/platform/build/ both sit below the package's root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
      if (manifest.version) return manifest.version;
    } catch {
      // no package.json at this level
    }
    const up = dirname(dir);
    if (up === dir) return '';
    dir = up;
  }
}

export const SERVER_VERSION = ownVersion();
