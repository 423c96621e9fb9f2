/**
 * Which hosts a request names. A login UI that runs on another domain (ZITADEL's Login V2 behind
 * its proxy) calls the server on its own connection and names the instance it acts for in
 * `x-zitadel-instance-host`, and the host its users see in `x-zitadel-public-host` (ZITADEL's
 * `http.DomainCtx`: InstanceHost, PublicHost). The instance comes from the instance host; issuers
 * and links are built on the public host, falling back to the instance host.
 */
export const INSTANCE_HOST_HEADER = 'x-zitadel-instance-host';
export const PUBLIC_HOST_HEADER = 'x-zitadel-public-host';

/** `host[:port]` as it may stand in a URL's authority, lower case, and its host name alone. */
export interface Authority {
  /** `example.com:8443`, `[::1]:8080`: what issuers and links are built on. */
  readonly authority: string;
  /** `example.com`, `[::1]`: what instance domains are matched against. */
  readonly name: string;
}

export interface RequestHosts {
  readonly instance: Authority | undefined;
  readonly public: Authority | undefined;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;

/**
 * A Host header (or one of the two headers above) as an authority, or undefined when it is not
 * exactly `host[:port]`: a value with a path, user info, spaces or a second host would otherwise
 * travel into issuers and emailed links (`good.example:80/evil` has the host name of a domain).
 */
export function parseAuthority(value: string | null | undefined): Authority | undefined {
  const text = (value ?? '').trim().toLowerCase();
  if (!text) return undefined;
  const close = text.startsWith('[') ? text.indexOf(']') : -1;
  const colon = close >= 0 ? (text[close + 1] === ':' ? close + 1 : -1) : text.lastIndexOf(':');
  const name = colon >= 0 ? text.slice(0, colon) : text;
  const port = colon >= 0 ? text.slice(colon + 1) : undefined;
  if (close >= 0 ? !IPV6_LITERAL.test(name) || (colon < 0 && text.length !== close + 1) : !DNS_NAME.test(name))
    return undefined;
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return undefined;
  return { authority: text, name };
}

/** The first value of a header that may have been sent twice. */
function single(value: string | readonly string[] | null | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : (value as string | null | undefined);
  return first?.split(',')[0];
}

/**
 * The hosts a request names: the instance host from `x-zitadel-instance-host`, else the
 * connection's Host (HTTP/2 `:authority`); the public host from `x-zitadel-public-host` when sent.
 * A header that is present but not an authority makes that host undefined (refused), never a
 * fall-back to another header.
 */
export function requestHosts(
  header: (name: string) => string | readonly string[] | null | undefined,
  connectionHost: string | undefined,
): RequestHosts {
  const instanceHeader = single(header(INSTANCE_HOST_HEADER));
  const publicHeader = single(header(PUBLIC_HOST_HEADER));
  return {
    instance: parseAuthority(instanceHeader?.trim() ? instanceHeader : connectionHost),
    public: publicHeader?.trim() ? (parseAuthority(publicHeader) ?? INVALID) : undefined,
  };
}

/** A public host header that was sent but is no authority: never matches a domain. */
const INVALID: Authority = Object.freeze({ authority: '', name: '' });

/** The host of a Node request: `Host`, or HTTP/2's `:authority` (RFC 9113 §8.3.1). */
export function connectionHostOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers.host ?? headers[':authority'];
  return typeof value === 'string' ? value : undefined;
}
