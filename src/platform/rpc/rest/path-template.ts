/**
 * google.api.http path templates, as specified in google/api/http.proto ("Path template syntax"):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * A template compiles to a flat list of segments; a variable marks the segments it spans, so
 * `{name=projects/*}` becomes a literal and a wildcard that both capture into `name`.
 */

export type SegmentKind = 'literal' | 'single' | 'multi';

export interface TemplateSegment {
  readonly kind: SegmentKind;
  /** Only for literals. */
  readonly value?: string;
  /** The request field path this segment is captured into, if it sits inside a variable. */
  readonly variable?: string;
}

export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  readonly verb: string | undefined;
  /** Field paths of the variables, in template order. */
  readonly variables: readonly string[];
}

export class PathTemplateError extends Error {}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const RESERVED = /[{}*=:]/;

/** Splits on `separator` outside `{...}`; rejects unbalanced or nested braces. */
function splitOutsideBraces(text: string, separator: string, source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    if (depth < 0 || depth > 1) throw new PathTemplateError(`unbalanced braces in path template ${source}`);
    if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new PathTemplateError(`unbalanced braces in path template ${source}`);
  parts.push(text.slice(start));
  return parts;
}

function plainSegment(text: string, source: string, variable?: string): TemplateSegment {
  if (text === '*') return { kind: 'single', variable };
  if (text === '**') return { kind: 'multi', variable };
  if (text === '' || RESERVED.test(text))
    throw new PathTemplateError(`invalid segment "${text}" in path template ${source}`);
  return { kind: 'literal', value: text, variable };
}

function variableSegments(text: string, source: string): TemplateSegment[] {
  const inner = text.slice(1, -1);
  const eq = inner.indexOf('=');
  const fieldPath = eq < 0 ? inner : inner.slice(0, eq);
  if (!FIELD_PATH.test(fieldPath))
    throw new PathTemplateError(`invalid field path "${fieldPath}" in path template ${source}`);
  // A bare `{field}` is shorthand for `{field=*}`.
  const pattern = eq < 0 ? ['*'] : inner.slice(eq + 1).split('/');
  return pattern.map((p) => plainSegment(p, source, fieldPath));
}

function parseSegment(text: string, source: string): TemplateSegment[] {
  if (text.startsWith('{') && text.endsWith('}')) return variableSegments(text, source);
  return [plainSegment(text, source)];
}

function checkShape(groups: readonly TemplateSegment[][], source: string): string[] {
  const segments = groups.flat();
  const multi = segments.findIndex((s) => s.kind === 'multi');
  if (multi >= 0 && multi !== segments.length - 1) {
    throw new PathTemplateError(`"**" must be the last segment in path template ${source}`);
  }
  // Each group is one template segment; a variable's segments all share its name.
  const variables = groups.flatMap((g) => (g[0].variable ? [g[0].variable] : []));
  const twice = variables.find((v, i) => variables.indexOf(v) !== i);
  if (twice) throw new PathTemplateError(`variable ${twice} bound twice in ${source}`);
  return variables;
}

export function parsePathTemplate(source: string): PathTemplate {
  if (!source.startsWith('/')) throw new PathTemplateError(`path template must start with "/": ${source}`);
  const pieces = splitOutsideBraces(source.slice(1), '/', source);
  // The verb hangs off the last segment, after any closing brace: `/v1/{name}:cancel`.
  const last = splitOutsideBraces(pieces[pieces.length - 1], ':', source);
  if (last.length > 2) throw new PathTemplateError(`more than one verb in path template ${source}`);
  const verb = last.length === 2 ? last[1] : undefined;
  if (verb !== undefined && (verb === '' || RESERVED.test(verb) || verb.includes('/'))) {
    throw new PathTemplateError(`invalid verb in path template ${source}`);
  }
  pieces[pieces.length - 1] = last[0];
  // `/` alone (zero segments) occurs in the contract, e.g. the debug events service.
  const texts = pieces.length === 1 && pieces[0] === '' ? [] : pieces;
  const groups = texts.map((t) => parseSegment(t, source));
  const variables = checkShape(groups, source);
  return { source, segments: groups.flat(), verb, variables };
}

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function splitRequestPath(template: PathTemplate, path: string): string[] | undefined {
  let rest = path;
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    if (!rest.endsWith(suffix)) return undefined;
    rest = rest.slice(0, -suffix.length);
  }
  if (!rest.startsWith('/')) return undefined;
  if (rest === '/') return [];
  const decoded = rest.slice(1).split('/').map(decodeSegment);
  return decoded.every((s): s is string => s !== undefined) ? decoded : undefined;
}

