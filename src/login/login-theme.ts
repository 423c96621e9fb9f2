import { brandCss } from '../settings/branding.js';
import type { LabelSettings } from '../settings/policies.queries.js';

/**
 * The one stylesheet of the pages: the brand, then the layout. Served from `assets/login.css`,
 * never inline, so the CSP needs no 'unsafe-inline'.
 */
export function themeCss(label: LabelSettings): string {
  return `${brandCss(label)}
${BASE_CSS}`;
}

const BASE_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;background:var(--bg);color:var(--fg);
  font:16px/1.5 ${'"Brand",'} system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:440px;margin:48px 16px 24px;padding:32px 28px;border-radius:12px;
  background:color-mix(in srgb,var(--bg) 92%,var(--fg) 8%);box-shadow:0 1px 3px color-mix(in srgb,var(--fg) 20%,transparent)}
@media (max-width:480px){main{margin:0;border-radius:0;box-shadow:none;min-height:100vh;padding:24px 20px}}
.brand{display:flex;justify-content:center;margin-bottom:16px}
.brand img{max-height:48px;max-width:200px}
.brand .dark{display:none}
@media (prefers-color-scheme:dark){.brand .dark{display:block}.brand .light.has-dark{display:none}}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 8px;text-align:center}
p{margin:0 0 16px}
.intro{text-align:center;opacity:.85}
.who{display:flex;flex-direction:column;align-items:center;margin:0 0 16px;padding:8px 12px;border-radius:999px;
  border:1px solid color-mix(in srgb,var(--fg) 25%,transparent)}
.who strong{font-weight:600}
.who span{font-size:.875rem;opacity:.8}
label{display:block;font-weight:600;margin:16px 0 6px}
input[type=text],input[type=password],input[type=email]{width:100%;padding:12px;font:inherit;color:var(--fg);
  background:var(--bg);border:1px solid color-mix(in srgb,var(--fg) 45%,transparent);border-radius:8px}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--primary);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:12px;justify-content:space-between;align-items:center;margin-top:24px}
button,.button{display:inline-flex;justify-content:center;align-items:center;min-height:44px;padding:10px 20px;font:inherit;font-weight:600;
  border-radius:8px;border:1px solid var(--primary);cursor:pointer;text-decoration:none}
.primary{background:var(--primary);color:#fff;margin-left:auto}
.secondary{background:transparent;color:var(--fg)}
.error{color:var(--warn);border:1px solid var(--warn);border-radius:8px;padding:10px 12px;margin:16px 0}
.error p{margin:0}
ul.accounts,ul.choices{list-style:none;margin:16px 0;padding:0}
ul.accounts li,ul.choices li{margin:0 0 8px}
ul.accounts button,ul.choices button{width:100%;justify-content:flex-start;flex-direction:column;align-items:flex-start;
  background:transparent;color:var(--fg);border-color:color-mix(in srgb,var(--fg) 25%,transparent);text-align:left}
ul.accounts button span{font-weight:400;font-size:.875rem;opacity:.8}
ul.scopes{margin:0 0 16px;padding-left:20px}
ul.complexity{margin:0 0 8px;padding-left:20px;font-size:.9rem}
ul.complexity li.met{list-style-type:'\\2713  ';opacity:.7}
ul.links{list-style:none;margin:20px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:8px 20px;justify-content:center;font-size:.95rem}
ul.choices a.button{width:100%;justify-content:flex-start;background:transparent;color:var(--fg);border-color:color-mix(in srgb,var(--fg) 25%,transparent)}
.hint{font-size:.875rem;opacity:.8;margin:6px 0 0}
.label{font-weight:600;margin:16px 0 6px}
.qr{display:flex;justify-content:center;margin:0 0 16px}
.qr svg{width:200px;height:200px;background:#fff;padding:8px;border-radius:8px}
code.secret{font-family:ui-monospace,monospace;font-size:1.05rem;letter-spacing:.05em;word-break:break-all}
details{margin:0 0 8px;font-size:.875rem}
a.uri{word-break:break-all}
[hidden]{display:none!important}
a{color:var(--primary)}
.code{font-family:ui-monospace,monospace;letter-spacing:.15em;text-transform:uppercase}
footer{display:flex;flex-wrap:wrap;gap:16px;justify-content:center;margin:8px 16px 24px;font-size:.875rem}
footer a{color:var(--fg);opacity:.85}
input[type].visually-hidden,.visually-hidden{position:absolute;width:1px;height:1px;padding:0;border:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
