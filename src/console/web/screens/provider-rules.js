// The rules of the email and SMS provider forms that need no browser. Plain functions without
// imports, unit-tested in src/console/console-provider-rules.spec.ts.

/**
 * The settings of a listed provider as its kind's update method takes them: the description beside
 * the kind's settings (`provider[config]`). The secret's field is left out: the API never lists it,
 * and a form must not send an empty one back.
 * @param {{ config: string, fields: [string, string, string][], secret?: { key: string } }} form
 * @param {any} provider as ListEmailProviders / ListSMSProviders answer it
 * @returns {Record<string, string | boolean>}
 */
export const settingsOf = (form, provider) =>
  Object.fromEntries(
    form.fields
      .filter(([key]) => key !== form.secret?.key)
      .map(([key, , type]) => {
        const stored = key === 'description' ? provider.description : provider[form.config]?.[key];
        return [key, type === 'bool' ? stored === true : String(stored ?? '')];
      }),
  );
