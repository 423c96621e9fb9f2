import { spawnSync } from 'node:child_process';
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { serveBindings, type H2cServer } from '../../../test/support/h2c-server.js';
import {
  exchange,
  reflectionClient,
  type ReflectionClient,
  type Reply,
} from '../../../test/support/grpc-reflection-client.js';
import { healthBinding } from './health.js';
import { reflectionBindings } from './reflection.js';
import type { ServiceBinding } from './registry.js';

const contract = [OrganizationService, SessionService];
const unimplemented = (service: (typeof contract)[number]): ServiceBinding => ({ service, impl: {}, access: {} });

const filesOf = (reply: Reply) =>
  reply.file_descriptor_response!.file_descriptor_proto.map((b) => fromBinary(FileDescriptorProtoSchema, b));
const fileNames = (reply: Reply) => filesOf(reply).map((f) => f.name);

/** Links the files imports-first (a FileDescriptorSet's order); throws if one is missing. */
function registryOf(files: FileDescriptorProto[]) {
  const byName = new Map(files.map((f) => [f.name, f]));
  const ordered = new Set<FileDescriptorProto>();
  const add = (file: FileDescriptorProto | undefined, name: string): void => {
    if (!file) throw new Error(`the answer lacks ${name}`);
    if (ordered.has(file)) return;
    for (const dep of file.dependency) add(byName.get(dep), dep);
    ordered.add(file);
  };
  for (const f of files) add(f, f.name);
  return createFileRegistry(create(FileDescriptorSetSchema, { file: [...ordered] }));
}

let server: H2cServer;

beforeAll(async () => {
  server = await serveBindings([
    ...contract.map(unimplemented),
    ...reflectionBindings(() => contract),
    healthBinding(async () => true, { services: () => contract }),
  ]);
});

afterAll(() => server.close());

describe.each(['v1', 'v1alpha'] as const)('grpc.reflection.%s over gRPC (grpc-js)', (version) => {
  let client: ReflectionClient;
  beforeAll(() => (client = reflectionClient(version, server.target)));
  afterAll(() => client.close());

  it('lists the contract services, both reflection versions and health', async () => {
    const [reply] = await exchange(client, [{ list_services: '' }]);
    expect(reply.list_services_response!.service.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'zitadel.org.v2.OrganizationService',
        'zitadel.session.v2.SessionService',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
        'grpc.health.v1.Health',
      ]),
    );
  });

  it('answers file_containing_symbol with the file first, then its transitive imports', async () => {
    const [reply] = await exchange(client, [{ file_containing_symbol: 'zitadel.org.v2.OrganizationService' }]);
    const names = fileNames(reply);
    expect(names[0]).toBe('zitadel/org/v2/org_service.proto');
    // Direct imports, and imports of imports that grpcurl needs to rebuild the descriptors.
    expect(names).toEqual(
      expect.arrayContaining([
        'zitadel/object/v2/object.proto',
        'google/api/annotations.proto',
        'google/api/http.proto',
        'google/protobuf/descriptor.proto',
        'validate/validate.proto',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
    // The answer alone is enough to rebuild the service, as a reflection client must.
    const rebuilt = registryOf(filesOf(reply));
    expect(rebuilt.getService('zitadel.org.v2.OrganizationService')?.method.addOrganization).toBeDefined();
  });

  it.each([
    ['a method', 'zitadel.org.v2.OrganizationService.AddOrganization', 'zitadel/org/v2/org_service.proto'],
    ['a nested message', 'zitadel.org.v2.AddOrganizationRequest.Admin', 'zitadel/org/v2/org_service.proto'],
    ['a field', 'zitadel.org.v2.AddOrganizationRequest.name', 'zitadel/org/v2/org_service.proto'],
    ['a message with a leading dot', '.google.protobuf.Timestamp', 'google/protobuf/timestamp.proto'],
    ['its own service', `grpc.reflection.${version}.ServerReflection`, `grpc/reflection/${version}/reflection.proto`],
    ['the health service', 'grpc.health.v1.Health', 'grpc/health/v1/health.proto'],
  ])('finds the file defining %s', async (_what, symbol, file) => {
    const [reply] = await exchange(client, [{ file_containing_symbol: symbol }]);
    expect(fileNames(reply)[0]).toBe(file);
  });

  it('answers file_by_filename, file_containing_extension and all_extension_numbers_of_type', async () => {
    const [byName, byExtension, numbers] = await exchange(client, [
      { file_by_filename: 'zitadel/object/v2/object.proto' },
      { file_containing_extension: { containing_type: 'google.protobuf.FieldOptions', extension_number: 1071 } },
      { all_extension_numbers_of_type: 'google.protobuf.MethodOptions' },
    ]);
    expect(fileNames(byName)[0]).toBe('zitadel/object/v2/object.proto');
    expect(fileNames(byExtension)[0]).toBe('validate/validate.proto');
    expect(numbers.all_extension_numbers_response!.base_type_name).toBe('google.protobuf.MethodOptions');
    // grpc-gateway's google.api.http, openapiv2's operation and ZITADEL's own options.
    expect(numbers.all_extension_numbers_response!.extension_number).toEqual(
      expect.arrayContaining([72295728, 1042, 50001]),
    );
  });

  it('answers unknown names with NOT_FOUND error responses and keeps the stream open', async () => {
    const replies = await exchange(client, [
      { file_containing_symbol: 'no.such.Service' },
      { file_by_filename: 'no/such.proto' },
      { file_containing_extension: { containing_type: 'google.protobuf.FieldOptions', extension_number: 9 } },
      { all_extension_numbers_of_type: 'no.such.Message' },
      { list_services: '' },
    ]);
    expect(replies.slice(0, 4).map((r) => r.error_response?.error_code)).toEqual([5, 5, 5, 5]);
    expect(replies[4].message_response).toBe('list_services_response');
  });
});

describe('grpcurl', () => {
  const installed = spawnSync('grpcurl', ['-version']).error === undefined;
  if (!installed) {
    console.warn('grpcurl is not on PATH: skipping the grpcurl tests (Debian bookworm does not package it)');
  }
  const grpcurl = (...args: string[]) => {
    const run = spawnSync('grpcurl', ['-plaintext', server.target, ...args], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return run.stdout;
  };

  (installed ? it : it.skip)('lists and describes services through reflection', () => {
    expect(grpcurl('list').split('\n')).toEqual(
      expect.arrayContaining(['zitadel.org.v2.OrganizationService', 'grpc.health.v1.Health']),
    );
    const described = grpcurl('describe', 'zitadel.org.v2.OrganizationService');
    expect(described).toContain('service OrganizationService {');
    expect(described).toContain('rpc AddOrganization');
  });
});
