// The label policy (branding) as the browser pages take it: safe colours and asset URLs, and CSS
// custom properties the login pages and the console build their looks on.
import { DEFAULT_LABEL_SETTINGS, type LabelSettings } from './policies.queries.js';

/** A colour as CSS may safely take it from a policy (hex, rgb()/hsl(), a keyword); else the default. */
function colour(value: string, fallback: string): string {
  const v = value.trim();
  return /^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)|[a-zA-Z]{3,20})$/.test(v) ? v : fallback;
}

/** Only http(s) or same-origin asset URLs, without anything that could end the CSS string. */
export function safeAssetUrl(value: string): string | undefined {
  const v = value.trim();
  if (!v || /["'()\\\s<>]/.test(v)) return undefined;
  return /^(https?:\/\/|\/)/.test(v) ? v : undefined;
}

/** The origins of absolute asset URLs (logo, icon, font): the CSP must allow them. */
export function assetOrigins(label: LabelSettings): string[] {
  const origins = new Set<string>();
  for (const url of [label.logoUrl, label.logoUrlDark, label.iconUrl, label.iconUrlDark, label.fontUrl]) {
    const safe = safeAssetUrl(url);
    if (safe && /^https?:\/\//.test(safe)) origins.add(new URL(safe).origin);
  }
  return [...origins];
}

/**
 * The label policy as CSS: its colours as custom properties (`--primary`, `--bg`, `--warn`,
 * `--fg`; light, and dark under prefers-color-scheme unless the policy fixes a theme) and its font
 * as the family "Brand". The login pages and the console both build on it.
 */
export function brandCss(label: LabelSettings): string {
  const d = DEFAULT_LABEL_SETTINGS;
  const light = `--primary:${colour(label.primaryColor, d.primaryColor)};--bg:${colour(label.backgroundColor, d.backgroundColor)};--warn:${colour(label.warnColor, d.warnColor)};--fg:${colour(label.fontColor, d.fontColor)};`;
  const dark = `--primary:${colour(label.primaryColorDark, d.primaryColorDark)};--bg:${colour(label.backgroundColorDark, d.backgroundColorDark)};--warn:${colour(label.warnColorDark, d.warnColorDark)};--fg:${colour(label.fontColorDark, d.fontColorDark)};`;
  const font = safeAssetUrl(label.fontUrl);
  const modes =
    label.themeMode === 'dark'
      ? `:root{${dark}color-scheme:dark}`
      : label.themeMode === 'light'
        ? `:root{${light}color-scheme:light}`
        : `:root{${light}color-scheme:light dark}@media (prefers-color-scheme:dark){:root{${dark}}}`;
  return `${font ? `@font-face{font-family:"Brand";src:url("${font}");font-display:swap}` : ''}${modes}`;
}
