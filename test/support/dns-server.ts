import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

/**
 * A UDP DNS server on loopback for tests: TXT records, and A records that can change from one
 * query to the next (DNS rebinding). Unknown names answer NXDOMAIN; it counts the queries per name.
 */
export class TestDnsServer {
  readonly txt = new Map<string, string>();
  private readonly a = new Map<string, string[][]>();
  private readonly queries = new Map<string, number>();
  private socket?: Socket;

  /** `name` answers the n-th A query with `answers[n]` (the last one again once they run out). */
  answerA(name: string, ...answers: string[][]): this {
    this.a.set(name, answers);
    this.queries.delete(`A ${name}`);
    return this;
  }

  /** How many queries of `type` for `name` arrived. */
  queryCount(type: 'A' | 'AAAA' | 'TXT', name: string): number {
    return this.queries.get(`${type} ${name}`) ?? 0;
  }

  /** `host:port`, for PORTCULLIS_DNS_SERVERS. */
  get address(): string {
    const { address, port } = this.socket!.address() as AddressInfo;
    return `${address}:${port}`;
  }

  async start(): Promise<this> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, peer) => socket.send(this.answer(msg), peer.port, peer.address));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    this.socket = socket;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  private answer(msg: Buffer): Buffer {
    const query = dnsPacket.decode(msg);
    const question = query.questions?.[0];
    const name = question?.name ?? '';
    const type = question?.type ?? '';
    const key = `${type} ${name}`;
    const seen = this.queries.get(key) ?? 0;
    this.queries.set(key, seen + 1);
    const sequence = this.a.get(name);
    const known = sequence !== undefined || this.txt.has(name);
    const answers: dnsPacket.Answer[] =
      type === 'A' && sequence
        ? sequence[Math.min(seen, sequence.length - 1)].map((data) => ({ type: 'A', name, ttl: 0, data }))
        : type === 'TXT' && this.txt.has(name)
          ? [{ type: 'TXT', name, ttl: 60, data: this.txt.get(name)! }]
          : [];
    return dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3), // rcode 3: NXDOMAIN
      questions: query.questions,
      answers,
    });
  }
}
