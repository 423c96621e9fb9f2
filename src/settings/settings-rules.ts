import type { FieldViolation } from '../platform/errors/domain-error.js';
import type { PasswordComplexity } from './password-policy.js';
import { SUPPORTED_LANGUAGES } from './hosted-login-texts.js';
import {
  type GeneralSettings,
  type LabelSettings,
  type LegalSettings,
  type LoginSettings,
  type OidcSettings,
  type PolicyBodies,
  type PolicyKind,
  type SecuritySettings,
} from './policies.queries.js';
import { factorAlreadyAllowed, factorNotAllowed } from './settings.errors.js';

/** Pure rules of the settings: what makes a policy valid. No I/O. */

/** ZITADEL refuses 0 and anything above bcrypt's 72-byte limit (`MODEL-Lsp0e`). */
export const MAX_PASSWORD_MIN_LENGTH = 72;

/** CSS hex colours: #rgb, #rgba, #rrggbb, #rrggbbaa. */
const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function passwordComplexityProblems(p: PasswordComplexity): FieldViolation[] {
  if (!Number.isInteger(p.minLength) || p.minLength < 1 || p.minLength > MAX_PASSWORD_MIN_LENGTH) {
    return [{ field: 'min_length', description: `must be between 1 and ${MAX_PASSWORD_MIN_LENGTH}` }];
  }
  return [];
}

const LIFETIMES = [
  ['passwordCheckLifetimeMs', 'password_check_lifetime'],
  ['externalLoginCheckLifetimeMs', 'external_login_check_lifetime'],
  ['mfaInitSkipLifetimeMs', 'mfa_init_skip_lifetime'],
  ['secondFactorCheckLifetimeMs', 'second_factor_check_lifetime'],
  ['multiFactorCheckLifetimeMs', 'multi_factor_check_lifetime'],
] as const;

function loginProblems(p: LoginSettings): FieldViolation[] {
  const problems: FieldViolation[] = [];
  for (const [key, field] of LIFETIMES) {
    if (!Number.isFinite(p[key]) || p[key] < 0) problems.push({ field, description: 'must not be negative' });
  }
  if (p.defaultRedirectUri && !URL.canParse(p.defaultRedirectUri)) {
    problems.push({ field: 'default_redirect_uri', description: 'must be an absolute URI' });
  }
  return problems;
}

function labelProblems(p: LabelSettings): FieldViolation[] {
  const colours = [
    'primaryColor',
    'backgroundColor',
    'warnColor',
    'fontColor',
    'primaryColorDark',
    'backgroundColorDark',
    'warnColorDark',
    'fontColorDark',
  ] as const;
  return colours
    .filter((c) => p[c] !== '' && !HEX_COLOR.test(p[c]))
    .map((c) => ({ field: snake(c), description: 'must be a hex colour, e.g. #5469d4' }));
}

function legalProblems(p: LegalSettings): FieldViolation[] {
  return p.supportEmail && !EMAIL.test(p.supportEmail)
    ? [{ field: 'support_email', description: 'must be an email address' }]
    : [];
}

/** ZITADEL's SetDefaultLanguage refuses a language it has no texts for (`Errors.Language.NotSupported`). */
function generalProblems(p: GeneralSettings): FieldViolation[] {
  return SUPPORTED_LANGUAGES.includes(p.defaultLanguage)
    ? []
    : [{ field: 'language', description: `must be one of ${SUPPORTED_LANGUAGES.join(', ')}` }];
}

function securityProblems(p: SecuritySettings): FieldViolation[] {
  return p.allowedOrigins.flatMap((o, i) =>
    !o.trim() || /\s/.test(o)
      ? [
          {
            field: `embedded_iframe.allowed_origins[${i}]`,
            description: 'must be an origin without spaces, e.g. https://app.example.com',
          },
        ]
      : [],
  );
}

const OIDC_LIFETIMES = [
  ['accessTokenLifetimeMs', 'access_token_lifetime'],
  ['idTokenLifetimeMs', 'id_token_lifetime'],
  ['refreshTokenIdleExpirationMs', 'refresh_token_idle_expiration'],
  ['refreshTokenExpirationMs', 'refresh_token_expiration'],
] as const;

