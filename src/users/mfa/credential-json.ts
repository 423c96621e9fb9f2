import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { webAuthnCredentialInvalid } from './mfa.errors.js';

const FIELD = 'public_key_credential';

/** Browsers' JSON and ZITADEL's login send base64url; tolerate standard base64 and padding too. */
function base64Url(value: JsonValue | undefined, field: string): string {
  if (typeof value !== 'string' || !value)
    throw webAuthnCredentialInvalid(`${FIELD}.${field}`, 'must be a base64url string');
  const normal = value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]+$/.test(normal))
    throw webAuthnCredentialInvalid(`${FIELD}.${field}`, 'must be a base64url string');
  return normal;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The PublicKeyCredential of navigator.credentials.create(), as JSON (WebAuthn L3 §5.1.8
 * `toJSON()`): `{ id, rawId, type, response: { clientDataJSON, attestationObject } }`.
 */
export function registrationResponseOf(credential: JsonObject | undefined): RegistrationResponseJSON {
  if (!credential) throw webAuthnCredentialInvalid(FIELD, 'is required');
  const response = credential.response;
  if (!isObject(response))
    throw webAuthnCredentialInvalid(`${FIELD}.response`, 'must be the attestation response object');
  if ((credential.type ?? 'public-key') !== 'public-key')
    throw webAuthnCredentialInvalid(`${FIELD}.type`, 'must be "public-key"');
  const id = base64Url(credential.id ?? credential.rawId, 'id');
  const rawId = base64Url(credential.rawId ?? credential.id, 'rawId');
  const transports = Array.isArray(response.transports)
    ? response.transports.filter((t): t is string => typeof t === 'string')
    : undefined;
  return {
    id,
    rawId,
    type: 'public-key',
    response: {
      clientDataJSON: base64Url(response.clientDataJSON, 'response.clientDataJSON'),
      attestationObject: base64Url(response.attestationObject, 'response.attestationObject'),
      transports,
    },
    clientExtensionResults: isObject(credential.clientExtensionResults) ? credential.clientExtensionResults : {},
  };
}

/** The origin the browser reports in clientDataJSON (checked against the instance before use). */
export function clientDataOrigin(response: RegistrationResponseJSON): string {
  try {
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as {
      origin?: unknown;
    };
    if (typeof clientData.origin === 'string') return clientData.origin;
  } catch {
    /* reported below */
  }
  throw webAuthnCredentialInvalid(`${FIELD}.response.clientDataJSON`, 'is not client data JSON with an origin');
}
