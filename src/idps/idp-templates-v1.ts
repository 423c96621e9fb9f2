import type { HandlerContext } from '@connectrpc/connect';
import { page } from '../platform/database/list-query.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { detailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import type { IdpTemplatesService, TemplateCommand, TemplateScope } from './idp-templates.service.js';
import {
  appleCommand,
  azureAdCommand,
  githubEsCommand,
  gitlabSelfHostedCommand,
  jwtCommand,
  ldapCommand,
  oauthCommand,
  oidcCommand,
  samlCommand,
  simpleCommand,
} from './idps.mapper.js';
import { providerQueriesV1, providerV1 } from './idps-v1.mapper.js';

/** Where a v1 call works: the instance (admin) or the org of `x-zitadel-orgid` (management). */
export type ScopeOf = (ctx: HandlerContext) => { caller: Caller; scope: TemplateScope };

/** Admin and management requests of these methods share their shapes field for field. */
type Req = any;

/**
 * The template methods admin v1 and management v1 share by name and shape (ZITADEL's
 * AddGenericOIDCProvider …), bound to the service with the edge's scope.
 */
export function templateMethodsV1(templates: IdpTemplatesService, scopeOf: ScopeOf) {
  const add = (build: (req: Req) => TemplateCommand) => async (req: Req, ctx: HandlerContext) => {
    const { caller, scope } = scopeOf(ctx);
    const added = await templates.add(caller, scope, build(req));
    return { details: detailsV1(added), id: added.id };
  };
  const update = (build: (req: Req) => TemplateCommand) => async (req: Req, ctx: HandlerContext) => {
    const { caller, scope } = scopeOf(ctx);
    return { details: detailsV1(await templates.update(caller, scope, req.id, build(req))) };
  };
  return {
    listProviders: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const listed = await templates.list(caller, scope, providerQueriesV1(req.queries), page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(providerV1) };
    },
    getProviderByID: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { idp: providerV1(await templates.get(caller, scope, req.id)) };
    },
    addGenericOAuthProvider: add(oauthCommand),
    updateGenericOAuthProvider: update(oauthCommand),
    addGenericOIDCProvider: add(oidcCommand),
    updateGenericOIDCProvider: update(oidcCommand),
    addJWTProvider: add(jwtCommand),
    updateJWTProvider: update(jwtCommand),
    addAzureADProvider: add(azureAdCommand),
    updateAzureADProvider: update(azureAdCommand),
    addGitHubProvider: add((r) => simpleCommand('github', r)),
    updateGitHubProvider: update((r) => simpleCommand('github', r)),
    addGitHubEnterpriseServerProvider: add(githubEsCommand),
    updateGitHubEnterpriseServerProvider: update(githubEsCommand),
    addGitLabProvider: add((r) => simpleCommand('gitlab', r)),
    updateGitLabProvider: update((r) => simpleCommand('gitlab', r)),
    addGitLabSelfHostedProvider: add(gitlabSelfHostedCommand),
    updateGitLabSelfHostedProvider: update(gitlabSelfHostedCommand),
    addGoogleProvider: add((r) => simpleCommand('google', r)),
    updateGoogleProvider: update((r) => simpleCommand('google', r)),
    addLDAPProvider: add(ldapCommand),
    updateLDAPProvider: update(ldapCommand),
    addAppleProvider: add(appleCommand),
    updateAppleProvider: update(appleCommand),
    addSAMLProvider: add(samlCommand),
    updateSAMLProvider: update(samlCommand),
    regenerateSAMLProviderCertificate: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { details: detailsV1(await templates.regenerateSamlCertificate(caller, scope, req.id)) };
    },
    deleteProvider: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { details: detailsV1(await templates.remove(caller, scope, req.id)) };
    },
  };
}
