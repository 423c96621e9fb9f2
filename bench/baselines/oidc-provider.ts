import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { httpLoad } from '../harness/load.js';
import type { Baseline, LoadOptions, LoadResult } from '../harness/types.js';

const CLIENT = { id: 'bench-client', secret: 'bench-client-secret-0123456789' }; // as oidc-provider-server.ts
const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const FORM = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };

/** Runs the bare provider in its own process (as Portcullis is), for the length of `work`. */
async function withProvider(work: (baseUrl: string) => Promise<LoadResult>): Promise<LoadResult> {
  const proc = spawn(process.execPath, [resolve(import.meta.dirname, 'oidc-provider-server.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((res, rej) => {
      let out = '';
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) res(Number(m[1]));
      });
      proc.once('exit', (code) => rej(new Error(`oidc-provider baseline exited (${code})`)));
    });
    return await work(`http://127.0.0.1:${port}`);
  } finally {
    proc.kill('SIGTERM');
  }
}

async function clientCredentialsToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/token`, { method: 'POST', headers: FORM, body: 'grant_type=client_credentials' });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Bare oidc-provider 9 (memory adapter): client_credentials grant at the token endpoint. */
export const oidcClientCredentials: Baseline = {
  id: 'oidc-client-credentials',
  name: 'bare oidc-provider: client_credentials token',
  run: (_t, options: LoadOptions) =>
    withProvider(async (baseUrl) => {
      await clientCredentialsToken(baseUrl); // fails loudly if misconfigured
      return httpLoad({ method: 'POST', url: `${baseUrl}/token`, headers: FORM, body: 'grant_type=client_credentials' }, options);
    }),
};

/** Bare oidc-provider 9 (memory adapter): token introspection of a client_credentials token. */
export const oidcIntrospection: Baseline = {
  id: 'oidc-introspection',
  name: 'bare oidc-provider: token introspection',
  run: (_t, options: LoadOptions) =>
    withProvider(async (baseUrl) => {
      const token = await clientCredentialsToken(baseUrl);
      return httpLoad({ method: 'POST', url: `${baseUrl}/token/introspection`, headers: FORM, body: `token=${encodeURIComponent(token)}` }, options);
    }),
};
