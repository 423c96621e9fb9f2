// The public API over Connect's JSON protocol (POST /<service>/<method>) with the user's access
// token, exactly as any other client calls it; failures become ApiError in the API's own words.

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} code Connect code, e.g. permission_denied
   * @param {string} message the server's message without the id
   * @param {string | undefined} id the error's stable id, e.g. USER-7hq2k
   */
  constructor(status, code, message, id) {
    super(message);
    this.status = status;
    this.code = code;
    this.id = id;
  }
}

/** @type {() => Promise<string | undefined>} */
let tokenSource = async () => undefined;
/** @type {() => void} */
let onUnauthenticated = () => {};

/**
 * @param {() => Promise<string | undefined>} source the access token to send
 * @param {() => void} expired what to do when the API no longer takes it (sign in again)
 */
export function useTokens(source, expired) {
  tokenSource = source;
  onUnauthenticated = expired;
}

/**
 * @param {string} method `<package>.<Service>/<Method>`
 * @param {unknown} [body]
 * @param {{ orgId?: string }} [options] the org context of the v1 APIs (x-zitadel-orgid)
 * @returns {Promise<any>}
 */
export async function call(method, body = {}, options = {}) {
  const token = await tokenSource();
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', 'connect-protocol-version': '1' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.orgId) headers['x-zitadel-orgid'] = options.orgId;
  let res;
  try {
    res = await fetch(`/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'unavailable', '', undefined);
  }
  const text = await res.text();
  /** @type {any} */
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (res.ok) return json;
  if (res.status === 401) onUnauthenticated();
  const message = String(json.message ?? res.statusText);
  // ZITADEL's messages end with the error id in parentheses: "user not found (USER-7hq2k)".
  const match = /^(.*?)\s*\(([A-Za-z0-9]+-[A-Za-z0-9]+)\)$/.exec(message);
  throw new ApiError(res.status, String(json.code ?? 'unknown'), match ? match[1] : message, match?.[2]);
}

/**
 * The list paging of a page number (from 0) of `size`, ascending unless `asc` is false.
 * @param {number} page @param {number} size @param {boolean} [asc]
 */
export const listQuery = (page, size, asc = true) => ({ offset: String(page * size), limit: size, asc });

/**
 * Text from a `bytes` field, which Connect's JSON carries as base64.
 * @param {string} base64 @returns {string}
 */
export const textOfBytes = (base64) => new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));

/**
 * Text (UTF-8) as a `bytes` field's base64.
 * @param {string} text @returns {string}
 */
export function bytesOfText(text) {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}
