import { lazyModule, lazyRequire, xmldom } from './lazy-module.js';

describe('lazyModule', () => {
  it('loads nothing until first asked, then once for every caller', async () => {
    let loads = 0;
    const load = lazyModule(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('has the library as `loaded` once its import finished, and not before', async () => {
    const load = lazyModule(async () => ({ ready: true }));
    expect(load.loaded).toBeUndefined();
    const pending = load();
    expect(load.loaded).toBeUndefined();
    expect(await pending).toBe(load.loaded);
  });

  it('tries again after a failed load', async () => {
    let tries = 0;
    const load = lazyModule(async () => {
      if (++tries === 1) throw new Error('not yet');
      return tries;
    });
    await expect(load()).rejects.toThrow('not yet');
    expect(await load()).toBe(2);
  });
});

describe('lazyRequire', () => {
  it('requires a CommonJS library on the first call and hands every later call the same exports', () => {
    const load = lazyRequire<typeof import('@xmldom/xmldom')>('@xmldom/xmldom');
    const first = load();
    expect(typeof first.DOMParser).toBe('function');
    expect(load()).toBe(first);
    expect(xmldom().DOMParser).toBe(first.DOMParser);
  });

  it('throws at the call, not at import, when the library is missing', () => {
    const load = lazyRequire('portcullis-no-such-library');
    expect(() => load()).toThrow(/portcullis-no-such-library/);
  });
});
