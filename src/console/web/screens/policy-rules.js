// The rules of the settings screens that need no browser: where a policy is read and written at
// each level, and how a form's values become the request (the API's durations, lists, nested
// fields). Plain functions without imports, unit-tested in src/console/console-policy-rules.spec.ts.

export const ADMIN = 'zitadel.admin.v1.AdminService';
export const MANAGEMENT = 'zitadel.management.v1.ManagementService';

/**
 * How a field is edited: a checkbox, a number, a duration in hours (the API's "3600s"), text of
 * an input type, a list edited one a line, or a checkbox for an enum of two values (FLAGS).
 * @typedef {'bool' | 'number' | 'hours' | 'text' | 'url' | 'email' | 'lines' | 'passwordless'} FieldType
 */

/**
 * Enums of two values shown as a checkbox: the value when ticked, the value when not. ZITADEL's
 * passwordless type is allowed or not allowed (its console shows it as one switch too).
 * @type {Record<string, [string, string]>}
 */
export const FLAGS = { passwordless: ['PASSWORDLESS_TYPE_ALLOWED', 'PASSWORDLESS_TYPE_NOT_ALLOWED'] };

/** Whether a field of the type is a checkbox. @param {FieldType} type */
export const isCheckbox = (type) => type === 'bool' || type in FLAGS;

/** @typedef {import('./settings.js').Policy} Policy */

/** @param {any} object @param {string} path e.g. embeddedIframe.enabled */
export const valueAt = (object, path) => path.split('.').reduce((o, key) => o?.[key], object);

/** @param {Record<string, any>} object @param {string} path @param {unknown} value */
export function setAt(object, path, value) {
  const keys = path.split('.');
  const last = /** @type {string} */ (keys.pop());
  let target = object;
  for (const key of keys) target = target[key] ??= {};
  target[last] = value;
}

/** A duration as Connect's JSON writes it ("3600s", "0.5s") in hours, and back. */
export const hoursOf = (/** @type {unknown} */ d) => String(Number.parseFloat(String(d ?? '0s')) / 3600);
export const durationOf = (/** @type {unknown} */ hours) => `${Math.round(Number(hours ?? 0) * 3600)}s`;

/** What a form field holds for the policy's value, and what the request carries for the field's text. */
export const CODEC = {
  /** @param {FieldType} type @param {unknown} value */
  toForm: (type, value) => {
    if (type === 'bool') return value === true;
    if (type in FLAGS) return value === FLAGS[type][0];
    if (type === 'hours') return hoursOf(value);
    if (type === 'lines') return /** @type {string[]} */ (value ?? []).join('\n');
    return String(value ?? (type === 'number' ? '0' : ''));
  },
  /** @param {FieldType} type @param {unknown} value */
  toRequest: (type, value) =>
    type === 'bool'
      ? value === true
      : type in FLAGS
        ? FLAGS[type][value === true ? 0 : 1]
        : type === 'number'
          ? Number(value ?? 0)
          : type === 'hours'
            ? durationOf(value)
            : type === 'lines'
              ? String(value ?? '')
                  .split('\n')
                  .map((l) => l.trim())
                  .filter(Boolean)
              : String(value ?? ''),
};

/**
 * The request that saves `values` over `policy`: the edited fields and the kept ones.
 * @param {Policy} def @param {any} policy as read @param {Record<string, unknown>} values @param {boolean} adding
 */
export function requestOf(def, policy, values, adding) {
  /** @type {Record<string, unknown>} */
  const body = {};
  for (const key of [...def.keep, ...(adding ? (def.keepOnAdd ?? []) : [])])
    if (policy[key] !== undefined) body[key] = policy[key];
  for (const [path, , type] of def.fields) setAt(body, path, CODEC.toRequest(type, values[path]));
  return body;
}

/**
 * Where a policy is read, saved and reset at a level, and who may do each.
 * @param {Policy} def @param {'org' | 'instance'} level @param {string} orgId
 */
export function endpointsOf(def, level, orgId) {
  if (level === 'instance') {
    const own = def.instance;
    return {
      read: own?.read ?? [ADMIN, def.read ?? `Get${def.name}`],
      key: own?.key ?? 'policy',
      opts: {},
      save: (/** @type {boolean} */ _inherited) => own?.save ?? [ADMIN, `Update${def.name}`],
      reset: undefined,
      extra: {},
      write: own?.permissions[1] ?? 'iam.policy.write',
      remove: '',
    };
  }
  const admin = def.orgByAdmin === true;
  const service = admin ? ADMIN : MANAGEMENT;
  return {
    read: [MANAGEMENT, def.read ?? `Get${def.name}`],
    key: 'policy',
    opts: { orgId },
    save: (/** @type {boolean} */ inherited) => [service, `${inherited ? 'AddCustom' : 'UpdateCustom'}${def.name}`],
    reset: [service, admin ? `ResetCustom${def.name}ToDefault` : `Reset${def.name}ToDefault`],
    // The admin API names the org in the request rather than in the org header.
    extra: admin ? { orgId } : {},
    write: admin ? 'iam.policy.write' : 'policy.write',
    remove: admin ? 'iam.policy.delete' : 'policy.delete',
  };
}
