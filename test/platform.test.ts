import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { bootTestServer, type TestServer } from './support/test-server.js';
import { exchange, reflectionClient } from './support/grpc-reflection-client.js';
import { ROUTED_SERVICES } from '../src/platform/rpc/contract.js';

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

describe('the README', () => {
  it('lists every built RPC as built and names every service that is not', async () => {
    const { readFileSync } = await import('node:fs');
    const { RpcRegistry } = await import('../src/platform/rpc/registry.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const built = readme.slice(readme.indexOf('## What is built'), readme.indexOf('Not built yet'));
    const notBuilt = readme.slice(readme.indexOf('Not built yet'), readme.indexOf('## Configuration'));
    const registry = server.app.get(RpcRegistry);
    for (const service of ROUTED_SERVICES) {
      const done = service.methods.filter((m) => registry.isImplemented(m));
      const missing = service.methods.filter((m) => !registry.isImplemented(m));
      if (done.length) {
        const row = built.split('\n').find((l) => l.includes('`' + service.typeName + '`')) ?? '';
        for (const m of done)
          expect(`${service.typeName} ${row.includes(m.name) ? 'listed' : 'missing'}: ${m.name}`).toBe(
            `${service.typeName} listed: ${m.name}`,
          );
      }
      if (missing.length) expect(notBuilt).toContain(service.typeName.split('.').slice(-3).join('.'));
    }
  });

  it('states the v1 coverage as the registry serves it and names every v1 method still UNIMPLEMENTED', async () => {
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
      const row = notBuilt.split('\n').find((l) => l.includes('`' + s.typeName + '`')) ?? '';
      const listed = new Set((row.split('|')[2] ?? '').split(',').map((m) => m.trim()));
      for (const m of s.methods.filter((x) => !registry.isImplemented(x)))
        expect(`${s.typeName} ${listed.has(m.name) ? 'listed' : 'missing'}: ${m.name}`).toBe(
          `${s.typeName} listed: ${m.name}`,
        );
    }
  });
});
