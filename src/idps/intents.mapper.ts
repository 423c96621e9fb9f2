import { create, type JsonObject } from '@bufbuild/protobuf';
import { IDPInformationSchema, type IDPInformation } from '@zitadel/proto/zitadel/user/v2/idp_pb.js';
import {
  AddHumanUserRequestSchema,
  type AddHumanUserRequest,
  type RetrieveIdentityProviderIntentResponse,
  type StartIdentityProviderIntentResponse,
} from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { detailsV2 } from '../platform/rpc/proto-mapping.js';
import type { IdpInformation } from './connectors/connector.js';
import type { RetrievedIntent, Started } from './intents.service.js';

type Plain<T> = Omit<T, '$typeName' | '$unknown'>;

/** Only JSON values survive a Struct; a round trip through JSON drops undefined and functions. */
const asJsonObject = (value: Record<string, unknown>): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

export function startedV2(started: Started, instanceId: string): Plain<StartIdentityProviderIntentResponse> {
  const details = detailsV2({ sequence: started.sequence, changeDate: started.changedAt, resourceOwner: instanceId });
  const next = started.next;
  if ('authUrl' in next) return { details, nextStep: { case: 'authUrl', value: next.authUrl } };
  if ('formData' in next) {
    return {
      details,
      nextStep: {
        case: 'formData',
        value: { $typeName: 'zitadel.user.v2.FormData', ...next.formData, fields: { ...next.formData.fields } },
      },
    };
  }
  return {
    details,
    nextStep: {
      case: 'idpIntent',
      value: {
        $typeName: 'zitadel.user.v2.IDPIntent',
        idpIntentId: next.intent.id,
        idpIntentToken: next.intent.token,
        userId: next.intent.userId ?? '',
      },
    },
  };
}

function informationV2(idpId: string, info: IdpInformation): IDPInformation {
  const base = {
    idpId,
    userId: info.user.id,
    userName: info.user.preferredUsername ?? '',
    rawInformation: asJsonObject(info.raw),
  };
  if (info.ldap) {
    return create(IDPInformationSchema, {
      ...base,
      access: { case: 'ldap', value: { attributes: asJsonObject(info.ldap.attributes) } },
    });
  }
  if (info.saml) {
    return create(IDPInformationSchema, {
      ...base,
      access: { case: 'saml', value: { assertion: new TextEncoder().encode(info.saml.assertion) } },
    });
  }
  if (info.oauth && (info.oauth.accessToken || info.oauth.idToken)) {
    return create(IDPInformationSchema, {
      ...base,
      access: {
        case: 'oauth',
        value: {
          accessToken: info.oauth.accessToken ?? '',
          ...(info.oauth.idToken ? { idToken: info.oauth.idToken } : {}),
        },
      },
    });
  }
  return create(IDPInformationSchema, base);
}

/**
 * The user ZITADEL suggests creating from the upstream profile: username from the preferred
 * username, the names, the email (verified only when the upstream says so, else a code is sent),
 * the phone likewise, and the link to the upstream identity.
 */
export function addHumanUserFrom(idpId: string, info: IdpInformation): AddHumanUserRequest {
  const u = info.user;
  return create(AddHumanUserRequestSchema, {
    ...(u.preferredUsername ? { username: u.preferredUsername } : {}),
    profile: {
      givenName: u.givenName ?? '',
      familyName: u.familyName ?? '',
      ...(u.nickName ? { nickName: u.nickName } : {}),
      ...(u.displayName ? { displayName: u.displayName } : {}),
      ...(u.preferredLanguage ? { preferredLanguage: u.preferredLanguage } : {}),
    },
    email: {
      email: u.email ?? '',
      verification: u.emailVerified ? { case: 'isVerified', value: true } : { case: 'sendCode', value: {} },
    },
    ...(u.phone
      ? {
          phone: {
            phone: u.phone,
            verification: u.phoneVerified ? { case: 'isVerified', value: true } : { case: 'sendCode', value: {} },
          },
        }
      : {}),
    idpLinks: [{ idpId, userId: u.id, userName: u.preferredUsername ?? '' }],
  });
}

/** As ZITADEL, the suggested new user comes only when the upstream identity is not linked to one yet. */
export function retrievedV2(intent: RetrievedIntent): Plain<RetrieveIdentityProviderIntentResponse> {
  return {
    details: detailsV2({ sequence: 0n, changeDate: intent.changedAt, resourceOwner: intent.instanceId }),
    idpInformation: informationV2(intent.idpId, intent.information),
    userId: intent.userId ?? '',
    ...(intent.userId ? {} : { addHumanUser: addHumanUserFrom(intent.idpId, intent.information) }),
  };
}
