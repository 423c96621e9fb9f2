import type { MessageTextType } from '../settings/message-texts.js';
import type { NotificationTemplate, OutboundNotification } from './notifier.js';

/**
 * Rendering of notifications: pure functions from an `OutboundNotification` to the subject, text
 * and HTML of an email or the text of an SMS. Nothing here does I/O.
 */

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * The placeholders ZITADEL documents for `url_template` (Go `text/template` field names) across
 * its kinds (the OTP email challenge's: Code, UserID, LoginName, DisplayName, PreferredLanguage,
 * SessionID; the domain claimed message's: Domain, TempUsername), and where their values come
 * from. Every template accepts them all; one a kind does not carry renders empty, as a
 * zero-valued Go field does.
 */
const PLACEHOLDERS: Readonly<Record<string, (n: OutboundNotification) => string | undefined>> = {
  UserID: (n) => n.userId,
  OrgID: (n) => n.orgId,
  Code: (n) => n.data.code,
  LoginName: (n) => n.data.loginName,
  DisplayName: (n) => n.data.displayName,
  PreferredLanguage: (n) => n.data.preferredLanguage,
  SessionID: (n) => n.data.sessionId,
  Domain: (n) => n.data.domain,
  TempUsername: (n) => n.data.tempUsername,
  CodeID: (n) => n.data.codeId ?? n.data.passkeyId,
  PasskeyID: (n) => n.data.passkeyId ?? n.data.codeId,
};

/** Custom message texts also name the code `{{.OTP}}` (ZITADEL's OTP messages) and the app. */
const TEXT_PLACEHOLDERS: typeof PLACEHOLDERS = {
  ...PLACEHOLDERS,
  OTP: (n) => n.data.code,
  ApplicationName: (n) => n.data.applicationName,
};

/** Which of ZITADEL's message texts words each notification. */
export function messageTextTypeOf(n: Pick<OutboundNotification, 'template' | 'channel'>): MessageTextType {
  const types: Readonly<Record<NotificationTemplate, MessageTextType>> = {
    verifyEmail: 'VerifyEmail',
    verifyPhone: 'VerifyPhone',
    passwordReset: 'PasswordReset',
    inviteCode: 'InviteUser',
    initCode: 'InitCode',
    passkeyRegistration: 'PasswordlessRegistration',
    otp: n.channel === 'sms' ? 'VerifySMSOTP' : 'VerifyEmailOTP',
    domainClaimed: 'DomainClaimed',
  };
  return types[n.template];
}

const ACTION = /\{\{(.*?)\}\}/g;
const FIELD = /^\s*\.([A-Za-z]+)\s*$/;

function placeholder(actionBody: string): ((n: OutboundNotification) => string | undefined) | undefined {
  const name = FIELD.exec(actionBody)?.[1];
  return name !== undefined && Object.hasOwn(PLACEHOLDERS, name) ? PLACEHOLDERS[name] : undefined;
}

/**
 * Problems with a URL template, or none: every `{{…}}` must be one of the known placeholders
 * (`{{.UserID}}`, `{{ .Code }}`, …); other Go template actions are not supported.
 */
export function urlTemplateProblems(urlTemplate: string): string[] {
  const problems: string[] = [];
  for (const [action, inner] of urlTemplate.matchAll(ACTION)) {
    if (!placeholder(inner)) {
      problems.push(
        `unknown placeholder ${action}; known: ${Object.keys(PLACEHOLDERS)
          .map((p) => `{{.${p}}}`)
          .join(', ')}`,
      );
    }
  }
  if (/\{\{|\}\}/.test(urlTemplate.replace(ACTION, ''))) problems.push('unbalanced {{ or }}');
  return problems;
}

/** The link of a notification: its URL template with every placeholder replaced by its URL-encoded value. */
export function renderUrl(urlTemplate: string, notification: OutboundNotification): string {
  return urlTemplate.replace(ACTION, (action, inner: string) => {
    const value = placeholder(inner);
    if (!value) throw new Error(`unknown placeholder ${action} in the URL template`);
    return encodeURIComponent(value(notification) ?? '');
  });
}

/**
 * A custom text with its placeholders filled in (raw values, for text; HTML escapes after). A
 * placeholder a kind does not carry renders empty, as a zero-valued Go field does.
 */
export function fillText(text: string, notification: OutboundNotification): string {
  return text.replace(ACTION, (_action, inner: string) => {
    const name = FIELD.exec(inner)?.[1];
    const value = name !== undefined && Object.hasOwn(TEXT_PLACEHOLDERS, name) ? TEXT_PLACEHOLDERS[name] : undefined;
    return value?.(notification) ?? '';
  });
}

/** Text safe to put in HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Schemes a link may have in an `href`: any (apps use their own) but the ones that run code. */
function linkableInHtml(url: string): boolean {
  const scheme = /^\s*([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && !['javascript', 'vbscript', 'data', 'file'].includes(scheme);
}

interface Wording {
  /** Email subject. */
  readonly subject: (n: OutboundNotification) => string;
  /** What the code is for, ending where the code follows. */
  readonly intro: string;
  /** Text of the link. */
  readonly action: string;
  /** SMS text before the code. */
  readonly sms: string;
}

const WORDING: Readonly<Record<NotificationTemplate, Wording>> = {
  verifyEmail: {
    subject: () => 'Verify your email address',
    intro: 'Use this code to verify your email address',
    action: 'Verify your email address',
    sms: 'Your email verification code',
  },
  verifyPhone: {
    subject: () => 'Verify your phone number',
    intro: 'Use this code to verify your phone number',
    action: 'Verify your phone number',
    sms: 'Your phone verification code',
  },
  passwordReset: {
    subject: () => 'Reset your password',
    intro: 'Someone asked to reset your password. Use this code to choose a new one',
    action: 'Reset your password',
    sms: 'Your password reset code',
  },
  inviteCode: {
    subject: (n) => `You are invited to ${n.data.applicationName || 'Portcullis'}`,
    intro: 'You have been invited to create your account. Use this code to accept the invitation',
    action: 'Accept the invitation',
    sms: 'Your invitation code',
  },
  initCode: {
    subject: () => 'Initialize your account',
    intro: 'Your account has been created. Use this code to set it up',
    action: 'Finish initialization',
    sms: 'Your account initialization code',
  },
  passkeyRegistration: {
    subject: () => 'Register your passkey',
    intro: 'Use this code to register a passkey for your account',
    action: 'Register your passkey',
    sms: 'Your passkey registration code',
  },
  otp: {
    subject: () => 'Your one-time sign-in code',
    intro: 'Use this one-time code to sign in',
    action: 'Sign in',
    sms: 'Your one-time sign-in code',
  },
  domainClaimed: {
    subject: () => 'Your login name has changed',
    intro:
      'An organization has claimed the domain of your login name. Sign in with this temporary login name and choose a new one',
    action: 'Sign in',
    sms: 'Your temporary login name',
  },
};

const IGNORE = 'If you did not ask for this, you can ignore this message.';

function greetingName(n: OutboundNotification): string | undefined {
  return n.data.displayName || n.data.givenName || n.data.loginName || undefined;
}

/**
 * The words of one message: the custom texts (instance, org) where set, else the built-in
 * wording. A custom text that leaves out the code still gets it shown after it.
 */
function wordsOf(n: OutboundNotification) {
  const wording = WORDING[n.template];
  const custom = n.texts ?? {};
  const name = greetingName(n);
  const code = n.data.code;
  const fill = (text: string | undefined) => (text ? fillText(text, n) : undefined);
  const customText = fill(custom.text);
  return {
    subject: fill(custom.subject) ?? wording.subject(n),
    greeting: fill(custom.greeting) ?? (name ? `Hello ${name},` : 'Hello,'),
    /** The paragraph before the code, with its closing punctuation. */
    intro: customText ?? (code ? `${wording.intro}:` : `${wording.intro}.`),
    /** The code when the text does not already say it. */
    code: code && !customText?.includes(code) ? code : undefined,
    action: fill(custom.buttonText) ?? wording.action,
    footer: fill(custom.footerText) ?? IGNORE,
    sms:
      customText === undefined
        ? code
          ? `${wording.sms}: ${code}`
          : wording.sms
        : code && !customText.includes(code)
          ? `${customText} ${code}`
          : customText,
  };
}

export function renderEmail(notification: OutboundNotification): RenderedEmail {
  const words = wordsOf(notification);
  const link = notification.urlTemplate ? renderUrl(notification.urlTemplate, notification) : undefined;

  const text =
    [
      words.greeting,
      words.code ? `${words.intro}\n\n    ${words.code}` : words.intro,
      ...(link ? [`${words.action}: ${link}`] : []),
      words.footer,
    ].join('\n\n') + '\n';

  const linkHtml = link
    ? linkableInHtml(link)
      ? `<p><a href="${escapeHtml(link)}">${escapeHtml(words.action)}</a></p>\n<p style="color:#666;font-size:12px">${escapeHtml(link)}</p>`
      : `<p>${escapeHtml(words.action)}: ${escapeHtml(link)}</p>`
    : undefined;
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(words.subject) + '</title></head>',
    '<body style="font-family:sans-serif;line-height:1.5">',
    `<p>${escapeHtml(words.greeting)}</p>`,
    `<p>${escapeHtml(words.intro)}</p>`,
    ...(words.code
      ? [`<p style="font-size:24px;font-weight:bold;letter-spacing:2px">${escapeHtml(words.code)}</p>`]
      : []),
    ...(linkHtml ? [linkHtml] : []),
    `<p style="color:#666">${escapeHtml(words.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');

  return { subject: words.subject, text, html };
}

/** One short message: an SMS costs per segment, so no greeting. */
export function renderSms(notification: OutboundNotification): string {
  const words = wordsOf(notification);
  const link = notification.urlTemplate ? renderUrl(notification.urlTemplate, notification) : undefined;
  return [words.sms, ...(link ? [link] : [])].join('\n');
}

/** A phone number with all but its first three and last two characters hidden, for logs. */
export function maskPhone(phone: string): string {
  const chars = [...phone];
  const keepStart = chars.length > 7 ? 3 : 0;
  const keepEnd = Math.min(2, Math.max(0, chars.length - 4));
  return chars.map((c, i) => (i < keepStart || i >= chars.length - keepEnd || !/[0-9]/.test(c) ? c : '*')).join('');
}

/**
 * An error message fit to store and log: every secret value of the notification (and of the
 * channel settings) replaced, length-capped.
 */
export function scrubSecrets(message: string, secrets: readonly (string | undefined)[], maxLength = 500): string {
  let scrubbed = message;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      scrubbed = scrubbed.split(form).join('[redacted]');
  }
  return scrubbed.length > maxLength ? scrubbed.slice(0, maxLength - 1) + '…' : scrubbed;
}
