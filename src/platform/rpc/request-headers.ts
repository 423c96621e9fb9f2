/**
 * Node's headers as WHATWG Headers for the interceptors. HTTP/2 pseudo-headers are not valid
 * header names there; `:authority` stands in for a missing `host` (RFC 9113 §8.3.1).
 */
export function toWhatwgHeaders(incoming: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const authority = incoming[':authority'];
  if (!headers.has('host') && typeof authority === 'string') headers.set('host', authority);
  return headers;
}
