/**
 * Custom message texts (ZITADEL's `customtext` of the message templates): the wording of each kind
 * of notification, built in, overridden per language by the instance and by an org. Pure rules;
 * the rows live in settings_policies under the kind `message_text:<type>:<language>`.
 */

/** ZITADEL's message types (`domain.InitCodeMessageType` …), as its events and templates name them. */
export const MESSAGE_TEXT_TYPES = [
  'InitCode',
  'PasswordReset',
  'VerifyEmail',
  'VerifyPhone',
  'VerifySMSOTP',
  'VerifyEmailOTP',
  'DomainClaimed',
  'PasswordlessRegistration',
  'PasswordChange',
  'InviteUser',
] as const;
export type MessageTextType = (typeof MESSAGE_TEXT_TYPES)[number];

/** How the v1 RPCs name each type: `GetCustomInitMessageText` is the InitCode message. */
export const RPC_NAMES: { readonly [T in MessageTextType]: string } = {
  InitCode: 'Init',
  PasswordReset: 'PasswordReset',
  VerifyEmail: 'VerifyEmail',
  VerifyPhone: 'VerifyPhone',
  VerifySMSOTP: 'VerifySMSOTP',
  VerifyEmailOTP: 'VerifyEmailOTP',
  DomainClaimed: 'DomainClaimed',
  PasswordlessRegistration: 'PasswordlessRegistration',
  PasswordChange: 'PasswordChange',
  InviteUser: 'InviteUser',
};

export const MESSAGE_TEXT_FIELDS = [
  'title',
  'preHeader',
  'subject',
  'greeting',
  'text',
  'buttonText',
  'footerText',
] as const;
export type MessageTextField = (typeof MESSAGE_TEXT_FIELDS)[number];
export type MessageTextFields = { readonly [F in MessageTextField]: string };

const IGNORE = 'If you did not ask for this, you can ignore this message.';
const HELLO = 'Hello {{.DisplayName}},';

function builtIn(subject: string, text: string, buttonText: string, footerText = IGNORE): MessageTextFields {
  return { title: subject, preHeader: subject, subject, greeting: HELLO, text, buttonText, footerText };
}

/**
 * The built-in (English) wording of every type, in ZITADEL's Go-template placeholders. The
 * notification kinds Portcullis sends say the same (src/notifications/templates.ts).
 */
const BUILT_IN: { readonly [T in MessageTextType]: MessageTextFields } = {
  InitCode: builtIn(
    'Initialize your account',
    'Your account has been created. Use this code to set it up: {{.Code}}',
    'Finish initialization',
  ),
  PasswordReset: builtIn(
    'Reset your password',
    'Someone asked to reset your password. Use this code to choose a new one: {{.Code}}',
    'Reset your password',
  ),
  VerifyEmail: builtIn(
    'Verify your email address',
    'Use this code to verify your email address: {{.Code}}',
    'Verify your email address',
  ),
  VerifyPhone: builtIn(
    'Verify your phone number',
    'Use this code to verify your phone number: {{.Code}}',
    'Verify your phone number',
  ),
  VerifySMSOTP: builtIn('Your one-time sign-in code', 'Your one-time sign-in code: {{.OTP}}', 'Sign in'),
  VerifyEmailOTP: builtIn('Your one-time sign-in code', 'Use this one-time code to sign in: {{.OTP}}', 'Sign in'),
  DomainClaimed: builtIn(
    'Your login name has changed',
    'The domain {{.Domain}} has been claimed by an organization; your login name is now {{.TempUsername}}.',
    'Sign in',
  ),
  PasswordlessRegistration: builtIn(
    'Register your passkey',
    'Use this code to register a passkey for your account',
    'Register your passkey',
  ),
  PasswordChange: builtIn(
    'Your password has changed',
    'The password of your account has been changed.',
    'Sign in',
    'If you did not change it, reset your password at once.',
  ),
  InviteUser: builtIn(
    'You are invited to {{.ApplicationName}}',
    'You have been invited to create your account. Use this code to accept the invitation: {{.Code}}',
    'Accept the invitation',
  ),
};

export function builtInMessageText(type: MessageTextType): MessageTextFields {
  return BUILT_IN[type];
}

/** The settings_policies kind of a type's texts in one language. */
export function messageTextKind(type: MessageTextType, language: string): string {
  return `message_text:${type}:${language}`;
}

/** The stored fields of a request: every field, as given (an empty one inherits). */
export function messageTextBody(input: { readonly [F in MessageTextField]?: string }): MessageTextFields {
  return Object.fromEntries(MESSAGE_TEXT_FIELDS.map((f) => [f, input[f] ?? ''])) as MessageTextFields;
}

/** Layers from the most general to the most specific: a non-empty field of a later layer wins. */
export function mergeMessageTexts(
  ...layers: readonly (Partial<Record<MessageTextField, unknown>> | undefined)[]
): Partial<MessageTextFields> {
  const merged: Partial<Record<MessageTextField, string>> = {};
  for (const layer of layers)
    for (const f of MESSAGE_TEXT_FIELDS) {
      const value = layer?.[f];
      if (typeof value === 'string' && value !== '') merged[f] = value;
    }
  return merged;
}
