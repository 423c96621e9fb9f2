// The console's words in English and German, chosen by the user's language (the login pages' two).
import { de } from './i18n-de.js';
import { en } from './i18n-en.js';

/** @type {Record<string, Record<string, string>>} */
const MESSAGES = { en, de };

let language = 'en';

/** @param {readonly string[]} preferred languages, most wanted first (e.g. navigator.languages) */
export function chooseLanguage(preferred) {
  const found = preferred.map((l) => l.toLowerCase().split('-')[0]).find((l) => l in MESSAGES);
  language = found ?? 'en';
  document.documentElement.lang = language;
  return language;
}

/**
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  const text = MESSAGES[language][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}
