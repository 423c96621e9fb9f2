import { loopLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';
import { oidcBenchWorld, tokenRequest } from './oidc-setup.js';

/**
 * refresh_token grant with rotation: each connection follows its own chain (the answer's new
 * refresh token is the next request's), since a rotated-away token may not be used again.
 */
export const oidcRefresh: Scenario = {
  id: 'oidc-refresh',
  name: 'refresh token (rotating)',
  transport: 'HTTP h1',
  baseline: 'oidc-refresh',
  async run(target, options) {
    const world = await oidcBenchWorld(target, options.connections);
    // The chains live in the world: the warm-up run's last tokens are where the measured run goes on
    // (a rotated-away token used again would revoke its grant, as reuse detection should).
    const chains = world.refreshChains;
    return loopLoad(
      async (worker) => {
        const tokens = await tokenRequest(
          target,
          { grant_type: 'refresh_token', refresh_token: chains[worker % chains.length] },
          world.web,
        );
        chains[worker % chains.length] = tokens.refresh_token;
      },
      { ...options, connections: Math.min(options.connections, chains.length) },
    );
  },
};
