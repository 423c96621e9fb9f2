import { urlTemplateInvalid } from './mfa.errors.js';

/** The placeholders ZITADEL renders into a passkey registration link (Go template fields). */
const FIELDS = ['UserID', 'OrgID', 'CodeID', 'Code'] as const;

/**
 * Checks a `url_template` the way ZITADEL's RenderPasskeyURLTemplate would fail on it: every
 * action must be one of the known fields, and braces must pair up.
 */
export function checkUrlTemplate(template: string): void {
  const actions = template.match(/\{\{[\s\S]*?\}\}/g) ?? [];
  for (const action of actions) {
    const inner = action.slice(2, -2).trim();
    if (!FIELDS.some((f) => inner === `.${f}`)) {
      throw urlTemplateInvalid(`unknown placeholder ${action}; use ${FIELDS.map((f) => `{{.${f}}}`).join(', ')}`);
    }
  }
  const rest = template.replace(/\{\{[\s\S]*?\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) throw urlTemplateInvalid('unbalanced {{ }}');
  try {
    new URL(fillUrlTemplate(template, { UserID: 'u', OrgID: 'o', CodeID: 'c', Code: 'x' }));
  } catch {
    throw urlTemplateInvalid('must be an absolute URL');
  }
}

export function fillUrlTemplate(template: string, values: Record<(typeof FIELDS)[number], string>): string {
  return template.replace(/\{\{\s*\.(UserID|OrgID|CodeID|Code)\s*\}\}/g, (_m, f: (typeof FIELDS)[number]) => encodeURIComponent(values[f]));
}
