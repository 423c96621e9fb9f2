import { httpLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';
import { basic, oidcBenchWorld } from './oidc-setup.js';

/** client_credentials of a machine user (secret, basic auth) at /oauth/v2/token. */
export const oidcClientCredentials: Scenario = {
  id: 'oidc-client-credentials',
  name: 'client_credentials token',
  transport: 'HTTP h1',
  baseline: 'oidc-client-credentials',
  async run(target, options) {
    const { machine } = await oidcBenchWorld(target, options.connections);
    return httpLoad(
      {
        method: 'POST',
        url: `${target.baseUrl}/oauth/v2/token`,
        headers: {
          authorization: basic(machine.username, machine.secret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=openid',
      },
      options,
    );
  },
};
