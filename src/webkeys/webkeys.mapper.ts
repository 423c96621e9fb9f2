import { create } from '@bufbuild/protobuf';
import * as pb from '@zitadel/proto/zitadel/webkey/v2/key_pb.js';
import type { CreateWebKeyRequest } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { WebKey, WebKeyState } from './web-key.entity.js';
import { DEFAULT_WEB_KEY, type EcdsaCurve, type RsaBits, type RsaHasher, type WebKeyConfig } from './web-key-rules.js';

// Unspecified enum values take ZITADEL's defaults (RSA 2048 / SHA-256, P-256), as the contract says.
const BITS: Record<number, RsaBits> = { [pb.RSABits.RSA_BITS_3072]: 3072, [pb.RSABits.RSA_BITS_4096]: 4096 };
const HASHERS: Record<number, RsaHasher> = { [pb.RSAHasher.RSA_HASHER_SHA384]: 'sha384', [pb.RSAHasher.RSA_HASHER_SHA512]: 'sha512' };
const CURVES: Record<number, EcdsaCurve> = { [pb.ECDSACurve.ECDSA_CURVE_P384]: 'P-384', [pb.ECDSACurve.ECDSA_CURVE_P512]: 'P-521' };

/** The request's key type; field validation has refused undefined enum numbers already. */
export function webKeyConfig(key: CreateWebKeyRequest['key']): WebKeyConfig {
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

const STATE: Record<WebKeyState, pb.State> = { initial: pb.State.INITIAL, active: pb.State.ACTIVE, inactive: pb.State.INACTIVE };
const BITS_NUMBER: Record<RsaBits, pb.RSABits> = { 2048: pb.RSABits.RSA_BITS_2048, 3072: pb.RSABits.RSA_BITS_3072, 4096: pb.RSABits.RSA_BITS_4096 };
const HASHER_NUMBER: Record<RsaHasher, pb.RSAHasher> = {
  sha256: pb.RSAHasher.RSA_HASHER_SHA256, sha384: pb.RSAHasher.RSA_HASHER_SHA384, sha512: pb.RSAHasher.RSA_HASHER_SHA512,
};
const CURVE_NUMBER: Record<EcdsaCurve, pb.ECDSACurve> = {
  'P-256': pb.ECDSACurve.ECDSA_CURVE_P256, 'P-384': pb.ECDSACurve.ECDSA_CURVE_P384, 'P-521': pb.ECDSACurve.ECDSA_CURVE_P512,
};

function keyOf(config: WebKeyConfig): pb.WebKey['key'] {
  switch (config.type) {
    case 'rsa':
      return { case: 'rsa', value: create(pb.RSASchema, { bits: BITS_NUMBER[config.bits], hasher: HASHER_NUMBER[config.hasher] }) };
    case 'ecdsa':
      return { case: 'ecdsa', value: create(pb.ECDSASchema, { curve: CURVE_NUMBER[config.curve] }) };
    case 'ed25519':
      return { case: 'ed25519', value: create(pb.ED25519Schema) };
  }
}

export function webKeyV2(key: WebKey): pb.WebKey {
  return create(pb.WebKeySchema, {
    id: key.id,
    creationDate: ts(key.createdAt),
    changeDate: ts(key.changedAt),
    state: STATE[key.state],
    key: keyOf(key.config),
  });
}
