/**
 * The login pages' texts in English and German. A page picks its language from the auth
 * request's `ui_locales` (OIDC Core §3.1.2.1), then the browser's Accept-Language (RFC 9110
 * §12.5.4), then English. Placeholders are `{name}`; values are escaped by the views, not here.
 */
const en = {
  'title.loginname': 'Sign in',
  'title.password': 'Enter your password',
  'title.totp': 'Verify with your authenticator app',
  'title.otpEmail': 'Verify with a code sent by email',
  'title.otpSms': 'Verify with a code sent by SMS',
  'title.mfaChoose': 'Choose a second factor',
  'title.passwordChange': 'Change your password',
  'title.accounts': 'Choose an account',
  'title.signedIn': 'You are signed in',
  'title.logout': 'Sign out',
  'title.loggedOut': 'You are signed out',
  'title.device': 'Connect a device',
  'title.deviceConsent': 'Allow access?',
  'title.deviceDone': 'Device connected',
  'title.deviceDenied': 'Access denied',
  'title.error': 'Something went wrong',
  'intro.loginname': 'Enter your login name to continue.',
  'intro.loginnameApp': 'Sign in to continue to {app}.',
  'intro.totp': 'Enter the 6-digit code your authenticator app shows for this account.',
  'intro.otpEmail': 'We sent a code to your email address. Enter it below.',
  'intro.otpSms': 'We sent a code to your phone. Enter it below.',
  'intro.mfaChoose': 'Your account needs a second step to sign in.',
  'intro.passwordChange': 'You need to set a new password before you continue.',
  'intro.accounts': 'You are signed in with these accounts in this browser.',
  'intro.signedIn': 'Signed in as {name}.',
  'intro.logout': 'Sign out of every account signed in with this browser.',
  'intro.loggedOut': 'All accounts of this browser are signed out. You can close this window.',
  'intro.device': 'Enter the code shown on your device.',
  'intro.deviceConsent': '{app} ({project}) wants to access your account with these permissions:',
  'intro.deviceSignIn': '{app} ({project}) asks for these permissions. Sign in to continue.',
  'intro.deviceDone': 'You can return to your device now.',
  'intro.deviceDenied': 'The device was not given access. You can close this window.',
  'label.loginName': 'Login name',
  'label.password': 'Password',
  'label.code': 'Code',
  'label.currentPassword': 'Current password',
  'label.newPassword': 'New password',
  'label.confirmPassword': 'Confirm new password',
  'label.userCode': 'Device code',
  'button.next': 'Continue',
  'button.back': 'Back',
  'button.verify': 'Verify',
  'button.resend': 'Send a new code',
  'button.change': 'Change password',
  'button.otherAccount': 'Use another account',
  'button.logout': 'Sign out',
  'button.allow': 'Allow',
  'button.deny': 'Deny',
  'button.signIn': 'Sign in',
  'link.notYou': 'Not you?',
  'link.signIn': 'Sign in',
  'link.tos': 'Terms of service',
  'link.privacy': 'Privacy policy',
  'link.help': 'Help',
  'mfa.totp': 'Authenticator app',
  'mfa.otpEmail': 'Code by email',
  'mfa.otpSms': 'Code by SMS',
  'account.active': 'Signed in',
  'account.expired': 'Sign-in expired',
  'complexity.title': 'The password must:',
  'complexity.minLength': 'be at least {n} characters long',
  'complexity.upper': 'contain an uppercase letter',
  'complexity.lower': 'contain a lowercase letter',
  'complexity.number': 'contain a number',
  'complexity.symbol': 'contain a symbol',
  'error.userNotFound': 'We could not find a user with this login name.',
  'error.credentials': 'The login name or password is wrong.',
  'error.password': 'The password is wrong.',
  'error.attemptsLeft': 'You have {n} attempt(s) left before your account is locked.',
  'error.code': 'The code is wrong.',
  'error.codeExpired': 'The code has expired. Request a new one.',
  'error.codeSpent': 'Too many wrong tries: this code no longer works. Request a new one.',
  'error.locked': 'Your account is locked. Contact your administrator.',
  'error.inactive': 'Your account is not active. Contact your administrator.',
  'error.noPassword': 'This account has no password. Contact your administrator.',
  'error.passwordMismatch': 'The new passwords do not match.',
  'error.passwordWeak': 'The new password does not meet the requirements.',
  'error.passwordSame': 'The new password must differ from the current one.',
  'error.required': 'Please fill in this field.',
  'error.authRequest':
    'This sign-in request has expired or was already used. Go back to the application and try again.',
  'error.session': 'Your sign-in has expired. Please sign in again.',
  'error.mfaSetup':
    'Your organization requires a second factor, and your account has none yet. Contact your administrator to set one up.',
  'error.wrongOrg': 'This application only accepts accounts of another organization.',
  'error.noAccess': 'Your account has no access to this application.',
  'error.deviceCode': 'This code is unknown or has expired. Check the code on your device.',
  'error.usernamePassword': 'Sign-in with a password is disabled for this organization.',
  'error.csrf': 'The form has expired. Reload the page and try again.',
  'error.notFound': 'This page does not exist.',
  'error.unknown': 'An unexpected error occurred. Please try again later.',
  'error.tooMany': 'Too many attempts. Wait a moment and try again.',
  'title.passwordReset': 'Reset your password',
  'title.passwordSet': 'Choose a new password',
  'title.register': 'Create your account',
  'title.verifyEmail': 'Verify your email address',
  'title.passkey': 'Sign in with a passkey',
  'title.securityKey': 'Confirm with your security key',
  'title.mfaSetup': 'Set up a second factor',
  'title.totpSetup': 'Set up an authenticator app',
  'title.passkeySetup': 'Set up a passkey',
  'title.u2fSetup': 'Set up a security key',
  'title.invite': 'Accept your invitation',
  'title.samlPost': 'Continue to the application',
  'title.passkeyAdded': 'Passkey added',
  'intro.passwordReset':
    'We will send a code to the email address of your account. With it you can choose a new password.',
  'intro.passwordSet': 'We sent a code to your email address. Enter it and choose a new password.',
  'intro.register': 'Fill in your details to create an account.',
  'intro.verifyEmail': 'We sent a code to {email}. Enter it to verify your email address.',
  'intro.passkey': 'Use the passkey of this account: your fingerprint, face, screen lock or security key.',
  'intro.securityKey': 'Insert or touch the security key of this account when the browser asks.',
  'intro.needsScript':
    'This step needs JavaScript. Turn it on in your browser, or go back and use another way to sign in.',
  'intro.mfaSetup': 'Your organization requires a second factor. Choose one to set up now.',
  'intro.mfaPrompt': 'Protect your account with a second factor. Choose one to set up now, or skip this step.',
  'intro.totpSetup':
    'Scan the QR code with your authenticator app, or add the key by hand, then enter the 6-digit code the app shows.',
  'intro.passkeySetup':
    'Create a passkey on this device or a security key. Next time you can sign in with it, without a password.',
  'intro.u2fSetup':
    'Register your security key: insert or touch it when the browser asks. From now on it confirms your sign-ins after the password.',
  'intro.invite': 'Choose a password to finish setting up your account.',
  'intro.samlPost': 'You are signed in. Continue to {app}.',
  'intro.passkeyAdded': 'You can now sign in with it.',
  'label.givenName': 'First name',
  'label.familyName': 'Last name',
  'label.email': 'Email address',
  'label.username': 'Username (optional)',
  'hint.username': 'Leave it empty to sign in with your email address.',
  'label.totpKey': 'Key to add by hand',
  'label.totpUri': 'Setup link',
  'button.sendCode': 'Send code',
  'button.register': 'Create account',
  'button.usePasskey': 'Use passkey',
  'button.useSecurityKey': 'Use security key',
  'button.createPasskey': 'Create passkey',
  'button.registerU2f': 'Register security key',
  'button.setPassword': 'Set password',
  'button.skip': 'Skip',
  'link.forgotPassword': 'Forgot password?',
  'link.register': 'Create account',
  'link.passkey': 'Sign in with a passkey',
  'link.haveAccount': 'Already have an account? Sign in',
  'mfa.passkey': 'Passkey',
  'mfa.u2f': 'Security key',
  'error.registerDisabled': 'Creating an account is not allowed for this organization.',
  'error.usernameTaken': 'This username is already taken. Choose another one.',
  'error.emailInvalid': 'Enter a valid email address.',
  'error.passkeyFailed': 'The passkey could not be used. Try again, or use another way.',
  'error.passkeyUnsupported': 'This browser cannot use passkeys.',
  'error.u2fFailed': 'The security key could not be used. Try again, or use another way.',
  'error.u2fUnsupported': 'This browser cannot use security keys.',
  'error.noPasskey': 'This account has no passkey for this site yet.',
  'error.invite': 'This invitation is invalid or has expired. Ask for a new one.',
  'error.noEmail': 'This account has no email address to send a code to. Contact your administrator.',
  'error.notInitialised': 'This account is not set up yet. Use the invitation you received by email.',
  'error.emailDelivery': 'We could not send an email right now. Try again later or contact your administrator.',
  'error.passkeyLink': 'This passkey link is invalid, has expired or was already used. Ask for a new one.',
  'error.passkeyLinkFailed': 'The passkey could not be added. Ask for a new link and try again.',
  'title.emailVerified': 'Email address verified',
  'intro.verifyEmailLink': 'Confirm that this email address is yours.',
  'intro.emailVerified': 'Your email address is verified. You can sign in now.',
  'intro.passwordSetLink': 'Enter the code from the email if it is not filled in, and choose a new password.',
  'title.passwordChanged': 'Password changed',
  'intro.passwordChanged': 'Your new password is set. Sign in with it.',
  'error.verifyLink': 'This verification link is invalid, has expired or was already used. Ask for a new code.',
  'error.resetLink': 'This password reset link is invalid or has expired. Ask for a new one.',
  'title.legalTerms': 'Terms of service',
  'title.legalPrivacy': 'Privacy policy',
  'intro.legalUnpublished': 'The administrator of this service has not published this document yet.',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Readonly<Record<MessageKey, string>>;

const de: Catalogue = {
  'title.loginname': 'Anmelden',
  'title.password': 'Passwort eingeben',
  'title.totp': 'Mit Authenticator-App bestätigen',
  'title.otpEmail': 'Mit Code per E-Mail bestätigen',
  'title.otpSms': 'Mit Code per SMS bestätigen',
  'title.mfaChoose': 'Zweiten Faktor wählen',
  'title.passwordChange': 'Passwort ändern',
  'title.accounts': 'Konto auswählen',
  'title.signedIn': 'Sie sind angemeldet',
  'title.logout': 'Abmelden',
  'title.loggedOut': 'Sie sind abgemeldet',
  'title.device': 'Gerät verbinden',
  'title.deviceConsent': 'Zugriff erlauben?',
  'title.deviceDone': 'Gerät verbunden',
  'title.deviceDenied': 'Zugriff verweigert',
  'title.error': 'Etwas ist schiefgelaufen',
  'intro.loginname': 'Geben Sie Ihren Loginnamen ein, um fortzufahren.',
  'intro.loginnameApp': 'Melden Sie sich an, um zu {app} zu gelangen.',
  'intro.totp': 'Geben Sie den 6-stelligen Code ein, den Ihre Authenticator-App für dieses Konto anzeigt.',
  'intro.otpEmail': 'Wir haben Ihnen einen Code per E-Mail geschickt. Geben Sie ihn unten ein.',
  'intro.otpSms': 'Wir haben Ihnen einen Code per SMS geschickt. Geben Sie ihn unten ein.',
  'intro.mfaChoose': 'Ihr Konto braucht einen zweiten Schritt zur Anmeldung.',
  'intro.passwordChange': 'Sie müssen ein neues Passwort festlegen, bevor Sie fortfahren.',
  'intro.accounts': 'Mit diesen Konten sind Sie in diesem Browser angemeldet.',
  'intro.signedIn': 'Angemeldet als {name}.',
  'intro.logout': 'Alle Konten abmelden, die in diesem Browser angemeldet sind.',
  'intro.loggedOut': 'Alle Konten dieses Browsers sind abgemeldet. Sie können dieses Fenster schließen.',
  'intro.device': 'Geben Sie den Code ein, den Ihr Gerät anzeigt.',
  'intro.deviceConsent': '{app} ({project}) möchte mit diesen Berechtigungen auf Ihr Konto zugreifen:',
  'intro.deviceSignIn': '{app} ({project}) bittet um diese Berechtigungen. Melden Sie sich an, um fortzufahren.',
  'intro.deviceDone': 'Sie können jetzt zu Ihrem Gerät zurückkehren.',
  'intro.deviceDenied': 'Das Gerät hat keinen Zugriff erhalten. Sie können dieses Fenster schließen.',
  'label.loginName': 'Loginname',
  'label.password': 'Passwort',
  'label.code': 'Code',
  'label.currentPassword': 'Aktuelles Passwort',
  'label.newPassword': 'Neues Passwort',
  'label.confirmPassword': 'Neues Passwort bestätigen',
  'label.userCode': 'Gerätecode',
  'button.next': 'Weiter',
  'button.back': 'Zurück',
  'button.verify': 'Bestätigen',
  'button.resend': 'Neuen Code senden',
  'button.change': 'Passwort ändern',
  'button.otherAccount': 'Anderes Konto verwenden',
  'button.logout': 'Abmelden',
  'button.allow': 'Erlauben',
  'button.deny': 'Ablehnen',
  'button.signIn': 'Anmelden',
  'link.notYou': 'Nicht Sie?',
  'link.signIn': 'Anmelden',
  'link.tos': 'Nutzungsbedingungen',
  'link.privacy': 'Datenschutzerklärung',
  'link.help': 'Hilfe',
  'mfa.totp': 'Authenticator-App',
  'mfa.otpEmail': 'Code per E-Mail',
  'mfa.otpSms': 'Code per SMS',
  'account.active': 'Angemeldet',
  'account.expired': 'Anmeldung abgelaufen',
  'complexity.title': 'Das Passwort muss:',
  'complexity.minLength': 'mindestens {n} Zeichen lang sein',
  'complexity.upper': 'einen Großbuchstaben enthalten',
  'complexity.lower': 'einen Kleinbuchstaben enthalten',
  'complexity.number': 'eine Ziffer enthalten',
  'complexity.symbol': 'ein Sonderzeichen enthalten',
  'error.userNotFound': 'Wir konnten keinen Benutzer mit diesem Loginnamen finden.',
  'error.credentials': 'Loginname oder Passwort ist falsch.',
  'error.password': 'Das Passwort ist falsch.',
  'error.attemptsLeft': 'Sie haben noch {n} Versuch(e), bevor Ihr Konto gesperrt wird.',
  'error.code': 'Der Code ist falsch.',
  'error.codeExpired': 'Der Code ist abgelaufen. Fordern Sie einen neuen an.',
  'error.codeSpent': 'Zu viele falsche Versuche: Dieser Code gilt nicht mehr. Fordern Sie einen neuen an.',
  'error.locked': 'Ihr Konto ist gesperrt. Wenden Sie sich an Ihre Administration.',
  'error.inactive': 'Ihr Konto ist nicht aktiv. Wenden Sie sich an Ihre Administration.',
  'error.noPassword': 'Dieses Konto hat kein Passwort. Wenden Sie sich an Ihre Administration.',
  'error.passwordMismatch': 'Die neuen Passwörter stimmen nicht überein.',
  'error.passwordWeak': 'Das neue Passwort erfüllt die Anforderungen nicht.',
  'error.passwordSame': 'Das neue Passwort muss sich vom aktuellen unterscheiden.',
  'error.required': 'Bitte füllen Sie dieses Feld aus.',
  'error.authRequest':
    'Diese Anmeldeanfrage ist abgelaufen oder wurde bereits verwendet. Kehren Sie zur Anwendung zurück und versuchen Sie es erneut.',
  'error.session': 'Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.',
  'error.mfaSetup':
    'Ihre Organisation verlangt einen zweiten Faktor, und Ihr Konto hat noch keinen. Wenden Sie sich an Ihre Administration, um einen einzurichten.',
  'error.wrongOrg': 'Diese Anwendung akzeptiert nur Konten einer anderen Organisation.',
  'error.noAccess': 'Ihr Konto hat keinen Zugriff auf diese Anwendung.',
  'error.deviceCode': 'Dieser Code ist unbekannt oder abgelaufen. Prüfen Sie den Code auf Ihrem Gerät.',
  'error.usernamePassword': 'Die Anmeldung mit Passwort ist für diese Organisation deaktiviert.',
  'error.csrf': 'Das Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.',
  'error.notFound': 'Diese Seite existiert nicht.',
  'error.unknown': 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.',
  'error.tooMany': 'Zu viele Versuche. Warten Sie einen Moment und versuchen Sie es erneut.',
  'title.passwordReset': 'Passwort zurücksetzen',
  'title.passwordSet': 'Neues Passwort wählen',
  'title.register': 'Konto erstellen',
  'title.verifyEmail': 'E-Mail-Adresse bestätigen',
  'title.passkey': 'Mit Passkey anmelden',
  'title.securityKey': 'Mit Sicherheitsschlüssel bestätigen',
  'title.mfaSetup': 'Zweiten Faktor einrichten',
  'title.totpSetup': 'Authenticator-App einrichten',
  'title.passkeySetup': 'Passkey einrichten',
  'title.u2fSetup': 'Sicherheitsschlüssel einrichten',
  'title.invite': 'Einladung annehmen',
  'title.samlPost': 'Weiter zur Anwendung',
  'title.passkeyAdded': 'Passkey hinzugefügt',
  'intro.passwordReset':
    'Wir senden einen Code an die E-Mail-Adresse Ihres Kontos. Damit können Sie ein neues Passwort wählen.',
  'intro.passwordSet':
    'Wir haben Ihnen einen Code per E-Mail geschickt. Geben Sie ihn ein und wählen Sie ein neues Passwort.',
  'intro.register': 'Geben Sie Ihre Daten ein, um ein Konto zu erstellen.',
  'intro.verifyEmail':
    'Wir haben einen Code an {email} geschickt. Geben Sie ihn ein, um Ihre E-Mail-Adresse zu bestätigen.',
  'intro.passkey':
    'Verwenden Sie den Passkey dieses Kontos: Fingerabdruck, Gesicht, Bildschirmsperre oder Sicherheitsschlüssel.',
  'intro.securityKey':
    'Stecken oder berühren Sie den Sicherheitsschlüssel dieses Kontos, sobald der Browser danach fragt.',
  'intro.needsScript':
    'Dieser Schritt benötigt JavaScript. Aktivieren Sie es in Ihrem Browser oder gehen Sie zurück und melden Sie sich anders an.',
  'intro.mfaSetup': 'Ihre Organisation verlangt einen zweiten Faktor. Wählen Sie einen aus, den Sie jetzt einrichten.',
  'intro.mfaPrompt':
    'Schützen Sie Ihr Konto mit einem zweiten Faktor. Wählen Sie einen aus, den Sie jetzt einrichten, oder überspringen Sie diesen Schritt.',
  'intro.totpSetup':
    'Scannen Sie den QR-Code mit Ihrer Authenticator-App oder fügen Sie den Schlüssel von Hand hinzu. Geben Sie dann den 6-stelligen Code der App ein.',
  'intro.passkeySetup':
    'Erstellen Sie einen Passkey auf diesem Gerät oder einem Sicherheitsschlüssel. Beim nächsten Mal melden Sie sich damit ohne Passwort an.',
  'intro.u2fSetup':
    'Registrieren Sie Ihren Sicherheitsschlüssel: Stecken Sie ihn ein oder berühren Sie ihn, wenn der Browser danach fragt. Ab jetzt bestätigt er Ihre Anmeldungen nach dem Passwort.',
  'intro.invite': 'Wählen Sie ein Passwort, um Ihr Konto fertig einzurichten.',
  'intro.samlPost': 'Sie sind angemeldet. Weiter zu {app}.',
  'intro.passkeyAdded': 'Sie können sich jetzt damit anmelden.',
  'label.givenName': 'Vorname',
  'label.familyName': 'Nachname',
  'label.email': 'E-Mail-Adresse',
  'label.username': 'Benutzername (optional)',
  'hint.username': 'Leer lassen, um sich mit Ihrer E-Mail-Adresse anzumelden.',
  'label.totpKey': 'Schlüssel zur manuellen Eingabe',
  'label.totpUri': 'Einrichtungslink',
  'button.sendCode': 'Code senden',
  'button.register': 'Konto erstellen',
  'button.usePasskey': 'Passkey verwenden',
  'button.useSecurityKey': 'Sicherheitsschlüssel verwenden',
  'button.createPasskey': 'Passkey erstellen',
  'button.registerU2f': 'Sicherheitsschlüssel registrieren',
  'button.setPassword': 'Passwort festlegen',
  'button.skip': 'Überspringen',
  'link.forgotPassword': 'Passwort vergessen?',
  'link.register': 'Konto erstellen',
  'link.passkey': 'Mit Passkey anmelden',
  'link.haveAccount': 'Sie haben schon ein Konto? Anmelden',
  'mfa.passkey': 'Passkey',
  'mfa.u2f': 'Sicherheitsschlüssel',
  'error.registerDisabled': 'Für diese Organisation können keine Konten erstellt werden.',
  'error.usernameTaken': 'Dieser Benutzername ist bereits vergeben. Wählen Sie einen anderen.',
  'error.emailInvalid': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  'error.passkeyFailed':
    'Der Passkey konnte nicht verwendet werden. Versuchen Sie es erneut oder wählen Sie einen anderen Weg.',
  'error.passkeyUnsupported': 'Dieser Browser kann keine Passkeys verwenden.',
  'error.u2fFailed':
    'Der Sicherheitsschlüssel konnte nicht verwendet werden. Versuchen Sie es erneut oder wählen Sie einen anderen Weg.',
  'error.u2fUnsupported': 'Dieser Browser kann keine Sicherheitsschlüssel verwenden.',
  'error.noPasskey': 'Dieses Konto hat noch keinen Passkey für diese Website.',
  'error.invite': 'Diese Einladung ist ungültig oder abgelaufen. Fordern Sie eine neue an.',
  'error.noEmail': 'Dieses Konto hat keine E-Mail-Adresse für einen Code. Wenden Sie sich an Ihre Administration.',
  'error.notInitialised':
    'Dieses Konto ist noch nicht eingerichtet. Verwenden Sie die Einladung, die Sie per E-Mail erhalten haben.',
  'error.emailDelivery':
    'Wir konnten gerade keine E-Mail senden. Versuchen Sie es später erneut oder wenden Sie sich an Ihre Administration.',
  'error.passkeyLink':
    'Dieser Passkey-Link ist ungültig, abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen an.',
  'error.passkeyLinkFailed':
    'Der Passkey konnte nicht hinzugefügt werden. Fordern Sie einen neuen Link an und versuchen Sie es erneut.',
  'title.emailVerified': 'E-Mail-Adresse bestätigt',
  'intro.verifyEmailLink': 'Bestätigen Sie, dass diese E-Mail-Adresse Ihnen gehört.',
  'intro.emailVerified': 'Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.',
  'intro.passwordSetLink': 'Geben Sie den Code aus der E-Mail ein, falls er fehlt, und wählen Sie ein neues Passwort.',
  'title.passwordChanged': 'Passwort geändert',
  'intro.passwordChanged': 'Ihr neues Passwort ist gesetzt. Melden Sie sich damit an.',
  'error.verifyLink':
    'Dieser Bestätigungslink ist ungültig, abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen Code an.',
  'error.resetLink':
    'Dieser Link zum Zurücksetzen des Passworts ist ungültig oder abgelaufen. Fordern Sie einen neuen an.',
  'title.legalTerms': 'Nutzungsbedingungen',
  'title.legalPrivacy': 'Datenschutzerklärung',
  'intro.legalUnpublished': 'Die Administration dieses Dienstes hat dieses Dokument noch nicht veröffentlicht.',
};

export const CATALOGUES = { en: en as Catalogue, de } as const;
export type Locale = keyof typeof CATALOGUES;
const LOCALES = Object.keys(CATALOGUES) as Locale[];

/** The catalogue's language for a tag like `de-CH` (primary subtag), if it has one. */
function supported(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split('-')[0];
  return LOCALES.find((l) => l === primary);
}

/** Accept-Language's tags, by quality (RFC 9110 §12.5.4); `*` and q=0 dropped. */
export function acceptedLanguages(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((l) => l.tag);
}

/** ui_locales first, then Accept-Language, then the instance's default language, then English. */
export function pickLocale(uiLocales: readonly string[], acceptLanguage: string | undefined, fallback = 'en'): Locale {
  for (const tag of [...uiLocales, ...acceptedLanguages(acceptLanguage), fallback]) {
    const found = supported(tag);
    if (found) return found;
  }
  return 'en';
}

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, values = {}) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
