import { httpLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';
import { oidcBenchWorld } from './oidc-setup.js';

/** GET /oidc/v1/userinfo with a user's opaque access token (openid profile email). */
export const oidcUserinfo: Scenario = {
  id: 'oidc-userinfo',
  name: 'userinfo',
  transport: 'HTTP h1',
  baseline: 'oidc-userinfo',
  async run(target, options) {
    const { accessTokens } = await oidcBenchWorld(target, options.connections);
    return httpLoad(
      {
        method: 'GET',
        url: `${target.baseUrl}/oidc/v1/userinfo`,
        headers: { authorization: `Bearer ${accessTokens[0]}` },
      },
      options,
    );
  },
};
