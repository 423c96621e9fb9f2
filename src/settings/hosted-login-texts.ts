/**
 * The built-in ("system") hosted login translations GetHostedLoginTranslation merges instance and
 * org overrides onto: Portcullis's own wording under the keys of ZITADEL's Login V2 message
 * catalogue (the shape its login reads: `loginname.title`, `password.set.labels.code`, …), so
 * Login V2 shows complete texts against a fresh install. `{name}` placeholders are the ones the
 * login fills in.
 */
type Texts = { readonly [key: string]: string | Texts };

const required =
  (...fields: string[]) =>
  (text: string): Texts =>
    Object.fromEntries(fields.map((f) => [f, text]));

const en: Texts = {
  common: { back: 'Back', title: 'Sign in' },
  accounts: {
    title: 'Choose an account',
    description: 'Pick the account to continue with.',
    addAnother: 'Use another account',
    noResults: 'No accounts yet',
    verified: 'signed in',
    expired: 'session expired',
  },
  logout: {
    title: 'Sign out',
    description: 'Choose the account whose session should end.',
    noResults: 'No accounts yet',
    clear: 'End session',
    verifiedAt: 'Last used: {time}',
    success: { title: 'Signed out', description: 'Your session has ended.' },
  },
  loginname: {
    title: 'Welcome',
    description: 'Enter your login name to continue.',
    register: 'Create an account',
    submit: 'Continue',
    labels: {
      loginname: 'Login name',
      username: 'Username',
      usernameOrPhoneNumber: 'Username or phone number',
      usernameOrEmail: 'Username or email address',
    },
    required: { loginName: 'Please fill in this field.' },
  },
  password: {
    verify: {
      title: 'Password',
      description: 'Enter the password of your account.',
      resetPassword: 'Forgot your password?',
      submit: 'Continue',
      labels: { password: 'Password' },
      required: { password: 'Please fill in this field.' },
    },
    set: {
      title: 'Choose a password',
      description: 'Choose the password for your account.',
      codeSent: 'We sent a code to your email address.',
      noCodeReceived: 'No code arrived?',
      resend: 'Send a new code',
      submit: 'Continue',
      labels: { code: 'Code', newPassword: 'New password', confirmPassword: 'Repeat the new password' },
      required: {
        code: 'Please fill in this field.',
        newPassword: 'Please choose a password.',
        confirmPassword: 'Please fill in this field.',
      },
    },
    change: {
      title: 'Change your password',
      description: 'Choose a new password for your account.',
      submit: 'Continue',
      labels: { newPassword: 'New password', confirmPassword: 'Repeat the new password' },
      required: { newPassword: 'Please choose a new password.', confirmPassword: 'Please fill in this field.' },
    },
  },
  idp: {
    title: 'Sign in with single sign-on',
    description: 'Choose the provider to sign in with.',
    orSignInWith: 'or continue with',
    signInWithApple: 'Continue with Apple',
    signInWithGoogle: 'Continue with Google',
    signInWithAzureAD: 'Continue with Microsoft Entra ID',
    signInWithGithub: 'Continue with GitHub',
    signInWithGitlab: 'Continue with GitLab',
    loginSuccess: { title: 'Signed in', description: 'You are signed in.' },
    linkingSuccess: { title: 'Account linked', description: 'Your account is now linked.' },
    registerSuccess: { title: 'Account created', description: 'Your account is ready.' },
    loginError: { title: 'Sign-in failed', description: 'Signing in with the provider did not work.' },
    linkingError: { title: 'Linking failed', description: 'Your account could not be linked.' },
    completeRegister: {
      title: 'Finish creating your account',
      description: 'Fill in the missing details to create your account.',
    },
  },
  ldap: {
    title: 'Sign in with LDAP',
    description: 'Enter your directory credentials.',
    submit: 'Continue',
    labels: { username: 'Username', password: 'Password' },
    required: required('username', 'password')('Please fill in this field.'),
  },
  mfa: {
    verify: {
      title: 'Confirm it is you',
      description: 'Choose one of your second factors.',
      noResults: 'There is no second factor to set up.',
    },
    set: { title: 'Set up a second factor', description: 'Choose the second factor to set up.', skip: 'Skip for now' },
  },
  otp: {
    verify: {
      title: 'Enter your code',
      totpDescription: 'Enter the code your authenticator app shows.',
      smsDescription: 'Enter the code we sent you by SMS.',
      emailDescription: 'Enter the code we sent you by email.',
      noCodeReceived: 'No code arrived?',
      resendCode: 'Send a new code',
      submit: 'Continue',
      labels: { code: 'Code' },
      required: { code: 'Please fill in this field.' },
    },
    set: {
      title: 'Set up a second factor',
      totpDescription: 'Scan the QR code with your authenticator app.',
      smsDescription: 'Enter your phone number to get codes by SMS.',
      emailDescription: 'Enter your email address to get codes by email.',
      totpRegisterDescription: 'Scan the QR code, or open the link on this device.',
      submit: 'Continue',
      labels: { code: 'Code' },
      required: { code: 'Please fill in this field.' },
    },
  },
  passkey: {
    verify: {
      title: 'Sign in with a passkey',
      description: 'Your device will ask for your fingerprint, your face or its screen lock.',
      usePassword: 'Use your password instead',
      submit: 'Continue',
    },
    set: {
      title: 'Create a passkey',
      description: 'Your device will ask for your fingerprint, your face or its screen lock.',
      info: {
        description:
          'A passkey lets you sign in with this device’s fingerprint or face recognition, its screen lock or a security key, without a password.',
        link: 'About signing in without a password',
      },
      skip: 'Skip for now',
      submit: 'Continue',
    },
  },
  u2f: {
    verify: { title: 'Confirm with your security key', description: 'Use the security key of your account.' },
    set: {
      title: 'Add a security key',
      description: 'Register a security key as your second factor.',
      submit: 'Continue',
    },
  },
  register: {
    methods: { passkey: 'Passkey', password: 'Password' },
    disabled: {
      title: 'Registration is off',
      description: 'New accounts cannot be created here. Ask your administrator.',
    },
    missingdata: { title: 'Something is missing', description: 'Some details are missing. Check what you entered.' },
    title: 'Create an account',
    description: 'Enter your details to create your account.',
    noMethodAvailableWarning: 'No way to sign in is enabled. Ask your administrator.',
    selectMethod: 'Choose how you want to sign in',
    agreeTo: 'To create an account, you agree to the',
    termsOfService: 'terms of service',
    privacyPolicy: 'privacy policy',
    submit: 'Continue',
    password: {
      title: 'Choose a password',
      description: 'Choose the password for your account.',
      submit: 'Continue',
      labels: { password: 'Password', confirmPassword: 'Repeat the password' },
      required: { password: 'Please choose a password.', confirmPassword: 'Please fill in this field.' },
    },
    labels: { firstname: 'First name', lastname: 'Last name', email: 'Email address' },
    required: required('firstname', 'lastname', 'email')('Please fill in this field.'),
  },
  invite: {
    title: 'Invite a user',
    description: 'Enter the email address of the person to invite.',
    info: 'They get an email with a link to set up their account.',
    notAllowed: 'You may not invite users.',
    submit: 'Send invitation',
    success: {
      title: 'Invitation sent',
      description: 'The user is invited.',
      verified: 'The user is invited; their email address is already verified.',
      notVerifiedYet: 'The user is invited and gets an email with the next steps.',
      submit: 'Invite someone else',
    },
  },
  signedin: {
    title: 'Welcome, {user}!',
    description: 'You are signed in.',
    continue: 'Continue',
    error: { title: 'Something went wrong', description: 'An error occurred.' },
  },
  verify: {
    userIdMissing: 'The link names no user.',
    successTitle: 'Email address verified',
    successDescription: 'Your email address is verified.',
    setupAuthenticator: 'Set up a way to sign in',
    verify: {
      title: 'Verify your email address',
      description: 'Enter the code from the email we sent you.',
      noCodeReceived: 'No code arrived?',
      resendCode: 'Send a new code',
      codeSent: 'We just sent a code to your email address.',
      submit: 'Continue',
      labels: { code: 'Code' },
      required: { code: 'Please fill in this field.' },
    },
  },
  authenticator: {
    title: 'Choose how to sign in',
    description: 'Pick the method you want to sign in with.',
    noMethodsAvailable: 'No sign-in methods are available',
    allSetup: 'You have already set up a way to sign in.',
    linkWithIDP: 'or link an identity provider',
  },
  device: {
    usercode: {
      title: 'Connect a device',
      description: 'Enter the code your device shows.',
      submit: 'Continue',
      labels: { code: 'Code' },
      required: { code: 'Please fill in this field.' },
    },
    request: {
      title: '{appName} asks to connect:',
      disclaimer: '{appName} will get access to:',
      description:
        'If you allow it, {appName} may use this information under its terms of service and privacy policy. You can take the access back at any time.',
      submit: 'Allow',
      deny: 'Deny',
    },
    scope: {
      openid: 'Confirm who you are.',
      email: 'Read your email address.',
      profile: 'Read your profile.',
      offline_access: 'Stay connected while you are away.',
    },
  },
  error: {
    noUserCode: 'No device code was given.',
    noDeviceRequest: 'No device request was found. Check the link.',
    unknownContext:
      'We could not tell which user this is about. Enter your login name first, or open the link with a loginName parameter.',
    sessionExpired: 'Your session has expired. Sign in again.',
    failedLoading: 'Loading failed. Try again.',
    tryagain: 'Try again',
  },
};

