import { createRequire } from 'node:module';

/** A library loaded on first use: call it for the library; `loaded` has it once the import finished. */
export type LazyModule<T> = (() => Promise<T>) & { readonly loaded: T | undefined };

/**
 * A library loaded on its first use instead of at boot: for heavy ones most servers never touch
 * (the embedded database, SMTP, WebAuthn), so an idle server does not hold their code and objects.
 * The import runs once; every caller after the first shares its promise. Callers on a hot path
 * read `loaded` first and skip the promise once the library is there.
 */
export function lazyModule<T>(load: () => Promise<T>): LazyModule<T> {
  let loading: Promise<T> | undefined;
  let loaded: T | undefined;
  const get = () => {
    loading ??= load().then(
      (mod) => (loaded = mod),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    return loading;
  };
  return Object.defineProperty(get, 'loaded', { get: () => loaded }) as LazyModule<T>;
}

/** WebAuthn's verification library: used only while a passkey or security key is registered or checked. */
export const simpleWebAuthn = lazyModule(() => import('@simplewebauthn/server'));

/**
 * A CommonJS library required on its first use, for callers that must stay synchronous (a parser
 * called deep inside sync code): the first call reads it, every later one gets the same exports.
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(import.meta.url)(specifier) as T);
}

/** The XML DOM: used only for SAML messages and SAML metadata, which most servers never see. */
export const xmldom = lazyRequire<typeof import('@xmldom/xmldom')>('@xmldom/xmldom');
