import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type {
  AddInstanceRequest,
  CreateInstanceRequest,
  SetInstanceFeatureRequest,
} from '@zitadel/proto/zitadel/system_pb.js';
import { InstanceFeature } from '@zitadel/proto/zitadel/feature_pb.js';
import { KeyType } from '@zitadel/proto/zitadel/auth_n_key_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import type { FeatureValues } from '../features/feature-flags.js';
import type { HumanOwner, MachineOwner } from './instance-setup.service.js';
import { featureUnknown, featureValueMissing } from './instances.errors.js';
import type { CreateInstanceInput } from './system-instances.service.js';

// zitadel.system.v1 requests that create an instance -> the instance setup's input.

/** As ZITADEL's PAT without an expiration date: valid until removed, in practice. */
const PAT_WITHOUT_EXPIRY = new Date(Date.UTC(9999, 0, 1));

const dateOf = (t: Timestamp | undefined): Date | undefined => (t ? timestampDate(t) : undefined);

interface HumanFields {
  readonly userName: string;
  readonly email?: { email: string; isEmailVerified: boolean };
  readonly profile?: { firstName: string; lastName: string; preferredLanguage: string };
  readonly password?: { password: string; passwordChangeRequired: boolean };
}

/**
 * The first human owner. Left empty, ZITADEL takes its defaults from the server's DefaultInstance
 * settings; here the user name is the configured admin user name, the email
 * `<user name>@<the first org's domain>`, and without a password the owner sets one by a reset.
 */
function humanOwner(h: HumanFields, defaultUsername: string, fieldPath: string): HumanOwner {
  return {
    kind: 'human',
    username: h.userName.trim() || defaultUsername,
    givenName: h.profile?.firstName.trim() || 'Instance',
    familyName: h.profile?.lastName.trim() || 'Owner',
    ...(h.email?.email.trim() ? { email: h.email.email.trim() } : {}),
    emailVerified: h.email?.isEmailVerified ?? false,
    ...(h.password?.password
      ? { password: { value: h.password.password, changeRequired: h.password.passwordChangeRequired } }
      : {}),
    ...(h.profile?.preferredLanguage ? { preferredLanguage: h.profile.preferredLanguage } : {}),
    fieldPath,
  };
}

export function addInstanceInput(req: AddInstanceRequest, defaultUsername: string): CreateInstanceInput {
  return {
    name: req.instanceName,
    orgName: req.firstOrgName,
    customDomain: req.customDomain,
    defaultLanguage: req.defaultLanguage,
    owner: humanOwner(
      {
        userName: req.ownerUserName,
        ...(req.ownerEmail ? { email: req.ownerEmail } : {}),
        ...(req.ownerProfile ? { profile: req.ownerProfile } : {}),
        ...(req.ownerPassword ? { password: req.ownerPassword } : {}),
      },
      defaultUsername,
      'owner',
    ),
  };
}

function machineOwner(m: Extract<CreateInstanceRequest['owner'], { case: 'machine' }>['value']): MachineOwner {
  if (!m.userName.trim()) throw invalidField('INST-m4ch0', 'machine.user_name', 'must not be blank');
  const key = m.machineKey;
  if (key && key.type !== KeyType.JSON && key.type !== KeyType.UNSPECIFIED)
    throw invalidField('INST-k3yty', 'machine.machine_key.type', 'only KEY_TYPE_JSON keys are issued');
  const keyExpiry = dateOf(key?.expirationDate);
  return {
    kind: 'machine',
    username: m.userName.trim(),
    name: m.name.trim() || m.userName.trim(),
    ...(m.personalAccessToken
      ? { pat: { expiresAt: dateOf(m.personalAccessToken.expirationDate) ?? PAT_WITHOUT_EXPIRY } }
      : {}),
    ...(key ? { key: keyExpiry ? { expiresAt: keyExpiry } : {} } : {}),
  };
}

export function createInstanceInput(req: CreateInstanceRequest, defaultUsername: string): CreateInstanceInput {
  const owner = req.owner;
  return {
    name: req.instanceName,
    orgName: req.firstOrgName,
    customDomain: req.customDomain,
    defaultLanguage: req.defaultLanguage,
    owner:
      owner.case === 'human'
        ? humanOwner(owner.value, defaultUsername, 'human')
        : owner.case === 'machine'
          ? machineOwner(owner.value)
          : undefined,
  };
}

/** SetInstanceFeature's one flag and its boolean value, as the instance flag it sets. */
export function instanceFeatureInput(req: SetInstanceFeatureRequest): FeatureValues {
  if (req.featureId !== InstanceFeature.LOGIN_DEFAULT_ORG) throw featureUnknown();
  if (req.value.case !== 'bool') throw featureValueMissing();
  return { loginDefaultOrg: req.value.value };
}
