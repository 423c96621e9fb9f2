/** Why an outbound request did not get an answer. */
export type OutboundFailure =
  | 'invalid-url'
  | 'blocked-address'
  | 'unresolvable'
  | 'unreachable'
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects';

export class OutboundError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}
