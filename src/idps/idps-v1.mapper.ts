import type { IdpTemplate } from './idp-config.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import type { TemplateQuery } from './idp-templates.service.js';
import { IDP_LIST_COLUMNS } from './idps.queries.js';
import { configOneof, kindNumber, optionsMessage, stateNumber } from './idps.mapper.js';

/** zitadel.idp.v1.Provider: owner SYSTEM (1) for the instance's, ORG (2) for an org's. */
export function providerV1(t: IdpTemplate) {
  return {
    id: t.id,
    details: detailsV1({
      sequence: t.sequence,
      creationDate: t.createdAt,
      changeDate: t.changedAt,
      resourceOwner: t.orgId ?? t.instanceId,
    }),
    state: stateNumber(t),
    name: t.name,
    owner: t.orgId === null ? 1 : 2,
    type: kindNumber(t.config.kind),
    config: { options: optionsMessage(t.options), config: configOneof(t.config, true) },
  };
}

type ProviderQueryV1 =
  | { case: 'idpIdQuery'; value: { id: string } }
  | { case: 'idpNameQuery'; value: { name: string; method: number } }
  | { case: 'ownerTypeQuery'; value: { ownerType: number } }
  | { case: undefined; value?: undefined };

/** ListProviders' queries; an empty query matches everything, as ZITADEL skips it. */
export function providerQueriesV1(queries: readonly { query: ProviderQueryV1 }[]): TemplateQuery[] {
  return queries.flatMap((q): TemplateQuery[] => {
    const query = q.query;
    switch (query.case) {
      case 'idpIdQuery':
        return [{ kind: 'id', id: query.value.id }];
      case 'idpNameQuery':
        return [
          {
            kind: 'name',
            filter: {
              op: 'text',
              column: IDP_LIST_COLUMNS.name,
              match: textMatch(query.value.method),
              value: query.value.name,
            },
          },
        ];
      case 'ownerTypeQuery':
        // IDP_OWNER_TYPE_SYSTEM is the instance's; ORG the org's own; UNSPECIFIED filters nothing.
        if (query.value.ownerType === 1) return [{ kind: 'owner', owner: 'instance' }];
        if (query.value.ownerType === 2) return [{ kind: 'owner', owner: 'org' }];
        return [];
      default:
        return [];
    }
  });
}

/** zitadel.idp.v1.IDPLoginPolicyLink: the old IDPType knows only OIDC (1) and JWT (3). */
export function loginPolicyLinkV1(link: { idpId: string; name: string; kind: string }) {
  return { idpId: link.idpId, idpName: link.name, idpType: link.kind === 'oidc' ? 1 : link.kind === 'jwt' ? 3 : 0 };
}
