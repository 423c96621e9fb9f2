import { LoginCustomTextSchema } from '@zitadel/proto/zitadel/text_pb.js';
import { mergeTranslations, translationAt } from './settings-rules.js';

/**
 * The v1 custom login texts (zitadel.text.v1.LoginCustomText: screens of fields) kept in the hosted
 * login's translations, the one store the login reads. A field with a counterpart among Login V2's
 * keys lives at that key; the others, which no page shows, under `V1_ONLY`. Pure rules.
 */

/** `screen.field` of LoginCustomText, e.g. `loginText.title`. */
export type LoginTextField = string;
export type LoginTexts = Readonly<Record<LoginTextField, string>>;

/** The subtree of a translation holding the v1 fields without a Login V2 counterpart. */
export const V1_ONLY = 'v1LoginTexts';

/** Every screen of LoginCustomText and its fields, from the contract's descriptor. */
export const LOGIN_TEXT_SCREENS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  LoginCustomTextSchema.fields
    .filter((f) => f.fieldKind === 'message' && f.localName !== 'details')
    .map((f) => [f.localName, f.message!.fields.map((g) => g.localName)]),
);

export const LOGIN_TEXT_FIELDS: readonly LoginTextField[] = Object.entries(LOGIN_TEXT_SCREENS).flatMap(
  ([screen, fields]) => fields.map((f) => `${screen}.${f}`),
);

/** The v1 fields the hosted login shows, and the Login V2 key they are stored under. */
export const HOSTED_KEYS: Readonly<Record<LoginTextField, string>> = {
  'selectAccountText.title': 'accounts.title',
  'selectAccountText.description': 'accounts.description',
  'selectAccountText.otherUser': 'accounts.addAnother',
  'loginText.title': 'loginname.title',
  'loginText.description': 'loginname.description',
  'loginText.loginNameLabel': 'loginname.labels.loginname',
  'loginText.registerButtonText': 'loginname.register',
  'loginText.nextButtonText': 'loginname.submit',
  'passwordText.title': 'password.verify.title',
  'passwordText.description': 'password.verify.description',
  'passwordText.passwordLabel': 'password.verify.labels.password',
  'passwordText.resetLinkText': 'password.verify.resetPassword',
  'passwordText.nextButtonText': 'password.verify.submit',
  'passwordChangeText.title': 'password.change.title',
  'passwordChangeText.description': 'password.change.description',
  'passwordChangeText.newPasswordLabel': 'password.change.labels.newPassword',
  'passwordChangeText.newPasswordConfirmLabel': 'password.change.labels.confirmPassword',
  'passwordChangeText.nextButtonText': 'password.change.submit',
  'initMfaPromptText.title': 'mfa.set.title',
  'initMfaPromptText.description': 'mfa.set.description',
  'initMfaPromptText.skipButtonText': 'mfa.set.skip',
  'verifyMfaOtpText.title': 'otp.verify.title',
  'verifyMfaOtpText.codeLabel': 'otp.verify.labels.code',
  'verifyMfaOtpText.nextButtonText': 'otp.verify.submit',
  'logoutText.title': 'logout.success.title',
  'logoutText.description': 'logout.success.description',
  'passwordlessText.title': 'passkey.verify.title',
  'passwordlessText.description': 'passkey.verify.description',
};

/** Where a v1 field is stored in a translation tree. */
export function storedPath(field: LoginTextField): readonly string[] {
  return Object.hasOwn(HOSTED_KEYS, field) ? HOSTED_KEYS[field].split('.') : [V1_ONLY, field];
}

/**
 * ZITADEL's key of a field in its `customtext.set` events: the screen without its `Text` suffix,
 * capitalised, then the field (`loginText.title` -> `Login.Title`).
 */
export function eventKey(field: LoginTextField): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const [screen, name] = field.split('.');
  return `${cap(screen.replace(/Text$/, ''))}.${cap(name)}`;
}

/** The v1 fields a translation tree holds (non-empty strings only). */
export function loginTextsOf(tree: Record<string, unknown> | undefined): LoginTexts {
  const texts: Record<string, string> = {};
  for (const field of LOGIN_TEXT_FIELDS) {
    const value = translationAt(tree, storedPath(field));
    if (typeof value === 'string' && value !== '') texts[field] = value;
  }
  return texts;
}

function without(tree: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (!Object.hasOwn(tree, head)) return tree;
  const { [head]: child, ...others } = tree;
  if (!rest.length) return others;
  if (typeof child !== 'object' || child === null) return tree;
  const pruned = without(child as Record<string, unknown>, rest);
  return Object.keys(pruned).length ? { ...others, [head]: pruned } : others;
}

/** `{a: {b: value}}` for the path `a.b`. */
function tree(path: readonly string[], value: string): Record<string, unknown> {
  const leaf: Record<string, unknown> = { [path[path.length - 1]]: value };
  return path.slice(0, -1).reduceRight((inner, part) => ({ [part]: inner }), leaf);
}

/**
 * The translation tree with the v1 fields replaced by `texts` (ZITADEL's SetCustomLoginText sets
 * the whole text: a field left empty is removed); keys of Login V2 without a v1 field stay.
 */
export function withLoginTexts(
  stored: Record<string, unknown> | undefined,
  texts: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  let result = withoutLoginTexts(stored);
  for (const field of LOGIN_TEXT_FIELDS) {
    const value = texts[field];
    if (value) result = mergeTranslations(result, tree(storedPath(field), value));
  }
  return result;
}

/** The translation tree without any v1 field. */
export function withoutLoginTexts(stored: Record<string, unknown> | undefined): Record<string, unknown> {
  return LOGIN_TEXT_FIELDS.reduce((t, field) => without(t, storedPath(field)), stored ?? {});
}
