import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { bootTestServer, type TestServer } from './support/test-server.js';
import { exchange, reflectionClient } from './support/grpc-reflection-client.js';
import { ROUTED_SERVICES } from '../src/platform/rpc/contract.js';
import { methodListDifference, methodNamesOfRow } from './support/readme-methods.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('server reflection and health on the booted server', () => {
  it.each(['v1', 'v1alpha'] as const)(
    'lists every contract service over reflection %s (as grpcurl list does)',
    async (version) => {
      const client = reflectionClient(version, `127.0.0.1:${server.port}`);
      try {
        const [reply] = await exchange(client, [{ list_services: '' }]);
        const names = reply.list_services_response!.service.map((s) => s.name);
        for (const service of ROUTED_SERVICES) expect(names).toContain(service.typeName);
        expect(names).toContain('grpc.health.v1.Health');
        expect(names).toContain(`grpc.reflection.${version}.ServerReflection`);
        const [described] = await exchange(client, [
          { file_containing_symbol: 'zitadel.org.v2beta.OrganizationService' },
        ]);
        expect(described.file_descriptor_response!.file_descriptor_proto.length).toBeGreaterThan(1);
      } finally {
        client.close();
      }
    },
  );

  it('answers the standard health check over gRPC', async () => {
    const definition = protoLoader.loadSync('grpc/health/v1/health.proto', {
      enums: String,
      includeDirs: [fileURLToPath(new URL('../proto', import.meta.url))],
    });
    const Health = (grpc.loadPackageDefinition(definition) as any).grpc.health.v1
      .Health as grpc.ServiceClientConstructor;
    const client = new Health(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      const reply = await new Promise<{ status: string }>((resolve, reject) =>
        (client as any).Check({ service: '' }, (err: Error | null, res: { status: string }) =>
          err ? reject(err) : resolve(res),
        ),
      );
      expect(reply.status).toBe('SERVING');
    } finally {
      client.close();
    }
  });
});

describe('reading a README row', () => {
  it('splits the method cell into whole names, dropping notes in parentheses (nested ones too)', () => {
    const row =
      '| `zitadel.x.v2.S` | GetUserByID, AddCustomDomain (system API users), ListKeys (see [SAML](#saml); a, b) | ';
    expect(methodNamesOfRow(row)).toEqual(['GetUserByID', 'AddCustomDomain', 'ListKeys']);
    expect(methodListDifference(['GetUser', 'GetUserByID'], methodNamesOfRow(row))).toEqual({
      unlisted: ['GetUser'],
      notServed: ['AddCustomDomain', 'ListKeys'],
    });
    expect(methodNamesOfRow('| `zitadel.x.v2.S` | A, stray words |')).toEqual(['A', 'stray words']);
  });
});

describe('the README', () => {
  it('lists exactly the built RPCs of each service as built (both ways) and names every service that is not', async () => {
    const { readFileSync } = await import('node:fs');
    const { RpcRegistry } = await import('../src/platform/rpc/registry.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const built = readme.slice(readme.indexOf('## What is built'), readme.indexOf('Not built yet'));
    const notBuilt = readme.slice(readme.indexOf('Not built yet'), readme.indexOf('## Configuration'));
    const registry = server.app.get(RpcRegistry);
    for (const service of ROUTED_SERVICES) {
      const done = service.methods.filter((m) => registry.isImplemented(m));
      const missing = service.methods.filter((m) => !registry.isImplemented(m));
      const row = built.split('\n').find((l) => l.startsWith('| `' + service.typeName + '`')) ?? '';
      expect({
        service: service.typeName,
        ...methodListDifference(
          done.map((m) => m.name),
          methodNamesOfRow(row),
        ),
      }).toEqual({ service: service.typeName, unlisted: [], notServed: [] });
      if (missing.length) expect(notBuilt).toContain(service.typeName.split('.').slice(-3).join('.'));
    }
  });

  it('states the v1 coverage as the registry serves it and names exactly the v1 methods still UNIMPLEMENTED (both ways)', async () => {
    const { readFileSync } = await import('node:fs');
    const { RpcRegistry } = await import('../src/platform/rpc/registry.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const notBuilt = readme.slice(readme.indexOf('Not built yet'), readme.indexOf('## Configuration'));
    const registry = server.app.get(RpcRegistry);
    const v1 = ROUTED_SERVICES.filter((s) => /^zitadel\.(admin|management|auth|system)\.v1\./.test(s.typeName));
    expect(v1).toHaveLength(4);
    const figures = v1.map((s) => {
      const done = s.methods.filter((m) => registry.isImplemented(m)).length;
      return { short: s.typeName.split('.')[1], done, total: s.methods.length };
    });
    const coverage = figures.map((f) => `${f.short} ${f.done}/${f.total}`);
    for (const figure of coverage) expect(readme).toContain(figure);
    const served = figures.reduce((sum, f) => sum + f.done, 0);
    const total = figures.reduce((sum, f) => sum + f.total, 0);
    expect(readme).toContain(`${served} of its ${total} methods`);
    for (const s of v1) {
      const row = notBuilt.split('\n').find((l) => l.startsWith('| `' + s.typeName + '`')) ?? '';
      const unimplemented = s.methods.filter((x) => !registry.isImplemented(x)).map((m) => m.name);
      expect({ service: s.typeName, ...methodListDifference(unimplemented, methodNamesOfRow(row)) }).toEqual({
        service: s.typeName,
        unlisted: [],
        notServed: [],
      });
    }
  });
});
