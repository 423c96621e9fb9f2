import { importPKCS8, SignJWT } from 'jose';

/** Apple accepts a client secret for at most six months; each one made here lives five minutes. */
const CLIENT_SECRET_SECONDS = 5 * 60;

/**
 * Sign in with Apple's client secret: a JWT signed (ES256) with the team's private key, naming
 * the key (`kid`), the team (`iss`), the service id (`sub`) and Apple (`aud`, the issuer).
 */
export async function appleClientSecret(input: {
  teamId: string;
  keyId: string;
  clientId: string;
  privateKeyPem: string;
  audience: string;
  now?: Date;
}): Promise<string> {
  const key = await importPKCS8(input.privateKeyPem, 'ES256');
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: input.keyId })
    .setIssuer(input.teamId)
    .setSubject(input.clientId)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + CLIENT_SECRET_SECONDS)
    .sign(key);
}
