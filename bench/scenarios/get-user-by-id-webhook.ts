import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { adminCall } from '../harness/admin-api.js';
import type { Scenario } from '../harness/types.js';
import { getUserByIdBesideWebhook, getUserByIdLight, getUserByIdLoad } from './get-user-by-id.js';

/** The webhook receiver, in a process of its own so the load generator does not slow its answers. */
const RECEIVER = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startReceiver(): Promise<{ proc: ChildProcess; endpoint: string }> {
  const proc = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(proc.stdout!, 'data')) as [Buffer];
  return { proc, endpoint: `http://127.0.0.1:${chunk.toString().trim()}/hook` };
}

/**
 * GetUserByID as in `get-user-by-id`, with an Actions v2 request execution on the method: a
 * signed restWebhook to a local receiver (its own process, loopback) on every call. Its p50 less
 * that of `plain` (GetUserByID at the same connections, measured in turns with it) is what a
 * request execution adds.
 */
function getUserByIdWebhookAt(id: string, plain: Scenario): Scenario {
  return {
    id,
    name: 'GetUserByID + webhook',
    transport: 'REST h1',
    baseline: 'pg-select',
    comparedTo: plain.id,
    connections: plain.connections,
    async run(target, options) {
      const { proc, endpoint } = await startReceiver();
      const condition = { request: { method: '/zitadel.user.v2.UserService/GetUserByID' } };
      const { id: targetId } = await adminCall(target, 'POST', '/v2beta/actions/targets', {
        name: `bench-${Date.now()}`,
        endpoint,
        timeout: '5s',
        restWebhook: { interruptOnError: true },
      });
      try {
        await adminCall(target, 'PUT', '/v2beta/actions/executions', {
          condition,
          targets: [targetId],
        });
        return await getUserByIdLoad(target, options);
      } finally {
        await adminCall(target, 'PUT', '/v2beta/actions/executions', { condition, targets: [] });
        await adminCall(target, 'DELETE', `/v2beta/actions/targets/${targetId}`);
        proc.kill();
      }
    },
  };
}

export const getUserByIdWebhook = getUserByIdWebhookAt('get-user-by-id-webhook', getUserByIdBesideWebhook);
export const getUserByIdWebhookLight = getUserByIdWebhookAt('get-user-by-id-webhook-c2', getUserByIdLight);
