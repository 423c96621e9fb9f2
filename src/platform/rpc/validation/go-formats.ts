// Well-known string formats (IP, hostname, email, URI), decided as Go's standard library decides
// them, since PGV's generated Go code calls it: the same string passes or fails on both sides.

/** A UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the byte count. */
const exceedsBytes = (s: string, max: number): boolean => s.length * 3 > max && Buffer.byteLength(s, 'utf8') > max;

/** Go's net.ParseIP: 4 for IPv4 (or IPv4-mapped IPv6), 6 for other IPv6, undefined if neither. */
export function ipFamily(s: string): 4 | 6 | undefined {
  if (parseIPv4(s)) return 4;
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? 4 : 6;
}

/** Dotted decimal, four octets, no leading zeros (Go ≥ 1.17 refuses them as ambiguous octal). */
function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^(0|[1-9][0-9]{0,2})$/.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** RFC 4291 text form: 8 groups, one `::`, an optional dotted IPv4 tail; no zone (`%eth0`). */
function parseIPv6(s: string): Uint8Array | undefined {
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 1) >= 0) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const [i, g] of groups.entries()) {
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = words(gap < 0 ? s : s.slice(0, gap));
  const tail = gap < 0 ? [] : words(s.slice(gap + 2));
  if (!head || !tail) return undefined;
  // An IPv4 tail may only end the address.
  if (gap >= 0 && head.length && s.slice(0, gap).includes('.')) return undefined;
  const used = head.length + tail.length;
  if (gap < 0 ? used !== 8 : used > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - used).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

export function isV4Mapped(ip: Uint8Array): boolean {
  return ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}

/** PGV's _validateHostname (RFC 1034 labels, ASCII only, one trailing dot allowed). */
export function isHostname(host: string): boolean {
  if (exceedsBytes(host, 253)) return false;
  return HOST_LABELS.test((host.endsWith('.') ? host.slice(0, -1) : host).toLowerCase());
}

/** Dot-separated labels of 1-63 of [a-z0-9-], not starting or ending with '-'. */
const HOST_LABELS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** PGV's _validateEmail: Go's mail.ParseAddress, then length limits and a hostname domain. */
export function isEmail(s: string): boolean {
  const addr = parseMailAddress(s);
  if (addr === undefined || exceedsBytes(addr, 254)) return false;
  const at = addr.indexOf('@');
  return !exceedsBytes(addr.slice(0, at), 64) && isHostname(addr.slice(at + 1));
}

interface Cursor {
  s: string;
  i: number;
}

/**
 * RFC 5322 mailbox as Go's net/mail accepts it: `addr-spec`, optionally followed by a
 * `(display name)` comment, or `phrase <addr-spec>`. Returns the bare address.
 * Not covered: group syntax (`team: a@b.c;`) and RFC 2047 decoding errors in display names.
 */
function parseMailAddress(s: string): string | undefined {
  const p: Cursor = { s, i: 0 };
  skipSpace(p);
  if (p.i >= s.length) return undefined;
  let addr = consumeAddrSpec(p);
  if (addr !== undefined) {
    skipSpace(p);
    if (s[p.i] === '(') {
      p.i++;
      if (!consumeComment(p)) return undefined;
    }
  } else {
    if (s[p.i] !== '<' && !consumePhrase(p)) return undefined;
    skipSpace(p);
    if (s[p.i] !== '<') return undefined;
    p.i++;
    addr = consumeAddrSpec(p);
    if (addr === undefined || s[p.i] !== '>') return undefined;
    p.i++;
  }
  return skipCFWS(p) && p.i === s.length ? addr : undefined;
}

// Scanning works on UTF-16 units: every unit of a non-ASCII character is >= 0x80 and passes as
// VCHAR (RFC 6532), exactly as the whole code point does in Go.
const isWSP = (code: number): boolean => code === 0x20 || code === 0x09;

const isVchar = (code: number): boolean => (code >= 0x21 && code <= 0x7e) || code >= 0x80;

const SPECIALS = new Set([...'()<>[]:;@\\,"'].map((c) => c.charCodeAt(0)));

const isAtext = (code: number): boolean => code === 0x2e || (isVchar(code) && !SPECIALS.has(code));

function skipSpace(p: Cursor): void {
  while (isWSP(p.s.charCodeAt(p.i))) p.i++;
}

function skipCFWS(p: Cursor): boolean {
  skipSpace(p);
  while (p.s[p.i] === '(') {
    p.i++;
    if (!consumeComment(p)) return false;
    skipSpace(p);
  }
  return true;
}

/** After '(': nested comments, backslash escapes; false when unterminated. */
function consumeComment(p: Cursor): boolean {
  let depth = 1;
  while (p.i < p.s.length && depth > 0) {
    const c = p.s[p.i];
    if (c === '\\' && p.i + 1 < p.s.length) p.i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    p.i++;
  }
  return depth === 0;
}

function consumeAtom(p: Cursor, permissive: boolean): string | undefined {
  const start = p.i;
  while (isAtext(p.s.charCodeAt(p.i))) p.i++;
  const atom = p.s.slice(start, p.i);
  const malformed = atom === '' || (!permissive && (atom.startsWith('.') || atom.endsWith('.') || atom.includes('..')));
  if (!malformed) return atom;
  p.i = start;
  return undefined;
}

function consumeQuotedString(p: Cursor): string | undefined {
  const start = p.i;
  let text = '';
  for (p.i++; p.i < p.s.length; p.i++) {
    const code = p.s.charCodeAt(p.i);
    if (code === 0x22) {
      p.i++;
      return text;
    }
    // quoted-pair = "\" (VCHAR / WSP); qtext is VCHAR but '"' and '\', which are handled here.
    if (code === 0x5c) p.i++;
    const c = p.s.charCodeAt(p.i);
    if (!isVchar(c) && !isWSP(c)) break;
    text += p.s[p.i];
  }
  p.i = start;
  return undefined;
}

/** local-part "@" domain; restores the cursor on failure. */
function consumeAddrSpec(p: Cursor): string | undefined {
  const start = p.i;
  const fail = (): undefined => {
    p.i = start;
    return undefined;
  };
  skipSpace(p);
  if (p.i >= p.s.length) return fail();
  const local = p.s[p.i] === '"' ? consumeQuotedString(p) : consumeAtom(p, false);
  if (!local || p.s[p.i] !== '@') return fail();
  p.i++;
  skipSpace(p);
  let domain: string | undefined;
  if (p.s[p.i] === '[') {
    // A domain literal parses, but never passes the hostname check that follows.
    const close = p.s.indexOf(']', p.i);
    if (close < 0) return fail();
    domain = p.s.slice(p.i, close + 1);
    p.i = close + 1;
  } else {
    domain = consumeAtom(p, false);
  }
  return domain === undefined ? fail() : `${local}@${domain}`;
}

/** One or more words (atoms or quoted strings); an exhausted input ends it without error. */
function consumePhrase(p: Cursor): boolean {
  let words = 0;
  for (;;) {
    if (words > 0 && !skipCFWS(p)) return false;
    skipSpace(p);
    if (p.i >= p.s.length) return true;
    const word = p.s[p.i] === '"' ? consumeQuotedString(p) : consumeAtom(p, true);
    if (word === undefined) return words > 0;
    words++;
  }
}

/** Go's url.Parse: undefined when it refuses the string, else whether it has a scheme. */
export function parseGoUrl(raw: string): { absolute: boolean } | undefined {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && !validEscapes(raw.slice(hash + 1), 'path')) return undefined;
  if (/[\x00-\x1f\x7f]/.test(main)) return undefined;
  if (main === '*') return { absolute: false };
  const scheme = urlScheme(main);
  if (scheme === undefined) return undefined;
  let rest = scheme ? main.slice(scheme.length + 1) : main;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query); // Go keeps the raw query unchecked
  if (!rest.startsWith('/')) {
    if (scheme) return { absolute: true }; // opaque, e.g. mailto:x — nothing else is checked
    // "Avoid confusion with malformed schemes, like cache_object:foo/bar."
    if (rest.split('/', 1)[0].includes(':')) return undefined;
  }
  if ((scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    if (!validAuthority(authority)) return undefined;
  }
  return validEscapes(rest, 'path') ? { absolute: scheme !== '' } : undefined;
}

