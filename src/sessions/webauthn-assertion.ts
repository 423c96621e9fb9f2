import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { webAuthnAssertionInvalid } from './sessions.errors.js';

/** Browsers' JSON and ZITADEL's login send base64url; tolerate standard base64 and padding too. */
function base64Url(value: JsonValue | undefined, field: string, optional = false): string | undefined {
  if ((value === undefined || value === null || value === '') && optional) return undefined;
  if (typeof value !== 'string' || !value) throw webAuthnAssertionInvalid(`${field} must be a base64url string`);
  const normal = value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]+$/.test(normal)) throw webAuthnAssertionInvalid(`${field} must be a base64url string`);
  return normal;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The PublicKeyCredential of navigator.credentials.get(), as JSON (WebAuthn L3 §5.1.8 `toJSON()`):
 * `{ id, rawId, type, response: { clientDataJSON, authenticatorData, signature, userHandle } }`.
 */
export function assertionOf(credential: JsonObject): AuthenticationResponseJSON {
  const response = credential.response;
  if (!isObject(response)) throw webAuthnAssertionInvalid('response must be the assertion response object');
  if ((credential.type ?? 'public-key') !== 'public-key') throw webAuthnAssertionInvalid('type must be "public-key"');
  return {
    id: base64Url(credential.id ?? credential.rawId, 'id')!,
    rawId: base64Url(credential.rawId ?? credential.id, 'rawId')!,
    type: 'public-key',
    response: {
      clientDataJSON: base64Url(response.clientDataJSON, 'response.clientDataJSON')!,
      authenticatorData: base64Url(response.authenticatorData, 'response.authenticatorData')!,
      signature: base64Url(response.signature, 'response.signature')!,
      userHandle: base64Url(response.userHandle, 'response.userHandle', true),
    },
    clientExtensionResults: isObject(credential.clientExtensionResults) ? credential.clientExtensionResults : {},
  };
}

/** The origin the browser reports in clientDataJSON (checked against the instance before use). */
export function assertionOrigin(assertion: AuthenticationResponseJSON): string {
  try {
    const clientData = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8')) as {
      origin?: unknown;
    };
    if (typeof clientData.origin === 'string') return clientData.origin;
  } catch {
    /* reported below */
  }
  throw webAuthnAssertionInvalid('response.clientDataJSON is not client data JSON with an origin');
}
