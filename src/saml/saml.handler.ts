import { create } from '@bufbuild/protobuf';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { SAMLRequestSchema } from '@zitadel/proto/zitadel/saml/v2/authorization_pb.js';
import {
  PostResponseSchema,
  RedirectResponseSchema,
  SAMLService,
} from '@zitadel/proto/zitadel/saml/v2/saml_service_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { SamlLoginService, type SamlAnswer } from './saml-login.service.js';
import { BINDING } from './saml-xml.js';
import { responseKindMissing } from './saml.errors.js';

/**
 * ZITADEL's login-UI surface for SAML: reading and answering a request (with a session or an
 * error) take session.link (IAM_LOGIN_CLIENT), checked again on the instance by the service.
 */
export const SAML_V2_ACCESS: AccessTable<typeof SAMLService> = {
  getSAMLRequest: { permission: 'session.link' },
  createResponse: { permission: 'session.link' },
};

/** Transport edge of zitadel.saml.v2.SAMLService. */
@Injectable()
export class SamlHandler implements OnModuleInit {
  constructor(
    private readonly saml: SamlLoginService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: SAMLService, impl: this.v2, access: SAML_V2_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof SAMLService>> = {
    getSAMLRequest: async (req, ctx) => {
      const r = await this.saml.getRequest(authenticatedCallerOf(ctx), req.samlRequestId);
      return {
        samlRequest: create(SAMLRequestSchema, {
          id: r.id,
          creationDate: ts(r.createdAt),
          issuer: r.issuer,
          assertionConsumerService: r.acsUrl,
          relayState: r.relayState,
          binding: r.responseBinding === 'post' ? BINDING.post : BINDING.redirect,
        }),
      };
    },
    createResponse: async (req, ctx) => {
      const kind = req.responseKind;
      const answer: SamlAnswer =
        kind.case === 'session'
          ? { kind: 'session', sessionId: kind.value.sessionId, sessionToken: kind.value.sessionToken }
          : kind.case === 'error'
            ? { kind: 'error', reason: kind.value.error, description: kind.value.errorDescription }
            : (() => {
                throw responseKindMissing();
              })();
      const { details, delivery } = await this.saml.createResponse(
        authenticatedCallerOf(ctx),
        req.samlRequestId,
        answer,
      );
      return delivery.binding === 'post'
        ? {
            details: detailsV2(details),
            url: delivery.url,
            binding: {
              case: 'post',
              value: create(PostResponseSchema, {
                relayState: delivery.fields.RelayState ?? '',
                samlResponse: delivery.fields.SAMLResponse,
              }),
            },
          }
        : {
            details: detailsV2(details),
            url: delivery.url,
            binding: { case: 'redirect', value: create(RedirectResponseSchema, {}) },
          };
    },
  };
}
