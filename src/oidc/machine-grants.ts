import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import type { OrgQueries } from '../orgs/orgs.queries.js';
import type { MachineCredentialsQueries } from '../users/credentials/machine-credentials.queries.js';
import { invalidGrant } from './oauth-errors.js';
import { factsOf } from './oidc-clients.js';
import type { DpopNonces } from './dpop.js';
import type { MachineKeyObjects } from './machine-key-objects.js';
import { issueAccessToken, type IssuedAccessToken } from './issued-tokens.js';
import { providerTokenRequestProof } from './sender-constraint.js';

/**
 * client_credentials as ZITADEL has it: only machine users use it (with their secret or a key),
 * and their token is the machine user's, not the client's.
 */
export function clientCredentialsGrant(provider: Provider, instanceId: string, nonces: DpopNonces) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const client = ctx.oidc.client!;
    const facts = factsOf(client);
    if (facts?.kind !== 'machine')
      throw new (oidcLibrary().errors.UnauthorizedClient)(
        'client_credentials is for machine users (their username and secret or key)',
      );
    const scope = String(ctx.oidc.params!.scope ?? '');
    // RFC 9449 §5: with a proof, the token is bound to its key.
    const jkt = await providerTokenRequestProof(provider, ctx, nonces);
    ctx.body = await issueAccessToken(
      provider,
      instanceId,
      client,
      { accountId: facts.id, scope, gty: 'client_credentials' },
      boundTo(jkt),
    );
  };
}

/** Binds a token to a DPoP key (`cnf.jkt`, RFC 9449 §6) before it is saved; nothing without one. */
function boundTo(jkt: string | undefined): ((token: object) => void) | undefined {
  return jkt ? (token) => Object.assign(token, { jkt }) : undefined;
}

/**
 * RFC 7523 JWT profile (`urn:ietf:params:oauth:grant-type:jwt-bearer`) as ZITADEL serves it: the
 * assertion is signed by a machine user's key (`kid` = key id, `iss` = `sub` = user id, `aud` =
 * the issuer), and no client authentication comes with it. `proveKey` checks the request's DPoP
 * proof for the machine's client id: the token is bound to its key when there is one.
 */
export async function jwtProfileGrant(
  provider: Provider,
  lookups: {
    readonly machines: MachineCredentialsQueries;
    readonly orgs: OrgQueries;
    readonly keyObjects: MachineKeyObjects;
  },
  instanceId: string,
  form: URLSearchParams,
  proveKey?: (clientId: string) => Promise<string | undefined>,
): Promise<IssuedAccessToken> {
  const assertion = form.get('assertion');
  if (!assertion) throw new (oidcLibrary().errors.InvalidRequest)('missing required parameter: assertion');
  let kid: string | undefined;
  let sub: string | undefined;
  try {
    kid = decodeProtectedHeader(assertion).kid;
    sub = decodeJwt(assertion).sub;
  } catch {
    throw invalidGrant('the assertion is not a JWT');
  }
  if (!kid || !sub) throw invalidGrant('the assertion needs a kid (the key id) and a sub (the user id)');
  const found = await lookups.machines.activeMachineKey(instanceId, kid, sub);
  const key = found && (await lookups.orgs.activeOrg(instanceId, found.orgId)) ? found : undefined;
  if (!key) throw invalidGrant('no active key with this kid for this user (or the user is not an active machine user)');
  try {
    await jwtVerify(assertion, await lookups.keyObjects.of(instanceId, key.publicKey), {
      issuer: sub,
      subject: sub,
      audience: [provider.issuer, `${provider.issuer}/oauth/v2/token`],
      clockTolerance: 5,
      maxTokenAge: '1h',
    });
  } catch (err) {
    throw invalidGrant(`the assertion is not valid: ${(err as Error).message}`);
  }
  const client = await provider.Client.find(key.username);
  if (!client) throw invalidGrant('the machine user cannot be used as a client (its username is not unique)');
  const jkt = await proveKey?.(client.clientId);
  return issueAccessToken(
    provider,
    instanceId,
    client,
    { accountId: sub, scope: form.get('scope') ?? '', gty: 'jwt-bearer' },
    boundTo(jkt),
  );
}
