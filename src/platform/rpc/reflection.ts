// gRPC server reflection (grpc.reflection.v1 and the older v1alpha that many tools still speak),
// so `grpcurl list` / `describe` and similar tools work against the server without .proto files.
import { toBinary, type DescFile, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { Health } from '../../gen/grpc/health/v1/health_pb.js';
import { ServerReflection as ReflectionV1 } from '../../gen/grpc/reflection/v1/reflection_pb.js';
import { ServerReflection as ReflectionV1alpha } from '../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import type { ServiceBinding } from './registry.js';

/** Both protocol versions' `message_request` oneof, which share field names and numbers. */
export type ReflectionQuery =
  | {
      case: 'fileByFilename' | 'fileContainingSymbol' | 'allExtensionNumbersOfType' | 'listServices';
      value: string;
    }
  | { case: 'fileContainingExtension'; value: { containingType: string; extensionNumber: number } }
  | { case: undefined; value?: undefined };

/** Both versions' `message_response` oneof, as an init shape either version's schema accepts. */
export type ReflectionAnswer =
  | { case: 'fileDescriptorResponse'; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: 'allExtensionNumbersResponse'; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: 'listServicesResponse'; value: { service: { name: string }[] } }
  | { case: 'errorResponse'; value: { errorCode: number; errorMessage: string } };

/** Everything reflection answers from, built once from the served services' files. */
export interface SchemaIndex {
  /** Fully qualified names of the served services, sorted. */
  readonly services: readonly string[];
  /** Files by path, e.g. `zitadel/org/v2/org_service.proto`. */
  readonly files: ReadonlyMap<string, DescFile>;
  /** The file that defines each fully qualified symbol. */
  readonly symbols: ReadonlyMap<string, DescFile>;
  /** Known message -> extension number -> declaring file; every known message has an entry. */
  readonly extensions: ReadonlyMap<string, ReadonlyMap<number, DescFile>>;
}

/** The reflection services themselves and health, which reflection lists beside the contract. */
const OWN_SERVICES: readonly DescService[] = [ReflectionV1, ReflectionV1alpha, Health];

/**
 * Bindings for both reflection versions. `services` is read on the first request, not now, so
 * the caller may pass the registry before every module has registered.
 */
export function reflectionBindings(services: () => readonly DescService[]): ServiceBinding[] {
  const serverReflectionInfo = answerEach(once(() => buildIndex([...services(), ...OWN_SERVICES])));
  const access = { serverReflectionInfo: 'public' } as const;
  const v1: ServiceBinding<typeof ReflectionV1> = { service: ReflectionV1, impl: { serverReflectionInfo }, access };
  const v1alpha: ServiceBinding<typeof ReflectionV1alpha> = {
    service: ReflectionV1alpha,
    impl: { serverReflectionInfo },
    access,
  };
  return [erase(v1), erase(v1alpha)];
}

type ReflectionRequest = { readonly host: string; readonly messageRequest: ReflectionQuery };

/**
 * The stream handler both versions share. Each request gets exactly one response echoing it;
 * failures are answers, so the stream (which grpcurl reuses for a whole `describe`) stays open.
 */
function answerEach(index: () => SchemaIndex) {
  return async function* serverReflectionInfo<R extends ReflectionRequest>(requests: AsyncIterable<R>) {
    for await (const request of requests) {
      const messageResponse = answer(index(), request.messageRequest);
      yield { validHost: request.host, originalRequest: request, messageResponse };
    }
  };
}

/** Bindings are typed per service where written and stored untyped, as the registry does. */
function erase<S extends DescService>(binding: ServiceBinding<S>): ServiceBinding {
  return binding as unknown as ServiceBinding;
}

/** The answer to one reflection question. */
export function answer(index: SchemaIndex, query: ReflectionQuery): ReflectionAnswer {
  switch (query.case) {
    case 'listServices':
      return { case: 'listServicesResponse', value: { service: index.services.map((name) => ({ name })) } };
    case 'fileByFilename':
      return fileAnswer(index.files.get(query.value), `file ${query.value}`);
    case 'fileContainingSymbol':
      return fileAnswer(index.symbols.get(withoutLeadingDot(query.value)), `symbol ${query.value}`);
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = query.value;
      const file = index.extensions.get(withoutLeadingDot(containingType))?.get(extensionNumber);
      return fileAnswer(file, `extension ${extensionNumber} of ${containingType}`);
    }
    case 'allExtensionNumbersOfType': {
      const baseTypeName = withoutLeadingDot(query.value);
      const numbers = index.extensions.get(baseTypeName);
      if (!numbers) return errorAnswer(Code.NotFound, `message type ${query.value} not found`);
      return {
        case: 'allExtensionNumbersResponse',
        value: { baseTypeName, extensionNumber: [...numbers.keys()].sort((a, b) => a - b) },
      };
    }
    case undefined:
      return errorAnswer(Code.InvalidArgument, 'reflection request names no question');
  }
}

