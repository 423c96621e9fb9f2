import type { Socket } from 'node:net';

/** RFC 9113 §3.4: a prior-knowledge HTTP/2 client opens with this preface. */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type Protocol = 'h2c' | 'http1';

/**
 * Reads a connection's first bytes to tell cleartext HTTP/2 from HTTP/1.1, then hands the
 * connection over with those bytes intact. Resolves once enough bytes decide it.
 */
export function sniff(socket: Socket, onDecided: (protocol: Protocol, head: Buffer) => void): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, HTTP2_PREFACE.length);
    const prefixMatches = head.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
    if (prefixMatches && head.length < HTTP2_PREFACE.length) return; // need more bytes
    socket.removeListener('data', onData);
    socket.pause();
    onDecided(prefixMatches ? 'h2c' : 'http1', head);
  };
  socket.on('data', onData);
}