const de: Texts = {
  common: { back: 'Zurück', title: 'Anmelden' },
  accounts: {
    title: 'Konto wählen',
    description: 'Wählen Sie das Konto, mit dem Sie fortfahren möchten.',
    addAnother: 'Anderes Konto verwenden',
    noResults: 'Noch keine Konten',
    verified: 'angemeldet',
    expired: 'Sitzung abgelaufen',
  },
  logout: {
    title: 'Abmelden',
    description: 'Wählen Sie das Konto, dessen Sitzung enden soll.',
    noResults: 'Noch keine Konten',
    clear: 'Sitzung beenden',
    verifiedAt: 'Zuletzt verwendet: {time}',
    success: { title: 'Abgemeldet', description: 'Ihre Sitzung ist beendet.' },
  },
  loginname: {
    title: 'Willkommen',
    description: 'Geben Sie Ihren Anmeldenamen ein, um fortzufahren.',
    register: 'Konto erstellen',
    submit: 'Weiter',
    labels: {
      loginname: 'Anmeldename',
      username: 'Benutzername',
      usernameOrPhoneNumber: 'Benutzername oder Telefonnummer',
      usernameOrEmail: 'Benutzername oder E-Mail-Adresse',
    },
    required: { loginName: 'Bitte füllen Sie dieses Feld aus.' },
  },
  password: {
    verify: {
      title: 'Passwort',
      description: 'Geben Sie das Passwort Ihres Kontos ein.',
      resetPassword: 'Passwort vergessen?',
      submit: 'Weiter',
      labels: { password: 'Passwort' },
      required: { password: 'Bitte füllen Sie dieses Feld aus.' },
    },
    set: {
      title: 'Passwort wählen',
      description: 'Wählen Sie das Passwort für Ihr Konto.',
      codeSent: 'Wir haben Ihnen einen Code per E-Mail geschickt.',
      noCodeReceived: 'Kein Code angekommen?',
      resend: 'Neuen Code senden',
      submit: 'Weiter',
      labels: { code: 'Code', newPassword: 'Neues Passwort', confirmPassword: 'Neues Passwort wiederholen' },
      required: {
        code: 'Bitte füllen Sie dieses Feld aus.',
        newPassword: 'Bitte wählen Sie ein Passwort.',
        confirmPassword: 'Bitte füllen Sie dieses Feld aus.',
      },
    },
    change: {
      title: 'Passwort ändern',
      description: 'Wählen Sie ein neues Passwort für Ihr Konto.',
      submit: 'Weiter',
      labels: { newPassword: 'Neues Passwort', confirmPassword: 'Neues Passwort wiederholen' },
      required: {
        newPassword: 'Bitte wählen Sie ein neues Passwort.',
        confirmPassword: 'Bitte füllen Sie dieses Feld aus.',
      },
    },
  },
  idp: {
    title: 'Mit Single Sign-on anmelden',
    description: 'Wählen Sie den Anbieter, mit dem Sie sich anmelden möchten.',
    orSignInWith: 'oder weiter mit',
    signInWithApple: 'Weiter mit Apple',
    signInWithGoogle: 'Weiter mit Google',
    signInWithAzureAD: 'Weiter mit Microsoft Entra ID',
    signInWithGithub: 'Weiter mit GitHub',
    signInWithGitlab: 'Weiter mit GitLab',
    loginSuccess: { title: 'Angemeldet', description: 'Sie sind angemeldet.' },
    linkingSuccess: { title: 'Konto verknüpft', description: 'Ihr Konto ist jetzt verknüpft.' },
    registerSuccess: { title: 'Konto erstellt', description: 'Ihr Konto ist bereit.' },
    loginError: { title: 'Anmeldung fehlgeschlagen', description: 'Die Anmeldung beim Anbieter hat nicht geklappt.' },
    linkingError: { title: 'Verknüpfen fehlgeschlagen', description: 'Ihr Konto konnte nicht verknüpft werden.' },
    completeRegister: {
      title: 'Konto fertig erstellen',
      description: 'Ergänzen Sie die fehlenden Angaben, um Ihr Konto zu erstellen.',
    },
  },
  ldap: {
    title: 'Mit LDAP anmelden',
    description: 'Geben Sie Ihre Verzeichnis-Zugangsdaten ein.',
    submit: 'Weiter',
    labels: { username: 'Benutzername', password: 'Passwort' },
    required: required('username', 'password')('Bitte füllen Sie dieses Feld aus.'),
  },
  mfa: {
    verify: {
      title: 'Bestätigen Sie, dass Sie es sind',
      description: 'Wählen Sie einen Ihrer zweiten Faktoren.',
      noResults: 'Es gibt keinen zweiten Faktor zum Einrichten.',
    },
    set: {
      title: 'Zweiten Faktor einrichten',
      description: 'Wählen Sie den zweiten Faktor, den Sie einrichten möchten.',
      skip: 'Später',
    },
  },
  otp: {
    verify: {
      title: 'Code eingeben',
      totpDescription: 'Geben Sie den Code ein, den Ihre Authenticator-App anzeigt.',
      smsDescription: 'Geben Sie den Code ein, den wir Ihnen per SMS geschickt haben.',
      emailDescription: 'Geben Sie den Code ein, den wir Ihnen per E-Mail geschickt haben.',
      noCodeReceived: 'Kein Code angekommen?',
      resendCode: 'Neuen Code senden',
      submit: 'Weiter',
      labels: { code: 'Code' },
      required: { code: 'Bitte füllen Sie dieses Feld aus.' },
    },
    set: {
      title: 'Zweiten Faktor einrichten',
      totpDescription: 'Scannen Sie den QR-Code mit Ihrer Authenticator-App.',
      smsDescription: 'Geben Sie Ihre Telefonnummer ein, um Codes per SMS zu erhalten.',
      emailDescription: 'Geben Sie Ihre E-Mail-Adresse ein, um Codes per E-Mail zu erhalten.',
      totpRegisterDescription: 'Scannen Sie den QR-Code oder öffnen Sie den Link auf diesem Gerät.',
      submit: 'Weiter',
      labels: { code: 'Code' },
      required: { code: 'Bitte füllen Sie dieses Feld aus.' },
    },
  },
  passkey: {
    verify: {
      title: 'Mit Passkey anmelden',
      description: 'Ihr Gerät fragt nach Fingerabdruck, Gesicht oder Bildschirmsperre.',
      usePassword: 'Stattdessen Passwort verwenden',
      submit: 'Weiter',
    },
    set: {
      title: 'Passkey erstellen',
      description: 'Ihr Gerät fragt nach Fingerabdruck, Gesicht oder Bildschirmsperre.',
      info: {
        description:
          'Mit einem Passkey melden Sie sich per Fingerabdruck, Gesichtserkennung, Bildschirmsperre oder Sicherheitsschlüssel an, ohne Passwort.',
        link: 'Anmelden ohne Passwort',
      },
      skip: 'Später',
      submit: 'Weiter',
    },
  },
  u2f: {
    verify: {
      title: 'Mit Sicherheitsschlüssel bestätigen',
      description: 'Verwenden Sie den Sicherheitsschlüssel Ihres Kontos.',
    },
    set: {
      title: 'Sicherheitsschlüssel hinzufügen',
      description: 'Registrieren Sie einen Sicherheitsschlüssel als zweiten Faktor.',
      submit: 'Weiter',
    },
  },
  register: {
    methods: { passkey: 'Passkey', password: 'Passwort' },
    disabled: {
      title: 'Registrierung ist aus',
      description: 'Hier können keine Konten erstellt werden. Wenden Sie sich an Ihre Administration.',
    },
    missingdata: { title: 'Es fehlt etwas', description: 'Einige Angaben fehlen. Prüfen Sie Ihre Eingaben.' },
    title: 'Konto erstellen',
    description: 'Geben Sie Ihre Daten ein, um Ihr Konto zu erstellen.',
    noMethodAvailableWarning: 'Keine Anmeldeart ist aktiviert. Wenden Sie sich an Ihre Administration.',
    selectMethod: 'Wählen Sie, wie Sie sich anmelden möchten',
    agreeTo: 'Mit dem Erstellen des Kontos stimmen Sie zu:',
    termsOfService: 'Nutzungsbedingungen',
    privacyPolicy: 'Datenschutzerklärung',
    submit: 'Weiter',
    password: {
      title: 'Passwort wählen',
      description: 'Wählen Sie das Passwort für Ihr Konto.',
      submit: 'Weiter',
      labels: { password: 'Passwort', confirmPassword: 'Passwort wiederholen' },
      required: { password: 'Bitte wählen Sie ein Passwort.', confirmPassword: 'Bitte füllen Sie dieses Feld aus.' },
    },
    labels: { firstname: 'Vorname', lastname: 'Nachname', email: 'E-Mail-Adresse' },
    required: required('firstname', 'lastname', 'email')('Bitte füllen Sie dieses Feld aus.'),
  },
  invite: {
    title: 'Benutzer einladen',
    description: 'Geben Sie die E-Mail-Adresse der Person ein, die Sie einladen möchten.',
    info: 'Sie erhält eine E-Mail mit einem Link, um ihr Konto einzurichten.',
    notAllowed: 'Sie dürfen keine Benutzer einladen.',
    submit: 'Einladung senden',
    success: {
      title: 'Einladung gesendet',
      description: 'Der Benutzer ist eingeladen.',
      verified: 'Der Benutzer ist eingeladen; seine E-Mail-Adresse ist bereits bestätigt.',
      notVerifiedYet: 'Der Benutzer ist eingeladen und erhält eine E-Mail mit den nächsten Schritten.',
      submit: 'Weitere Person einladen',
    },
  },
  signedin: {
    title: 'Willkommen, {user}!',
    description: 'Sie sind angemeldet.',
    continue: 'Weiter',
    error: { title: 'Etwas ist schiefgegangen', description: 'Ein Fehler ist aufgetreten.' },
  },
  verify: {
    userIdMissing: 'Der Link nennt keinen Benutzer.',
    successTitle: 'E-Mail-Adresse bestätigt',
    successDescription: 'Ihre E-Mail-Adresse ist bestätigt.',
    setupAuthenticator: 'Anmeldeart einrichten',
    verify: {
      title: 'E-Mail-Adresse bestätigen',
      description: 'Geben Sie den Code aus der E-Mail ein, die wir Ihnen geschickt haben.',
      noCodeReceived: 'Kein Code angekommen?',
      resendCode: 'Neuen Code senden',
      codeSent: 'Wir haben Ihnen gerade einen Code per E-Mail geschickt.',
      submit: 'Weiter',
      labels: { code: 'Code' },
      required: { code: 'Bitte füllen Sie dieses Feld aus.' },
    },
  },
  authenticator: {
    title: 'Anmeldeart wählen',
    description: 'Wählen Sie, wie Sie sich anmelden möchten.',
    noMethodsAvailable: 'Keine Anmeldearten verfügbar',
    allSetup: 'Sie haben bereits eine Anmeldeart eingerichtet.',
    linkWithIDP: 'oder einen Identitätsanbieter verknüpfen',
  },
  device: {
    usercode: {
      title: 'Gerät verbinden',
      description: 'Geben Sie den Code ein, den Ihr Gerät anzeigt.',
      submit: 'Weiter',
      labels: { code: 'Code' },
      required: { code: 'Bitte füllen Sie dieses Feld aus.' },
    },
    request: {
      title: '{appName} möchte sich verbinden:',
      disclaimer: '{appName} erhält Zugriff auf:',
      description:
        'Wenn Sie zulassen, darf {appName} diese Angaben gemäß seinen Nutzungsbedingungen und seiner Datenschutzerklärung verwenden. Sie können den Zugriff jederzeit widerrufen.',
      submit: 'Zulassen',
      deny: 'Ablehnen',
    },
    scope: {
      openid: 'Bestätigen, wer Sie sind.',
      email: 'Ihre E-Mail-Adresse lesen.',
      profile: 'Ihr Profil lesen.',
      offline_access: 'Verbunden bleiben, während Sie nicht da sind.',
    },
  },
  error: {
    noUserCode: 'Es wurde kein Gerätecode angegeben.',
    noDeviceRequest: 'Es wurde keine Geräteanfrage gefunden. Prüfen Sie den Link.',
    unknownContext:
      'Wir konnten nicht erkennen, um welchen Benutzer es geht. Geben Sie zuerst Ihren Anmeldenamen ein oder öffnen Sie den Link mit einem loginName-Parameter.',
    sessionExpired: 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.',
    failedLoading: 'Laden fehlgeschlagen. Versuchen Sie es erneut.',
    tryagain: 'Erneut versuchen',
  },
};

/** The languages with built-in texts; English is the last resort. */
export const HOSTED_LOGIN_TEXTS: Readonly<Record<string, Texts>> = Object.freeze({ en, de });

/**
 * The languages reported as supported (GetSupportedLanguages, GetAllowedLanguages, the general
 * settings' supported_languages) and accepted as the default language: as ZITADEL reports the
 * languages it has texts for, these are the ones the hosted login ships texts for.
 */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.freeze(Object.keys(HOSTED_LOGIN_TEXTS).sort());

/**
 * The built-in texts for a locale: its base language when built in, else the instance's default
 * language (ZITADEL's getSystemTranslation), else English. A fresh copy: callers merge onto it.
 */
export function systemTranslations(locale: string, instanceDefaultLanguage: string): Record<string, unknown> {
  const builtIn = (tag: string): Texts | undefined => {
    const language = tag.toLowerCase().split('-')[0];
    return Object.hasOwn(HOSTED_LOGIN_TEXTS, language) ? HOSTED_LOGIN_TEXTS[language] : undefined;
  };
  const texts = builtIn(locale) ?? builtIn(instanceDefaultLanguage) ?? en;
  return structuredClone(texts) as Record<string, unknown>;
}