/**
 * The file and all it imports, transitively: a client can only rebuild a descriptor when it has
 * every file its types refer to (grpcurl fails on the first missing one).
 */
function fileAnswer(file: DescFile | undefined, what: string): ReflectionAnswer {
  if (!file) return errorAnswer(Code.NotFound, `${what} not found`);
  return {
    case: 'fileDescriptorResponse',
    value: { fileDescriptorProto: withDependencies(file).map((f) => toBinary(FileDescriptorProtoSchema, f.proto)) },
  };
}

function errorAnswer(errorCode: Code, errorMessage: string): ReflectionAnswer {
  return { case: 'errorResponse', value: { errorCode, errorMessage } };
}

/** The file first, then its imports depth-first, each once. */
export function withDependencies(file: DescFile): DescFile[] {
  const seen = new Set<DescFile>();
  const visit = (f: DescFile): void => {
    if (seen.has(f)) return;
    seen.add(f);
    f.dependencies.forEach(visit);
  };
  visit(file);
  return [...seen];
}

/** Indexes the services' files and everything they import. */
export function buildIndex(services: readonly DescService[]): SchemaIndex {
  const files = new Map<string, DescFile>();
  for (const file of services.flatMap((s) => withDependencies(s.file))) files.set(file.proto.name, file);
  const symbols = new Map<string, DescFile>();
  const extensions = new Map<string, Map<number, DescFile>>();
  for (const file of files.values()) {
    for (const symbol of symbolsOf(file)) symbols.set(symbol, file);
    for (const message of messagesOf(file)) {
      if (!extensions.has(message.typeName)) extensions.set(message.typeName, new Map());
    }
  }
  // Second pass: an extension's extendee lives in another file, which the first pass has seen.
  for (const file of files.values()) {
    for (const extension of extensionsOf(file)) {
      extensions.get(extension.extendee.typeName)?.set(extension.number, file);
    }
  }
  return {
    services: [...new Set(services.map((s) => s.typeName))].sort(),
    files,
    symbols,
    extensions,
  };
}

/**
 * Every fully qualified name a file defines, as protoc scopes them: methods, fields and oneofs
 * under their parent, enum values beside their enum (C++ scoping rules, per descriptor.proto).
 */
export function symbolsOf(file: DescFile): string[] {
  const pkg = file.proto.package;
  const names: string[] = [];
  for (const service of file.services) {
    names.push(service.typeName, ...service.methods.map((m) => `${service.typeName}.${m.name}`));
  }
  for (const message of messagesOf(file)) {
    names.push(message.typeName, ...message.members.map((m) => `${message.typeName}.${m.name}`));
  }
  for (const en of [...file.enums, ...messagesOf(file).flatMap((m) => m.nestedEnums)]) {
    const scope = en.parent?.typeName ?? pkg;
    names.push(en.typeName, ...en.values.map((v) => (scope ? `${scope}.${v.name}` : v.name)));
  }
  names.push(...extensionsOf(file).map((e) => e.typeName));
  return names;
}

/** All messages of a file, nested ones included. */
function messagesOf(file: DescFile): DescMessage[] {
  const nested = (m: DescMessage): DescMessage[] => [m, ...m.nestedMessages.flatMap(nested)];
  return file.messages.flatMap(nested);
}

/** All extensions a file declares, at top level or nested in a message. */
function extensionsOf(file: DescFile) {
  return [...file.extensions, ...messagesOf(file).flatMap((m) => m.nestedExtensions)];
}

function withoutLeadingDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
