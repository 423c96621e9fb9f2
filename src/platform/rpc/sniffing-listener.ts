import { Duplex } from 'node:stream';
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

/**
 * A stream that first replays the sniffed bytes, then relays the socket. Node's HTTP/2 server
 * reads from the socket's native handle, so bytes pushed back with `socket.unshift` would be
 * lost to it; a JS stream (which Node wraps for HTTP/2) sees them.
 */
export class ReplaySocket extends Duplex {
  constructor(
    private readonly socket: Socket,
    head: Buffer,
  ) {
    super({ allowHalfOpen: false });
    this.push(head);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    callback(err);
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.socket.setTimeout(ms, cb);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
}
