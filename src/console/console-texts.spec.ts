// Every text of the console exists in English and German (browser modules without types).
const texts: Record<string, string> = { en: './web/i18n-en.js', de: './web/i18n-de.js' };

describe('console texts', () => {
  it('has the same keys in English and German, none empty, with the same placeholders', async () => {
    const en = ((await import(texts.en)) as { en: Record<string, string> }).en;
    const de = ((await import(texts.de)) as { de: Record<string, string> }).de;
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en)) {
      expect([key, en[key].trim().length > 0, de[key].trim().length > 0]).toEqual([key, true, true]);
      expect([key, placeholders(de[key])]).toEqual([key, placeholders(en[key])]);
    }
  });
});
