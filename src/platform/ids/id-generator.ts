/**
 * Time-ordered numeric ids in ZITADEL's (sonyflake) layout: 39 bits of 10 ms ticks since
 * 2014-09-01, 8 bits of per-tick sequence, 16 bits of node id. Currently 18 digits.
 * Each server process takes its node id from a database sequence at boot, so processes sharing
 * one database never mint the same id.
 */
const EPOCH_MS = Date.UTC(2014, 8, 1);
const SEQUENCE_BITS = 8n;
const NODE_BITS = 16n;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;

export class IdGenerator {
  private tick = 0;
  private sequence = 0;

  constructor(
    private readonly nodeId: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > 0xffff) throw new RangeError('node id must be 0..65535');
  }

  next(): string {
    let tick = Math.floor((this.now() - EPOCH_MS) / 10);
    if (tick < this.tick) tick = this.tick; // clock went back: keep counting in the last tick
    if (tick === this.tick) {
      this.sequence += 1;
      if (this.sequence > MAX_SEQUENCE) {
        // Borrow the next tick; ids stay unique and ordered, time catches up within milliseconds.
        tick += 1;
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    this.tick = tick;
    return (
      (BigInt(tick) << (SEQUENCE_BITS + NODE_BITS)) |
      (BigInt(this.sequence) << NODE_BITS) |
      BigInt(this.nodeId)
    ).toString();
  }
}
