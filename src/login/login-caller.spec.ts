import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const LOGIN = join(process.cwd(), 'src', 'login');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The modules a file imports values from (`import type` brings in no code). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((m) => m[1]!);
}

const files = sources(LOGIN).map((path) => ({ path, name: relative(LOGIN, path).split('\\').join('/') }));

describe('the login pages act as the login client, never the system', () => {
  it('the scan sees the HTTP edge and every flow (a scan of nothing would pass)', () => {
    const names = files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['http/login-http.ts', 'flows/page-kit.ts', 'flows/page-routes.ts']));
    expect(names.filter((n) => n.startsWith('flows/')).length).toBeGreaterThanOrEqual(15);
  });

  it('only the HTTP edge builds a caller, and it builds the login client', () => {
    const builders = files.filter((f) => /\bloginClientCaller\(/.test(readFileSync(f.path, 'utf8'))).map((f) => f.name);
    expect(builders).toEqual(['http/login-http.ts']);
  });

  it.each(files.map((f) => [f.name, f.path]))(
    '%s has no caller but the request one: no call-context values, no bootstrap, no system caller',
    (_name, path) => {
      const imports = valueImports(path);
      expect(imports.filter((m) => /platform\/rpc\/call-context\.js$|\/bootstrap\//.test(m))).toEqual([]);
      expect(readFileSync(path, 'utf8')).not.toMatch(/\bsystemCaller\b|\bsystem:\s*true\b/);
    },
  );
});
