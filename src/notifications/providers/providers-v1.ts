import type { HandlerContext } from '@connectrpc/connect';
import { page } from '../../platform/database/list-query.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import {
  receiverAddress,
  smtpConfig,
  type ProviderChannel,
  type ProviderConfig,
  type SmtpConfig,
} from './provider-rules.js';
import { listDetailsV1 } from './providers.mapper.js';
import type { ProvidersService } from './providers.service.js';
import type { ProviderRow } from './providers.queries.js';

/**
 * Request fields that admin v1's EmailProviderSMTP methods and its older SMTPConfig methods share
 * field for field: ZITADEL's SMTP config and SMTP email provider are one resource, so both edges
 * bind the same bodies below.
 */
type SmtpFields = SmtpConfig & { readonly description: string; readonly password: string };
type ById = { readonly id: string };
type SmtpTest = Omit<SmtpConfig, 'replyToAddress'> & ById & { password: string; receiverAddress: string };

const smtp = (req: SmtpConfig): ProviderConfig => ({ kind: 'smtp', smtp: smtpConfig(req) });

/** Add/update/secret/test bodies of an SMTP email provider, bound once for both v1 edges. */
export function smtpProviderMethodsV1(providers: ProvidersService) {
  return {
    add: async (req: SmtpFields, ctx: HandlerContext) => {
      const added = await providers.add(authenticatedCallerOf(ctx), 'email', {
        description: req.description,
        config: smtp(req),
        secret: req.password,
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    update: async (req: SmtpFields & ById, ctx: HandlerContext) => ({
      details: objectDetailsV1(
        await providers.update(authenticatedCallerOf(ctx), 'email', req.id, {
          description: req.description,
          config: smtp(req),
          secret: req.password,
        }),
      ),
    }),
    /** An empty password clears the stored one, as in ZITADEL. */
    updatePassword: async (req: ById & { password: string }, ctx: HandlerContext) => ({
      details: objectDetailsV1(await providers.updateSmtpPassword(authenticatedCallerOf(ctx), req.id, req.password)),
    }),
    /** With an id and no password, the stored provider's password is used. */
    test: async (req: SmtpTest, ctx: HandlerContext) => {
      await providers.testSmtp(
        authenticatedCallerOf(ctx),
        smtpConfig({ ...req, replyToAddress: '' }),
        req.password,
        receiverAddress(req.receiverAddress),
        req.id || undefined,
      );
      return {};
    },
    testById: async (req: ById & { receiverAddress: string }, ctx: HandlerContext) => {
      await providers.testSmtpById(authenticatedCallerOf(ctx), req.id, receiverAddress(req.receiverAddress));
      return {};
    },
  };
}

/** The state and list bodies every provider channel shares; `view` renders a row as the edge's message. */
export function providerStateMethodsV1<V>(
  providers: ProvidersService,
  channel: ProviderChannel,
  view: (row: ProviderRow) => V,
) {
  return {
    list: async (req: { query?: Parameters<typeof page>[0] }, ctx: HandlerContext) => {
      const listed = await providers.list(authenticatedCallerOf(ctx), channel, page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(view) };
    },
    active: async (ctx: HandlerContext) => view(await providers.getActive(authenticatedCallerOf(ctx), channel)),
    byId: async (req: ById, ctx: HandlerContext) =>
      view(await providers.get(authenticatedCallerOf(ctx), channel, req.id)),
    activate: async (req: ById, ctx: HandlerContext) => ({
      details: objectDetailsV1(await providers.activate(authenticatedCallerOf(ctx), channel, req.id)),
    }),
    deactivate: async (req: ById, ctx: HandlerContext) => ({
      details: objectDetailsV1(await providers.deactivate(authenticatedCallerOf(ctx), channel, req.id)),
    }),
    remove: async (req: ById, ctx: HandlerContext) => ({
      details: objectDetailsV1(await providers.remove(authenticatedCallerOf(ctx), channel, req.id)),
    }),
  };
}
