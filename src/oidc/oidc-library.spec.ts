import { loadOidcLibrary, oidcLibrary } from './oidc-library.js';

describe('the oidc-provider library', () => {
  it('is not imported until a provider is built, and then serves every synchronous caller', async () => {
    expect(() => oidcLibrary()).toThrow(/before any provider was built/);
    const loaded = await loadOidcLibrary();
    expect(oidcLibrary()).toBe(loaded);
    expect(new (oidcLibrary().errors.InvalidGrant)()).toBeInstanceOf(oidcLibrary().errors.OIDCProviderError);
  });
});