/** The scheme before ':', '' when there is none, undefined for Go's "missing protocol scheme". */
function urlScheme(raw: string): string | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return '';
      continue;
    }
    if (c === ':') return i === 0 ? undefined : raw.slice(0, i);
    return '';
  }
  return '';
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (!validHost(at < 0 ? authority : authority.slice(at + 1))) return false;
  if (at < 0) return true;
  const userinfo = authority.slice(0, at);
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo) && validEscapes(userinfo, 'path');
}

function validHost(host: string): boolean {
  const validPort = (p: string): boolean => /^(:[0-9]*)?$/.test(p);
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validPort(host.slice(close + 1))) return false;
    const zone = host.slice(0, close).indexOf('%25');
    const literal = host.slice(1, zone < 0 ? close : zone);
    // Go (since the CVE-2025-47912 fix) only takes IPv6 literals inside brackets.
    if (parseIPv6(literal) === undefined) return false;
    return zone < 0 || validEscapes(host.slice(zone, close), 'zone');
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !validPort(host.slice(colon))) return false;
  return validEscapes(host, 'host');
}

/** RFC 3986 §3.2.2 host characters Go leaves unescaped. */
const HOST_CHAR = /[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]/;

/**
 * Go's url.unescape as a yes/no: every '%' starts a two-digit hex escape; a host may only
 * escape non-ASCII bytes (or "%25"), and may not contain other ASCII outside HOST_CHAR.
 */
function validEscapes(s: string, mode: 'path' | 'host' | 'zone'): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      if (!/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) return false;
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      const isPercent = s.slice(i, i + 3) === '%25';
      if (mode === 'host' && byte < 0x80 && !isPercent) return false;
      const zoneSafe = byte === 0x20 || (byte < 0x80 && HOST_CHAR.test(String.fromCharCode(byte)));
      if (mode === 'zone' && !isPercent && !zoneSafe) return false;
      i += 2;
    } else if (mode !== 'path' && c.charCodeAt(0) < 0x80 && !HOST_CHAR.test(c)) {
      return false;
    }
  }
  return true;
}
