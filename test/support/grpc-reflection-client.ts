import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_ROOT = fileURLToPath(new URL('../../proto', import.meta.url));

/** A reflection response as @grpc/proto-loader decodes it (keepCase, virtual oneof fields). */
export interface Reply {
  message_response: string;
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  all_extension_numbers_response?: { base_type_name: string; extension_number: number[] };
  error_response?: { error_code: number; error_message: string };
}

export type ReflectionClient = grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, Reply> };

export function reflectionClient(version: 'v1' | 'v1alpha', target: string): ReflectionClient {
  const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as any;
  const Client = loaded.grpc.reflection[version].ServerReflection as grpc.ServiceClientConstructor;
  return new Client(target, grpc.credentials.createInsecure()) as unknown as ReflectionClient;
}

/** Sends the requests on one bidi stream, as grpcurl does, and collects every reply. */
export function exchange(client: ReflectionClient, requests: object[]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const replies: Reply[] = [];
    const call = client.ServerReflectionInfo();
    call.on('data', (reply: Reply) => replies.push(reply));
    call.on('error', reject);
    call.on('end', () => resolve(replies));
    for (const r of requests) call.write(r);
    call.end();
  });
}
