import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(process.cwd(), 'src');
/**
 * Where the all-powerful system caller may be built: its definition, the bootstrap, the setup of
 * a new instance (which has no principal yet), and the system API's edges, which act inside an
 * instance for a system API user whose JWT and system permission the pipeline has checked; and
 * action functions, which set the metadata an instance owner's own target answered, on the one
 * user the token or assertion is about (ZITADEL's command sets it with no caller check either).
 */
const ALLOWED = [
  /^platform\/rpc\/call-context\.ts$/,
  /^bootstrap\//,
  /^instances\/instance-setup\.service\.ts$/,
  /^instances\/system-instances\.service\.ts$/,
  /^internal-permissions\/internal-permissions-v1\.handler\.ts$/,
  /^actions\/function-executions\.ts$/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gen' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('systemCaller', () => {
  it('is used by the bootstrap, instance setup and system API edges only: other request-serving code (the login pages, SAML logout, services) acts as a principal that authorize() checks', () => {
    const offenders = sources(SRC)
      .map((path) => relative(SRC, path).split('\\').join('/'))
      .filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))
      .filter((file) =>
        /\bsystemCaller\b|\bcallerForSystem\b|\bsystem:\s*true\b/.test(readFileSync(join(SRC, file), 'utf8')),
      );
    expect(offenders).toEqual([]);
  });

  it('the scan sees the files it guards (a scan of nothing would pass)', () => {
    const files = sources(SRC).map((path) => relative(SRC, path).split('\\').join('/'));
    expect(files).toEqual(
      expect.arrayContaining([
        'login/http/login-http.ts',
        'login/flows/page-kit.ts',
        'saml/saml-logout.service.ts',
        'bootstrap/first-instance.service.ts',
      ]),
    );
  });
});
