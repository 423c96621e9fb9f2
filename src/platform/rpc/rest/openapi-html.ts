/** Text safe inside HTML element content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JSON literal safe inside an inline <script> (no `</script>`, no HTML comment openers). */
function scriptLiteral(value: string): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
  :root { color-scheme: light dark; --line: #8884; --muted: #888; }
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 4rem; }
  header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; }
  header h1 { margin: 0; font-size: 1.5rem; }
  header a, .muted { color: var(--muted); }
  input[type=search] { width: 100%; padding: .5rem; margin: 1rem 0; font: inherit; box-sizing: border-box; }
  h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
  details { border: 1px solid var(--line); border-radius: 6px; margin: .3rem 0; }
  summary { cursor: pointer; padding: .35rem .6rem; display: flex; gap: .75rem; align-items: baseline; }
  details > div { padding: .25rem .9rem .8rem; }
  code, .path { font-family: ui-monospace, monospace; font-size: .9em; }
  .verb { font: bold .75rem ui-monospace, monospace; min-width: 4.2rem; text-align: center; padding: .1rem .3rem;
          border-radius: 4px; color: #fff; background: #667; text-transform: uppercase; }
  .get { background: #2a7ab0; } .post { background: #2e8b57; } .put { background: #b8860b; }
  .patch { background: #8a6d3b; } .delete { background: #b03a2e; }
  .deprecated .path { text-decoration: line-through; }
  table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
  td, th { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-weight: 600; } h4 { margin: .8rem 0 .2rem; }
`;

/**
 * Client-side renderer: fetches the spec and lists operations grouped by service (tag), each
 * expandable to its parameters and body/response types, plus the schemas they refer to. All text
 * from the spec goes through textContent, never innerHTML.
 */
const SCRIPT = `
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const refName = (ref) => ref.slice(ref.lastIndexOf('/') + 1);
const typeOf = (s) => {
  if (!s) return 'any';
  if (s.$ref) return el('a', { href: '#schema-' + refName(s.$ref) }, refName(s.$ref));
  if (s.type === 'array') return el('span', {}, 'array of ', typeOf(s.items));
  if (s.type === 'object' && s.additionalProperties && s.additionalProperties !== true) return el('span', {}, 'map of ', typeOf(s.additionalProperties));
  return [s.type ?? 'any', s.format].filter(Boolean).join(' ');
};
const table = (head, rows) => rows.length ? el('table', {}, el('tr', {}, ...head.map((h) => el('th', {}, h))),
  ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))) : el('p', { class: 'muted' }, 'none');
const jsonContent = (x) => x && x.content && x.content['application/json'] && x.content['application/json'].schema;

function renderOperation(verb, path, op) {
  const body = el('div');
  if (op.description) body.append(el('p', {}, op.description));
  body.append(el('p', { class: 'muted' }, el('code', {}, op['x-grpc-method'] ?? op.operationId)));
  body.append(el('h4', {}, 'Parameters'), table(['name', 'in', 'type', 'description'],
    (op.parameters ?? []).map((p) => [el('code', {}, p.name), p.in, typeOf(p.schema), p.description ?? p.schema?.description ?? ''])));
  if (op.requestBody) body.append(el('h4', {}, 'Request body'), el('p', {}, typeOf(jsonContent(op.requestBody))));
  body.append(el('h4', {}, 'Response'), el('p', {}, typeOf(jsonContent(op.responses && (op.responses['200'] ?? op.responses['201'])))));
  const summary = el('summary', {}, el('span', { class: 'verb ' + verb }, verb), el('span', { class: 'path' }, path),
    el('span', { class: 'muted' }, op.summary ?? ''));
  const node = el('details', { class: op.deprecated ? 'deprecated' : '' }, summary, body);
  node.dataset.search = (verb + ' ' + path + ' ' + (op.summary ?? '') + ' ' + op.operationId).toLowerCase();
  return node;
}

function renderSchema(name, s) {
  const rows = Object.entries(s.properties ?? {}).map(([p, ps]) => [el('code', {}, p), typeOf(ps), ps.description ?? '']);
  const body = el('div');
  if (s.description) body.append(el('p', {}, s.description));
  if (s.enum) body.append(el('p', {}, el('code', {}, s.enum.join(' | '))));
  else body.append(table(['field', 'type', 'description'], rows));
  return el('details', { id: 'schema-' + name }, el('summary', {}, el('code', {}, name)), body);
}

async function main() {
  const root = document.getElementById('operations');
  let spec;
  try {
    const response = await fetch(SPEC_URL);
    if (!response.ok) throw new Error('HTTP ' + response.status);
    spec = await response.json();
  } catch (err) {
    root.replaceChildren(el('p', {}, 'Could not load the API description: ' + err.message));
    return;
  }
  document.title = spec.info.title + ' API reference';
  document.getElementById('title').textContent = spec.info.title + ' ' + spec.info.version;
  const groups = new Map((spec.tags ?? []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [verb, op] of Object.entries(item)) {
      const tag = (op.tags ?? ['other'])[0];
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push(renderOperation(verb, path, op));
    }
  }
  const sections = [...groups].filter(([, ops]) => ops.length).map(([tag, ops]) => el('section', {}, el('h2', {}, tag), ...ops));
  const schemas = Object.entries(spec.components?.schemas ?? {}).map(([n, s]) => renderSchema(n, s));
  root.replaceChildren(...sections, el('h2', {}, 'Schemas'), ...schemas);
  // Following a type link opens the schema it points to.
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('a[href^="#schema-"]');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (target) target.open = true;
  });
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const section of sections) {
      let shown = 0;
      for (const op of section.querySelectorAll('details')) {
        op.hidden = !!q && !op.dataset.search.includes(q);
        if (!op.hidden) shown++;
      }
      section.hidden = shown === 0;
    }
  });
}
main();
`;

/**
 * A self-contained API reference page (no CDN, no external assets) that renders the OpenAPI
 * document served at `specUrl`.
 */
export function openApiHtml(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1 id="title">API reference</h1><a href="${escapeHtml(specUrl)}">OpenAPI document: ${escapeHtml(specUrl)}</a></header>
<input id="filter" type="search" placeholder="Filter by path, method or name" aria-label="Filter operations">
<main id="operations"><p class="muted">Loading…</p></main>
<script>
const SPEC_URL = ${scriptLiteral(specUrl)};
${SCRIPT}
</script>
</body>
</html>
`;
}
