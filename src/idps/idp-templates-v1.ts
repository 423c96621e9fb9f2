import type { HandlerContext } from '@connectrpc/connect';
import { page } from '../platform/database/list-query.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { detailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import type { IdpTemplatesService, TemplateCommand, TemplateScope } from './idp-templates.service.js';
import type { LoginPolicyIdpsService } from './login-policy-idps.service.js';
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
import {
  legacyIdpV1,
  legacyJwtDraft,
  legacyOidcDraft,
  legacyUpdatedIdp,
  legacyUpdatedJwt,
  legacyUpdatedOidc,
  loginPolicyLinkV1,
  providerQueriesV1,
  providerV1,
} from './idps-v1.mapper.js';
import { required } from './idps.errors.js';

/** Where a v1 call works: the instance (admin) or the org of `x-zitadel-orgid` (management). */
export type ScopeOf = (ctx: HandlerContext) => { caller: Caller; scope: TemplateScope };

/** Admin and management requests of these methods share their shapes field for field. */
type Req = any;

/** The provider template methods admin and management v1 share, guarded by their level's read or write permission. */
export function templateAccessV1<R, W>(read: R, write: W) {
  return {
    listProviders: read,
    getProviderByID: read,
    addGenericOAuthProvider: write,
    updateGenericOAuthProvider: write,
    addGenericOIDCProvider: write,
    updateGenericOIDCProvider: write,
    addJWTProvider: write,
    updateJWTProvider: write,
    addAzureADProvider: write,
    updateAzureADProvider: write,
    addGitHubProvider: write,
    updateGitHubProvider: write,
    addGitHubEnterpriseServerProvider: write,
    updateGitHubEnterpriseServerProvider: write,
    addGitLabProvider: write,
    updateGitLabProvider: write,
    addGitLabSelfHostedProvider: write,
    updateGitLabSelfHostedProvider: write,
    addGoogleProvider: write,
    updateGoogleProvider: write,
    addLDAPProvider: write,
    updateLDAPProvider: write,
    addAppleProvider: write,
    updateAppleProvider: write,
    addSAMLProvider: write,
    updateSAMLProvider: write,
    regenerateSAMLProviderCertificate: write,
    migrateGenericOIDCProvider: write,
    deleteProvider: write,
  };
}

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
    migrateGenericOIDCProvider: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const t = req.template;
      const target =
        t.case === 'azure'
          ? azureAdCommand(t.value)
          : t.case === 'google'
            ? simpleCommand('google', t.value)
            : undefined;
      if (!target) throw required('template');
      return { details: detailsV1(await templates.migrateOidc(caller, scope, req.id, target)) };
    },
    deleteProvider: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { details: detailsV1(await templates.remove(caller, scope, req.id)) };
    },
  };
}

/**
 * ListLoginPolicyIDPs, AddIDPToLoginPolicy and RemoveIDPFromLoginPolicy, alike in admin (the
 * instance's default policy) and management (the org's policy).
 */
export function loginPolicyMethodsV1(policies: LoginPolicyIdpsService, scopeOf: ScopeOf) {
  return {
    listLoginPolicyIDPs: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const { offset, limit } = page(req.query);
      const all = await policies.list(caller, scope);
      return {
        details: listDetailsV1(BigInt(all.length)),
        result: all.slice(offset, offset + limit).map(loginPolicyLinkV1),
      };
    },
    addIDPToLoginPolicy: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      // Management's owner_type: IDP_OWNER_TYPE_ORG (2) is the org's own provider, else the instance's.
      const owner = req.ownerType === 2 ? 'org' : 'instance';
      return { details: detailsV1(await policies.add(caller, scope, req.idpId, owner)) };
    },
    removeIDPFromLoginPolicy: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { details: detailsV1(await policies.remove(caller, scope, req.idpId)) };
    },
  };
}

/** The old IDP configuration methods by role; admin and management name them differently. */
export interface LegacyMethodNames {
  readonly list: string;
  readonly get: string;
  readonly addOidc: string;
  readonly addJwt: string;
  readonly update: string;
  readonly deactivate: string;
  readonly reactivate: string;
  readonly remove: string;
  readonly updateOidc: string;
  readonly updateJwt: string;
}

export const ADMIN_LEGACY_NAMES: LegacyMethodNames = {
  list: 'listIDPs',
  get: 'getIDPByID',
  addOidc: 'addOIDCIDP',
  addJwt: 'addJWTIDP',
  update: 'updateIDP',
  deactivate: 'deactivateIDP',
  reactivate: 'reactivateIDP',
  remove: 'removeIDP',
  updateOidc: 'updateIDPOIDCConfig',
  updateJwt: 'updateIDPJWTConfig',
};

export const MANAGEMENT_LEGACY_NAMES: LegacyMethodNames = {
  list: 'listOrgIDPs',
  get: 'getOrgIDPByID',
  addOidc: 'addOrgOIDCIDP',
  addJwt: 'addOrgJWTIDP',
  update: 'updateOrgIDP',
  deactivate: 'deactivateOrgIDP',
  reactivate: 'reactivateOrgIDP',
  remove: 'removeOrgIDP',
  updateOidc: 'updateOrgIDPOIDCConfig',
  updateJwt: 'updateOrgIDPJWTConfig',
};

/**
 * ZITADEL's old IDP configuration API (AddOIDCIDP, ListIDPs … and the org variants) on the same
 * templates: it makes OIDC and JWT templates marked as its own and sees only those; the new
 * provider methods see them too.
 */
export function legacyMethodsV1(templates: IdpTemplatesService, scopeOf: ScopeOf, names: LegacyMethodNames) {
  const details = async (
    ctx: HandlerContext,
    run: (s: ReturnType<ScopeOf>) => Promise<Parameters<typeof detailsV1>[0]>,
  ) => ({ details: detailsV1(await run(scopeOf(ctx))) });
  return {
    [names.list]: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const queries = [...providerQueriesV1(req.queries), { kind: 'legacy' as const }];
      const listed = await templates.list(caller, scope, queries, page(req.query));
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map(legacyIdpV1),
      };
    },
    [names.get]: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      return { idp: legacyIdpV1(await templates.getLegacy(caller, scope, req.id)) };
    },
    [names.addOidc]: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const added = await templates.addLegacy(caller, scope, legacyOidcDraft(req));
      return { details: detailsV1(added), idpId: added.id };
    },
    [names.addJwt]: async (req: Req, ctx: HandlerContext) => {
      const { caller, scope } = scopeOf(ctx);
      const added = await templates.addLegacy(caller, scope, legacyJwtDraft(req));
      return { details: detailsV1(added), idpId: added.id };
    },
    [names.update]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) =>
        templates.changeLegacy(caller, scope, req.idpId, 'config', (t) => legacyUpdatedIdp(t, req)),
      ),
    [names.updateOidc]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) =>
        templates.changeLegacy(caller, scope, req.idpId, 'oidc', (t) => legacyUpdatedOidc(t, req)),
      ),
    [names.updateJwt]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) =>
        templates.changeLegacy(caller, scope, req.idpId, 'jwt', (t) => legacyUpdatedJwt(t, req)),
      ),
    [names.deactivate]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) => templates.setState(caller, scope, req.idpId, 'inactive')),
    [names.reactivate]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) => templates.setState(caller, scope, req.idpId, 'active')),
    [names.remove]: (req: Req, ctx: HandlerContext) =>
      details(ctx, ({ caller, scope }) => templates.remove(caller, scope, req.idpId, true)),
  };
}
