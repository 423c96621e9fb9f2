// The password complexity rules belong to settings (users reads them, settings stores them); only the
// login pages still import them from here.
export { DEFAULT_PASSWORD_COMPLEXITY, passwordProblems, type PasswordComplexity } from '../settings/password-policy.js';
