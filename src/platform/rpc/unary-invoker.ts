import { create, isMessage, type DescMethodUnary, type Message } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextValues,
  type HandlerContext,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import { PEER_ADDRESS } from './call-context.js';
import { RpcRegistry } from './registry.js';

export interface InvokeInit {
  readonly url: string;
  readonly httpMethod: string;
  /** The request's headers, handed over to the call (it adds the transport's name). */
  readonly headers: Headers;
  /**
   * The call's cancellation by its client, its `signal` read only when an interceptor or the
   * handler asks for it (a CallCancellation makes it then).
   */
  readonly cancellation: { readonly signal: AbortSignal };
  /** The protocol the handler sees (its context's protocolName), e.g. `rest`. */
  readonly protocolName: string;
  /** Names the transport in logs and metrics; the protocol name unless given. */
  readonly transportLabel?: string;
  /** The client's address (rate limits). */
  readonly peer?: string;
}

type UnaryNext = (req: UnaryRequest) => Promise<UnaryResponse>;

/**
 * Calls a registered unary method through the same interceptors the Connect router uses, for
 * transports that are not Connect's own (the REST transcoder, plain unary gRPC calls).
 */
export class UnaryInvoker {
  constructor(
    private readonly registry: RpcRegistry,
    private readonly interceptors: readonly Interceptor[],
  ) {}

  /** The reply and the response headers the interceptors and handler set. */
  async invoke(
    method: DescMethodUnary,
    message: Message,
    init: InvokeInit,
  ): Promise<{ message: Message; header: Headers; trailer: Headers }> {
    const header = init.headers;
    header.set('x-portcullis-transport', init.transportLabel ?? init.protocolName);
    const call: UnaryNext = async (req) => {
      const binding = this.registry.binding(method.parent.typeName);
      const impl = (binding?.impl as Record<string, unknown> | undefined)?.[method.localName];
      if (typeof impl !== 'function') {
        throw new ConnectError(`${method.parent.typeName}.${method.name} is not implemented yet`, Code.Unimplemented);
      }
      // Not createHandlerContext: with no deadline to add it links three AbortControllers and
      // copies the request headers, a few percent of a REST call's CPU; the handler gets the
      // request's own signal and headers, as a context without a timeout would pass on anyway.
      const ctx: HandlerContext = {
        service: method.parent,
        method,
        protocolName: init.protocolName,
        requestMethod: init.httpMethod,
        url: init.url,
        get signal() {
          return init.cancellation.signal;
        },
        timeoutMs: () => undefined,
        requestHeader: req.header,
        responseHeader: new Headers(),
        responseTrailer: new Headers(),
        values: req.contextValues,
      };
      const out = await (impl as (m: Message, c: typeof ctx) => Promise<Message>).call(binding!.impl, req.message, ctx);
      const reply = isMessage(out, method.output) ? out : create(method.output, out as never);
      return {
        stream: false,
        service: method.parent,
        method,
        header: ctx.responseHeader,
        trailer: ctx.responseTrailer,
        message: reply,
      };
    };
    const chain = this.interceptors.reduceRight<UnaryNext>(
      (next, interceptor) => interceptor(next as never) as unknown as UnaryNext,
      call,
    );
    const response = await chain({
      stream: false,
      service: method.parent,
      method,
      requestMethod: init.httpMethod,
      url: init.url,
      get signal() {
        return init.cancellation.signal;
      },
      header,
      contextValues: createContextValues().set(PEER_ADDRESS, init.peer ?? 'unknown'),
      message,
    });
    return { message: response.message, header: response.header, trailer: response.trailer };
  }
}
