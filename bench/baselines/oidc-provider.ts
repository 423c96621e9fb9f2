import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { httpLoad, loopLoad } from '../harness/load.js';
import type { Baseline, LoadOptions, LoadResult } from '../harness/types.js';

const CLIENT = { id: 'bench-client', secret: 'bench-client-secret-0123456789' }; // as oidc-provider-server.ts
const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const FORM = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };

interface MintedTokens {
  readonly accessToken: string;
  readonly refreshTokens: string[];
}

/**
 * Runs the bare provider in its own process (as Portcullis is), for the length of `work`, which
 * gets `options` with the provider's process to split the CPU over.
 */
async function withProvider(
  options: LoadOptions,
  work: (baseUrl: string, tokens: MintedTokens, measured: LoadOptions) => Promise<LoadResult>,
): Promise<LoadResult> {
  const proc = spawn(process.execPath, [resolve(import.meta.dirname, 'oidc-provider-server.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const [port, tokens] = await new Promise<[number, MintedTokens]>((res, rej) => {
      let out = '';
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const port = /listening (\d+)/.exec(out);
        const tokens = /^tokens (.+)\n/m.exec(out);
        if (port && tokens) res([Number(port[1]), JSON.parse(tokens[1]) as MintedTokens]);
      });
      proc.once('exit', (code) => rej(new Error(`oidc-provider baseline exited (${code})`)));
    });
    return await work(`http://127.0.0.1:${port}`, tokens, { ...options, cpuOf: [proc.pid!] });
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
    withProvider(options, async (baseUrl, _tokens, measured) => {
      await clientCredentialsToken(baseUrl); // fails loudly if misconfigured
      return httpLoad(
        { method: 'POST', url: `${baseUrl}/token`, headers: FORM, body: 'grant_type=client_credentials' },
        measured,
      );
    }),
};

/** Bare oidc-provider 9 (memory adapter): token introspection of a client_credentials token. */
export const oidcIntrospection: Baseline = {
  id: 'oidc-introspection',
  name: 'bare oidc-provider: token introspection',
  run: (_t, options: LoadOptions) =>
    withProvider(options, async (baseUrl, _tokens, measured) => {
      const token = await clientCredentialsToken(baseUrl);
      return httpLoad(
        {
          method: 'POST',
          url: `${baseUrl}/token/introspection`,
          headers: FORM,
          body: `token=${encodeURIComponent(token)}`,
        },
        measured,
      );
    }),
};

/** Bare oidc-provider 9 (memory adapter): userinfo with a user's access token. */
export const oidcUserinfo: Baseline = {
  id: 'oidc-userinfo',
  name: 'bare oidc-provider: userinfo',
  run: (_t, options: LoadOptions) =>
    withProvider(options, (baseUrl, tokens, measured) =>
      httpLoad(
        { method: 'GET', url: `${baseUrl}/me`, headers: { authorization: `Bearer ${tokens.accessToken}` } },
        measured,
      ),
    ),
};

/** Bare oidc-provider 9 (memory adapter): refresh_token grant with rotation, one chain per connection. */
export const oidcRefresh: Baseline = {
  id: 'oidc-refresh',
  name: 'bare oidc-provider: refresh token (rotating)',
  run: (_t, options: LoadOptions) =>
    withProvider(options, (baseUrl, tokens, measured) => {
      const chains = [...tokens.refreshTokens];
      return loopLoad(
        async (worker) => {
          const res = await fetch(`${baseUrl}/token`, {
            method: 'POST',
            headers: FORM,
            body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(chains[worker])}`,
          });
          const body = (await res.json()) as { refresh_token?: string; error?: string };
          if (!body.refresh_token) throw new Error(`refresh answered ${res.status}: ${body.error}`);
          chains[worker] = body.refresh_token;
        },
        { ...measured, connections: Math.min(options.connections, chains.length) },
      );
    }),
};
