import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { CONSOLE_BASE } from './console-rules.js';

/**
 * The console's static files: its own browser modules (src/console/web, copied beside the
 * compiled server by `npm run build`) and the few library modules it imports, read from
 * node_modules and named in an import map. Every URL carries a version (the libraries' package
 * versions, a hash of the console's files), so the browser may keep them for a year. Each file is
 * kept compressed (brotli, gzip) once per process.
 */

/** A library module the console imports by bare specifier. */
interface Vendored {
  readonly specifier: string;
  readonly pkg: string;
  readonly file: string;
  /** The package that depends on it, where npm may have installed it instead of at the top. */
  readonly of?: string;
}

const VENDORED: readonly Vendored[] = [
  { specifier: 'preact', pkg: 'preact', file: 'dist/preact.module.js' },
  { specifier: 'preact/hooks', pkg: 'preact', file: 'hooks/dist/hooks.module.js' },
  { specifier: 'htm', pkg: 'htm', file: 'dist/htm.module.js' },
  { specifier: 'oidc-client-ts', pkg: 'oidc-client-ts', file: 'dist/esm/oidc-client-ts.js' },
  { specifier: 'jwt-decode', pkg: 'jwt-decode', file: 'build/esm/index.js', of: 'oidc-client-ts' },
];

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  readonly type: string;
  readonly identity: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

export interface ConsoleAssets {
  /** URL path -> file; every path is versioned. */
  readonly files: ReadonlyMap<string, Asset>;
  /** The import map's JSON, as written into the page (and hashed into its CSP). */
  readonly importMap: string;
  readonly importMapHash: string;
  /** URL of the console's entry module, stylesheet and icon. */
  readonly entry: string;
  readonly stylesheet: string;
  readonly icon: string;
  /** The library modules, for <link rel="modulepreload">. */
  readonly preload: readonly string[];
}

/** The folder of the console's browser files, beside this module both in src/ (tests) and dist/src/ (build). */
export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

function asset(name: string, body: Buffer): Asset {
  const ext = name.slice(name.lastIndexOf('.'));
  return {
    type: TYPES[ext] ?? 'application/octet-stream',
    identity: body,
    gzip: gzipSync(body),
    br: brotliCompressSync(body),
  };
}

/**
 * The root folder and version of an installed package (its entry resolved, then up to its
 * package.json), looked up from the package that depends on it when one is named.
 */
function packageRoot(pkg: string, of?: string): { root: string; version: string } {
  const from = of ? join(packageRoot(of).root, 'package.json') : import.meta.url;
  let dir = dirname(createRequire(from).resolve(pkg));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (manifest.name === pkg) return { root: dir, version: manifest.version };
    } catch {
      // no package.json at this level
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`console: cannot find the package ${pkg}`);
    dir = up;
  }
}

/** Drops the source map reference: the maps are not served, and a browser with tools open would ask for them. */
const withoutSourceMap = (text: string) => text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');

export function loadConsoleAssets(webDir: string = WEB_DIR): ConsoleAssets {
  const files = new Map<string, Asset>();
  const imports: Record<string, string> = {};
  for (const v of VENDORED) {
    const { root, version } = packageRoot(v.pkg, v.of);
    const url = `${CONSOLE_BASE}/vendor/${v.pkg}@${version}/${v.file}`;
    files.set(url, asset(v.file, Buffer.from(withoutSourceMap(readFileSync(join(root, v.file), 'utf8')))));
    imports[v.specifier] = url;
  }
  const own = readdirSync(webDir, { recursive: true, withFileTypes: true })
    // Only what a browser loads (its scripts, styles, icon): never its type declarations or tsconfig.
    .filter((e) => e.isFile() && Object.hasOwn(TYPES, e.name.slice(e.name.lastIndexOf('.'))))
    .map((e) => join(e.parentPath, e.name).slice(webDir.length).replaceAll('\\', '/'))
    .sort();
  const bodies = own.map((name) => [name, readFileSync(join(webDir, name))] as const);
  const version = createHash('sha256');
  for (const [name, body] of bodies) version.update(name).update('\0').update(body).update('\0');
  const base = `${CONSOLE_BASE}/app/${version.digest('hex').slice(0, 16)}/`;
  for (const [name, body] of bodies) files.set(base + name, asset(name, body));
  const importMap = JSON.stringify({ imports });
  return {
    files,
    importMap,
    importMapHash: createHash('sha256').update(importMap).digest('base64'),
    entry: `${base}main.js`,
    stylesheet: `${base}console.css`,
    icon: `${base}icon.svg`,
    preload: Object.values(imports),
  };
}

/** The encoding to answer with, from the request's Accept-Encoding. */
export function encodingFor(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  const offered = (acceptEncoding ?? '')
    .split(',')
    .map((p) => p.trim().split(';'))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
    .map(([name]) => name.trim().toLowerCase());
  if (offered.includes('br')) return 'br';
  if (offered.includes('gzip')) return 'gzip';
  return 'identity';
}
