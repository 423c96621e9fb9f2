import { createRegistry, type DescService } from '@bufbuild/protobuf';
import { createContextValues, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter, type ConnectNodeAdapterOptions } from '@connectrpc/connect-node';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { MAX_BODY_BYTES } from '../http/http-routes.js';
import { peerAddress } from '../http/rate-limit.js';
import { PEER_ADDRESS } from './call-context.js';
import { withParseFailuresAsInvalidArgument } from './parse-errors.js';
import type { RpcRegistry } from './registry.js';

type NodeHandler = ReturnType<typeof connectNodeAdapter>;

export interface RpcHandlerOptions {
  readonly registry: RpcRegistry;
  /** Every service to route: what is not implemented answers UNIMPLEMENTED (after the pipeline). */
  readonly services: readonly DescService[];
  readonly interceptors: Interceptor[];
  /** Everything that is no procedure of a routed service. */
  readonly fallback: NonNullable<ConnectNodeAdapterOptions['fallback']>;
}

/** The service and method names of a `/package.Service/Method` path (query stripped). */
function procedureOf(url: string | undefined): { service: string; method: string } | undefined {
  const path = (url ?? '').split('?', 1)[0];
  const slash = path.lastIndexOf('/');
  if (slash <= 1 || path[0] !== '/') return undefined;
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}

function wrapParseFailures(router: ConnectRouter): void {
  router.handlers.splice(0, router.handlers.length, ...router.handlers.map(withParseFailuresAsInvalidArgument));
}

/**
 * The Connect/gRPC/gRPC-Web handler for every routed procedure. Connect builds a handler per
 * method and protocol (serializers, JSON and binary codecs): for the ~870 contract methods that
 * was ~8.6 MiB of heap, and still ~2-3 MiB for the ~250 implemented ones, which an idle server
 * holds for calls that may never come (plain unary gRPC skips them, see grpc-unary.ts). So a
 * service's handlers are built on its first call, with the same options and interceptors, and
 * answer exactly as handlers built at start-up would (an unimplemented method: the pipeline runs,
 * then UNIMPLEMENTED).
 */
export function createRpcHandler(options: RpcHandlerOptions): NodeHandler {
  const common = {
    interceptors: options.interceptors,
    // As the REST transcoder's body limit.
    readMaxBytes: MAX_BODY_BYTES,
    contextValues: ((req) =>
      createContextValues().set(PEER_ADDRESS, peerAddress(req))) satisfies ConnectNodeAdapterOptions['contextValues'],
    jsonOptions: { registry: createRegistry(ErrorDetailSchema, BadRequestSchema) },
  };
  const routed = new Map<string, DescService>(options.services.map((s) => [s.typeName, s]));
  for (const binding of options.registry.all()) routed.set(binding.service.typeName, binding.service);

  const built = new Map<string, NodeHandler>();
  const wholeService = (service: DescService): NodeHandler => {
    let handler = built.get(service.typeName);
    if (!handler) {
      handler = connectNodeAdapter({
        ...common,
        routes: (router) => {
          router.service(service, options.registry.binding(service.typeName)?.impl ?? {});
          wrapParseFailures(router);
        },
        fallback: options.fallback,
      });
      built.set(service.typeName, handler);
    }
    return handler;
  };

  return (req, res) => {
    const procedure = procedureOf(req.url);
    const service = procedure && routed.get(procedure.service);
    if (service?.methods.some((m) => m.name === procedure!.method)) wholeService(service)(req, res);
    else options.fallback(req, res);
  };
}
