import type { MessageInitShape } from '@bufbuild/protobuf';
import { IDPType, type IDPUserLinkSchema } from '@zitadel/proto/zitadel/idp_pb.js';
import type { IDPLinkSchema } from '@zitadel/proto/zitadel/user/v2/idp_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import type { IdpKind } from './idp-config.js';
import type { IdpLinkView } from './links.queries.js';
import type { UpstreamIdentity } from './links.service.js';

/** zitadel.user.v2.IDPLink of a stored link. */
export function idpLinkV2(link: IdpLinkView): MessageInitShape<typeof IDPLinkSchema> {
  return { idpId: link.idpId, userId: link.externalUserId, userName: link.externalUserName };
}

/** The identity a zitadel.user.v2.IDPLink names (AddIDPLink, AddHumanUser's idp_links). */
export function upstreamIdentity(
  link: { idpId: string; userId: string; userName: string } | undefined,
  field: string,
): UpstreamIdentity {
  if (!link) throw invalidField('IDPLINK-r3q1d', field, 'is required');
  return { idpId: link.idpId, userId: link.userId, userName: link.userName };
}

/** v1's IDPType knows only OIDC and JWT; every other kind is unspecified there (ZITADEL's IDPTypeToPb). */
export function idpTypeV1(kind: IdpKind): IDPType {
  switch (kind) {
    case 'oidc':
      return IDPType.IDP_TYPE_OIDC;
    case 'jwt':
      return IDPType.IDP_TYPE_JWT;
    default:
      return IDPType.IDP_TYPE_UNSPECIFIED;
  }
}

/** zitadel.idp.v1.IDPUserLink of a stored link (management and auth v1). */
export function idpUserLinkV1(link: IdpLinkView): MessageInitShape<typeof IDPUserLinkSchema> {
  return {
    userId: link.userId,
    idpId: link.idpId,
    idpName: link.idpName,
    providedUserId: link.externalUserId,
    providedUserName: link.externalUserName,
    idpType: idpTypeV1(link.idpKind),
  };
}
