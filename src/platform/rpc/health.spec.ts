import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { serveBindings, type H2cServer } from '../../../test/support/h2c-server.js';
import { HealthCheckResponse_ServingStatus as Status } from '../../gen/grpc/health/v1/health_pb.js';
import { healthBinding, statusOf, watchStatus } from './health.js';

const PROTO_ROOT = fileURLToPath(new URL('../../../proto', import.meta.url));

type Reply = { status: keyof typeof Status };
type HealthClient = grpc.Client & {
  Check(request: { service: string }, callback: (err: grpc.ServiceError | null, reply?: Reply) => void): void;
  Watch(request: { service: string }): grpc.ClientReadableStream<Reply>;
};

function healthClient(target: string): HealthClient {
  const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [PROTO_ROOT], enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as any;
  const Client = loaded.grpc.health.v1.Health as grpc.ServiceClientConstructor;
  return new Client(target, grpc.credentials.createInsecure()) as unknown as HealthClient;
}

/** The status Check answers, or the gRPC status code it fails with. */
function check(client: HealthClient, service: string): Promise<string | grpc.status> {
  return new Promise((resolve) => client.Check({ service }, (err, reply) => resolve(err ? err.code : reply!.status)));
}

/** Resolves once `predicate` holds, polling; the Watch tests wait on the server's own timer. */
async function eventually(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

let server: H2cServer;
let client: HealthClient;
let serving = true;
let checks = 0;

beforeAll(async () => {
  const binding = healthBinding(
    async () => {
      checks++;
      return serving;
    },
    { services: () => [OrganizationService], pollMs: 10 },
  );
  server = await serveBindings([binding]);
  client = healthClient(server.target);
});

afterAll(async () => {
  client.close();
  await server.close();
});

beforeEach(() => (serving = true));

describe('grpc.health.v1.Health over gRPC (grpc-js)', () => {
  it.each(['', 'zitadel.org.v2.OrganizationService', 'grpc.health.v1.Health'])(
    'Check(%j) follows the check function',
    async (service) => {
      expect(await check(client, service)).toBe('SERVING');
      serving = false;
      expect(await check(client, service)).toBe('NOT_SERVING');
    },
  );

  it('Check answers NOT_FOUND for a service the server does not have', async () => {
    expect(await check(client, 'no.such.Service')).toBe(grpc.status.NOT_FOUND);
  });

  it('Watch sends the current status, then each change, and stops polling once cancelled', async () => {
    const seen: string[] = [];
    const call = client.Watch({ service: '' });
    call.on('data', (reply: Reply) => seen.push(reply.status));
    call.on('error', () => undefined); // the cancellation below surfaces as CANCELLED
    await eventually(() => seen.length === 1);
    serving = false;
    await eventually(() => seen.length === 2);
    serving = true;
    await eventually(() => seen.length === 3);
    expect(seen).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);

    call.cancel();
    await new Promise((r) => setTimeout(r, 100));
    const afterCancel = checks;
    await new Promise((r) => setTimeout(r, 100));
    expect(checks).toBe(afterCancel);
  });

  it('Watch reports SERVICE_UNKNOWN for an unknown service instead of failing', async () => {
    const call = client.Watch({ service: 'no.such.Service' });
    const [first] = await new Promise<Reply[]>((resolve) => call.once('data', (reply: Reply) => resolve([reply])));
    call.on('error', () => undefined);
    call.cancel();
    expect(first.status).toBe('SERVICE_UNKNOWN');
  });
});

describe('watchStatus', () => {
  it('sends only changes and ends when the signal aborts', async () => {
    const statuses = [Status.SERVING, Status.SERVING, Status.NOT_SERVING];
    const abort = new AbortController();
    const sent: Status[] = [];
    for await (const { status } of watchStatus(async () => statuses.shift() ?? Status.NOT_SERVING, 1, abort)) {
      sent.push(status);
      if (status === Status.NOT_SERVING) abort.abort();
    }
    expect(sent).toEqual([Status.SERVING, Status.NOT_SERVING]);
  });
});

describe('statusOf', () => {
  const down = () => Promise.reject(new Error('database down'));
  const none = () => [];

  it('treats a check that throws as NOT_SERVING', async () => {
    expect(await statusOf('', down, none)).toBe(Status.NOT_SERVING);
  });

  it('does not run the check for an unknown service', async () => {
    let ran = false;
    const tracked = () => ((ran = true), down());
    expect(await statusOf('no.such.Service', tracked, none)).toBe(Status.SERVICE_UNKNOWN);
    expect(ran).toBe(false);
  });
});
