/**
 * The checks on configuration settings, declared beside each setting with `@valid(...)`. Written
 * here rather than taken from a validation library: the settings need a handful of checks, and a
 * general-purpose library (with its phone-number and locale tables) would stay in every server's
 * memory after the one validation at boot.
 */

/** A check of one value: the problem in words, or undefined when the value passes. */
export type Rule = (value: unknown, property: string) => string | undefined;

/** Marks a setting that may be unset: its other checks run only when it has a value. */
export const optional: Rule = () => undefined;

export const isString: Rule = (v, p) => (typeof v === 'string' ? undefined : `${p} must be a string`);

export const isInt: Rule = (v, p) => (Number.isInteger(v) ? undefined : `${p} must be an integer number`);

export function min(bound: number): Rule {
  return (v, p) => (typeof v === 'number' && v >= bound ? undefined : `${p} must not be less than ${bound}`);
}

export function max(bound: number): Rule {
  return (v, p) => (typeof v === 'number' && v <= bound ? undefined : `${p} must not be greater than ${bound}`);
}

export function minLength(length: number): Rule {
  return (v, p) =>
    typeof v === 'string' && v.length >= length
      ? undefined
      : `${p} must be longer than or equal to ${length} characters`;
}

export function isIn(values: readonly string[]): Rule {
  return (v, p) =>
    values.includes(v as string) ? undefined : `${p} must be one of the following values: ${values.join(', ')}`;
}

export function matches(pattern: RegExp, message: string): Rule {
  return (v) => (typeof v === 'string' && pattern.test(v) ? undefined : message);
}

/** An absolute http(s) URL with a host (a bare host name without a dot is fine: `http://mailcatcher`). */
export const isHttpUrl: Rule = (v, p) => {
  const problem = `${p} must be a URL address`;
  if (typeof v !== 'string' || /\s/.test(v)) return problem;
  try {
    const url = new URL(v);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? undefined : problem;
  } catch {
    return problem;
  }
};

/** JSON text of an object or array. */
export const isJsonObject: Rule = (v, p) => {
  const problem = `${p} must be a json string`;
  if (typeof v !== 'string') return problem;
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed !== null && typeof parsed === 'object' ? undefined : problem;
  } catch {
    return problem;
  }
};

/** A check with its own test and message. */
export function satisfies(test: (value: unknown) => boolean, message: string): Rule {
  return (v) => (test(v) ? undefined : message);
}

const rulesOf = new WeakMap<object, Map<string, readonly Rule[]>>();

/** Declares the checks of one setting (property decorator). */
export function valid(...rules: Rule[]): PropertyDecorator {
  return (prototype, property) => {
    let declared = rulesOf.get(prototype);
    if (!declared) rulesOf.set(prototype, (declared = new Map()));
    declared.set(String(property), rules);
  };
}

/** Every problem of an object's declared settings, each with the setting it belongs to. */
export function problems(target: object): { property: string; message: string }[] {
  const found: { property: string; message: string }[] = [];
  for (const [property, rules] of rulesOf.get(Object.getPrototypeOf(target) as object) ?? []) {
    const value = (target as Record<string, unknown>)[property];
    if (rules.includes(optional) && (value === undefined || value === null)) continue;
    for (const rule of rules) {
      const message = rule(value, property);
      if (message) found.push({ property, message });
    }
  }
  return found;
}