function segmentMatches(segment: TemplateSegment, part: string): boolean {
  // Wildcards never match an empty segment (`/v2/users/` is not `/v2/users/{user_id}`).
  return segment.kind === 'literal' ? segment.value === part : part !== '';
}

/**
 * Matches a request path (without the query string) against a template. Returns the captured
 * values by field path (percent-decoded; a multi-segment capture keeps its `/`), or undefined.
 */
export function matchPath(template: PathTemplate, path: string): Map<string, string> | undefined {
  const parts = splitRequestPath(template, path);
  if (!parts) return undefined;
  const { segments } = template;
  const endsWithMulti = segments.length > 0 && segments[segments.length - 1].kind === 'multi';
  if (endsWithMulti ? parts.length < segments.length - 1 : parts.length !== segments.length) return undefined;
  const captured = new Map<string, string[]>();
  const capture = (variable: string | undefined, values: string[]): void => {
    if (variable) captured.set(variable, [...(captured.get(variable) ?? []), ...values]);
  };
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'multi') {
      capture(segment.variable, parts.slice(i));
      break;
    }
    if (!segmentMatches(segment, parts[i])) return undefined;
    capture(segment.variable, [parts[i]]);
  }
  return new Map([...captured].map(([variable, values]) => [variable, values.join('/')]));
}

const RANK: Record<SegmentKind, number> = { literal: 3, single: 2, multi: 1 };

/**
 * Orders templates most specific first: compared segment by segment from the left, a literal
 * beats a single wildcard beats `**`, so `/v2/users/new` wins over `/v2/users/{user_id}`. A
 * template with a verb beats one without. Sorting by this and taking the first match therefore
 * picks the most specific of all matching templates.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const ra = a.segments[i] ? RANK[a.segments[i].kind] : 0;
    const rb = b.segments[i] ? RANK[b.segments[i].kind] : 0;
    if (ra !== rb) return rb - ra;
  }
  return Number(b.verb !== undefined) - Number(a.verb !== undefined);
}

/**
 * Writes a concrete request path for a template, with `valueFor` supplying each wildcard position
 * (literals inside a variable are kept), e.g. to exercise every route in tests.
 */
export function expandTemplate(template: PathTemplate, valueFor: (variable: string | undefined) => string): string {
  const body = template.segments
    .map((s) => (s.kind === 'literal' ? s.value! : encodeURIComponent(valueFor(s.variable))))
    .join('/');
  return `/${body}${template.verb !== undefined ? `:${template.verb}` : ''}`;
}

function segmentText(segment: TemplateSegment): string {
  return segment.kind === 'literal' ? segment.value! : segment.kind === 'single' ? '*' : '**';
}

/**
 * The OpenAPI form of a template: one `{field.path}` per variable, however many segments it
 * spans (OpenAPI cannot express `{name=projects/*}`; the parameter description says so).
 */
export function toOpenApiPath(template: PathTemplate): string {
  const out: string[] = [];
  let previous: string | undefined;
  for (const s of template.segments) {
    if (s.variable) {
      if (s.variable !== previous) out.push(`{${s.variable}}`);
    } else {
      out.push(segmentText(s));
    }
    previous = s.variable;
  }
  return `/${out.join('/')}${template.verb !== undefined ? `:${template.verb}` : ''}`;
}

/** The sub-pattern a variable was declared with, e.g. `projects/*` for `{name=projects/*}`. */
export function variablePattern(template: PathTemplate, variable: string): string {
  return template.segments
    .filter((s) => s.variable === variable)
    .map(segmentText)
    .join('/');
}
