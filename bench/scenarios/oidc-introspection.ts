import { httpLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';
import { basic, oidcBenchWorld } from './oidc-setup.js';

/** An API app (basic auth) introspects a user's access token at /oauth/v2/introspect. */
export const oidcIntrospection: Scenario = {
  id: 'oidc-introspection',
  name: 'token introspection',
  transport: 'HTTP h1',
  baseline: 'oidc-introspection',
  async run(target, options) {
    const { api, accessTokens } = await oidcBenchWorld(target, options.connections);
    let n = 0;
    return httpLoad(
      {
        method: 'POST',
        url: `${target.baseUrl}/oauth/v2/introspect`,
        headers: {
          authorization: basic(api.clientId, api.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: () => `token=${encodeURIComponent(accessTokens[n++ % accessTokens.length])}`,
      },
      options,
    );
  },
};
