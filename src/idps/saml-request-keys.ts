import { generateSelfSigned } from '../platform/crypto/self-signed-certificate.js';

/**
 * The key pair a SAML template's service provider signs its AuthnRequests with, and the
 * self-signed certificate it publishes in its metadata, as the template's sealed secrets.
 */
export async function generateSamlRequestKeys(
  commonName: string,
): Promise<{ samlKey: string; samlCertificate: string }> {
  const { privateKey, certificate } = await generateSelfSigned(commonName);
  return { samlKey: privateKey, samlCertificate: certificate };
}
