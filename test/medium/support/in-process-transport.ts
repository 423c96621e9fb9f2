import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport, type UnaryResponse } from '@connectrpc/connect';
import type { UnaryInvoker } from '../../../src/platform/rpc/unary-invoker.js';

/** The host the first instance answers on in tests (PORTCULLIS_TRUSTED_DOMAINS' default). */
export const TEST_HOST = '127.0.0.1';

/** Through the binary wire format and back: what a real client would send or receive, without a socket. */
function overTheWire<T extends DescMessage>(schema: T, message: MessageShape<T>): MessageShape<T> {
  return fromBinary(schema, toBinary(schema, message));
}

/**
 * A connect Transport that calls the registered handlers in this process, through the same
 * interceptors every transport runs (tenancy, authentication, the access table, the contract's
 * field rules): a medium test exercises everything but the socket and the framing.
 */
export function inProcessTransport(
  invoker: UnaryInvoker,
  options: { readonly token?: string; readonly host?: string } = {},
): Transport {
  const host = options.host ?? TEST_HOST;
  return {
    async unary(method, signal, _timeoutMs, header, input) {
      const headers = new Headers(header);
      headers.set('host', host);
      if (options.token) headers.set('authorization', `Bearer ${options.token}`);
      const request = overTheWire(method.input, create(method.input, input));
      const reply = await invoker.invoke(method, request, {
        url: `http://${host}/${method.parent.typeName}/${method.name}`,
        httpMethod: 'POST',
        headers,
        cancellation: { signal: signal ?? new AbortController().signal },
        protocolName: 'in-process',
        peer: TEST_HOST,
      });
      const response: UnaryResponse<typeof method.input, typeof method.output> = {
        stream: false,
        service: method.parent,
        method,
        header: reply.header,
        trailer: new Headers(),
        message: overTheWire(method.output, reply.message as MessageShape<typeof method.output>),
      };
      return response;
    },
    stream() {
      return Promise.reject(new ConnectError('streaming methods need a large test', Code.Unimplemented));
    },
  };
}
