import { create } from '@bufbuild/protobuf';
import * as pb from '@zitadel/proto/zitadel/webkey/v2/key_pb.js';
import * as v2beta from '@zitadel/proto/zitadel/webkey/v2beta/key_pb.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { WebKey, WebKeyState } from './web-key.entity.js';
import { DEFAULT_WEB_KEY, type EcdsaCurve, type RsaBits, type RsaHasher, type WebKeyConfig } from './web-key-rules.js';

// v2 and v2beta share key.proto field for field, enum numbers included: the maps below use v2's
// names and serve both versions as plain numbers.

/** The key-type oneof of v2's and v2beta's CreateWebKeyRequest and WebKey. */
type KeyOneof<Ed25519> =
  | { case: 'rsa'; value: { bits: number; hasher: number } }
  | { case: 'ecdsa'; value: { curve: number } }
  | { case: 'ed25519'; value: Ed25519 };
export type KeyConfigOneof = KeyOneof<object> | { case: undefined; value?: undefined };

// Unspecified enum values take ZITADEL's defaults (RSA 2048 / SHA-256, P-256), as the contract says.
const BITS: Record<number, RsaBits> = { [pb.RSABits.RSA_BITS_3072]: 3072, [pb.RSABits.RSA_BITS_4096]: 4096 };
const HASHERS: Record<number, RsaHasher> = {
  [pb.RSAHasher.RSA_HASHER_SHA384]: 'sha384',
  [pb.RSAHasher.RSA_HASHER_SHA512]: 'sha512',
};
const CURVES: Record<number, EcdsaCurve> = {
  [pb.ECDSACurve.ECDSA_CURVE_P384]: 'P-384',
  [pb.ECDSACurve.ECDSA_CURVE_P512]: 'P-521',
};

/** The request's key type; field validation has refused undefined enum numbers already. */
export function webKeyConfig(key: KeyConfigOneof): WebKeyConfig {
  switch (key.case) {
    case 'rsa':
      return { type: 'rsa', bits: BITS[key.value.bits] ?? 2048, hasher: HASHERS[key.value.hasher] ?? 'sha256' };
    case 'ecdsa':
      return { type: 'ecdsa', curve: CURVES[key.value.curve] ?? 'P-256' };
    case 'ed25519':
      return { type: 'ed25519' };
    default:
      return DEFAULT_WEB_KEY;
  }
}

const STATE: Record<WebKeyState, number> = {
  initial: pb.State.INITIAL,
  active: pb.State.ACTIVE,
  inactive: pb.State.INACTIVE,
};
const BITS_NUMBER: Record<RsaBits, number> = {
  2048: pb.RSABits.RSA_BITS_2048,
  3072: pb.RSABits.RSA_BITS_3072,
  4096: pb.RSABits.RSA_BITS_4096,
};
const HASHER_NUMBER: Record<RsaHasher, number> = {
  sha256: pb.RSAHasher.RSA_HASHER_SHA256,
  sha384: pb.RSAHasher.RSA_HASHER_SHA384,
  sha512: pb.RSAHasher.RSA_HASHER_SHA512,
};
const CURVE_NUMBER: Record<EcdsaCurve, number> = {
  'P-256': pb.ECDSACurve.ECDSA_CURVE_P256,
  'P-384': pb.ECDSACurve.ECDSA_CURVE_P384,
  'P-521': pb.ECDSACurve.ECDSA_CURVE_P512,
};

/** Plain init values (no $typeName), so `create` builds the nested messages of either version. */
function keyOf(config: WebKeyConfig): KeyOneof<Record<string, never>> {
  switch (config.type) {
    case 'rsa':
      return { case: 'rsa', value: { bits: BITS_NUMBER[config.bits], hasher: HASHER_NUMBER[config.hasher] } };
    case 'ecdsa':
      return { case: 'ecdsa', value: { curve: CURVE_NUMBER[config.curve] } };
    case 'ed25519':
      return { case: 'ed25519', value: {} };
  }
}

function webKeyFields(key: WebKey) {
  return {
    id: key.id,
    creationDate: ts(key.createdAt),
    changeDate: ts(key.changedAt),
    state: STATE[key.state],
    key: keyOf(key.config),
  };
}

export function webKeyV2(key: WebKey): pb.WebKey {
  return create(pb.WebKeySchema, webKeyFields(key));
}

export function webKeyV2beta(key: WebKey): v2beta.WebKey {
  return create(v2beta.WebKeySchema, webKeyFields(key));
}