/** Tokens live whole seconds (JWT `exp`), so each lifetime is at least one second. */
function oidcProblems(p: OidcSettings): FieldViolation[] {
  return OIDC_LIFETIMES.filter(([key]) => !(p[key] >= 1000)).map(([, field]) => ({
    field,
    description: 'must be at least 1 second',
  }));
}

/**
 * Whether the login settings force a second factor (ZITADEL's RequiresMFA): on a local sign-in
 * when either option is set; on a sign-in through an external identity provider only when MFA
 * is forced and not for local sign-ins only.
 */
export function mfaForced(settings: Pick<LoginSettings, 'forceMfa' | 'forceMfaLocalOnly'>, external = false): boolean {
  return external ? settings.forceMfa && !settings.forceMfaLocalOnly : settings.forceMfa || settings.forceMfaLocalOnly;
}

/** Every rule the policy breaks; empty when it may be stored. */
export function policyProblems<K extends PolicyKind>(kind: K, body: PolicyBodies[K]): FieldViolation[] {
  switch (kind) {
    case 'password_complexity':
      return passwordComplexityProblems(body as PasswordComplexity);
    case 'login':
      return loginProblems(body as LoginSettings);
    case 'label':
    case 'label_active':
      return labelProblems(body as LabelSettings);
    case 'privacy':
      return legalProblems(body as LegalSettings);
    case 'security':
      return securityProblems(body as SecuritySettings);
    case 'general':
      return generalProblems(body as GeneralSettings);
    case 'oidc':
      return oidcProblems(body as OidcSettings);
    default:
      return [];
  }
}

/** Same content, whatever the key order (policies are flat objects of scalars and arrays). */
export function samePolicy(a: object, b: object): boolean {
  const canonical = (o: object) => JSON.stringify(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return canonical(a) === canonical(b);
}

/** A BCP 47 tag in its canonical form (`de-ch` -> `de-CH`), or undefined when it is not one. */
export function canonicalLocale(locale: string): string | undefined {
  if (!locale.trim()) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

/** The hosted login's pages that stand in for terms and a privacy policy nobody has published yet. */
export const LEGAL_PAGES = { terms: '/legal/terms', privacy: '/legal/privacy' } as const;

/**
 * Legal settings as clients get them: an empty terms or privacy link is the hosted login's page
 * saying the administrator has not published it yet. ZITADEL ships links to its own terms; ours
 * would not be this server's, and Login V2 offers registration only when both links are set, so
 * a fresh install could not register anyone. Setting a real link replaces the page.
 */
export function withServedLegalPages(settings: LegalSettings, loginBase: string): LegalSettings {
  return {
    ...settings,
    tosLink: settings.tosLink || loginBase + LEGAL_PAGES.terms,
    privacyLink: settings.privacyLink || loginBase + LEGAL_PAGES.privacy,
  };
}

/** Deep merge of translation trees: `over` wins leaf by leaf. */
export function mergeTranslations(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isObject(value) && isObject(below) ? mergeTranslations(below, value) : value;
  }
  return out;
}

/** The value at a dotted path of a translation tree (own keys only), if any. */
export function translationAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const part of path) {
    if (!isObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/**
 * The login settings with one second or multi factor allowed or no longer allowed (v1's
 * Add/Remove{Second,Multi}FactorToLoginPolicy): allowing one already allowed is ALREADY_EXISTS,
 * removing one not allowed NOT_FOUND, as ZITADEL answers.
 */
export function withFactor<L extends 'secondFactors' | 'multiFactors'>(
  current: LoginSettings,
  list: L,
  factor: LoginSettings[L][number],
  allow: boolean,
): LoginSettings {
  const factors = current[list] as readonly string[];
  const has = factors.includes(factor);
  if (allow && has) throw factorAlreadyAllowed();
  if (!allow && !has) throw factorNotAllowed();
  return { ...current, [list]: allow ? [...factors, factor] : factors.filter((f) => f !== factor) };
}
