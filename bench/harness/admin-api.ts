import type { BenchTarget } from './types.js';

/** A JSON call to the server's REST API as its admin (setting scenarios up); throws unless it succeeded. */
export async function adminCall(target: BenchTarget, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.adminPat}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}
