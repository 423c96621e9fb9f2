import type { PathTemplate } from './path-template.js';

/** A template's first two segments when both are literal (and no verb hangs off either), else undefined. */
function literalHead(template: PathTemplate): readonly [string, string] | undefined {
  const [first, second] = template.segments;
  if (first?.kind !== 'literal' || second?.kind !== 'literal') return undefined;
  if (template.verb !== undefined && template.segments.length <= 2) return undefined;
  return [first.value!, second.value!];
}

/**
 * Whether a template could match a path that starts with `head` (its first two segments,
 * decoded): a cheap test before the full match, which splits and decodes the whole path.
 */
export function couldMatch(template: PathTemplate, head: readonly (string | undefined)[]): boolean {
  for (let i = 0; i < 2 && i < template.segments.length; i++) {
    const segment = template.segments[i];
    // A verb hangs off the last segment: leave that case to the full match.
    if (segment.kind !== 'literal' || (template.verb !== undefined && i === template.segments.length - 1)) return true;
    if (head[i] !== segment.value) return false;
  }
  return true;
}

interface Placed<T> {
  readonly at: number;
  readonly item: T;
}

/**
 * Items with path templates (one HTTP method's routes), found by a path's first two segments
 * without trying every template: almost all of the ~800 routes start with two literals, and
 * scanning them all was a few percent of a REST call's CPU. The candidates come in the given
 * order (most specific first), exactly those `couldMatch` keeps.
 */
export class RouteIndex<T> {
  private readonly byHead = new Map<string, Map<string, Placed<T>[]>>();
  /** Templates that start with a variable or a verb: tried for every path. */
  private readonly open: Placed<T>[] = [];

  constructor(
    items: readonly T[],
    private readonly templateOf: (item: T) => PathTemplate,
  ) {
    items.forEach((item, at) => {
      const head = literalHead(templateOf(item));
      if (!head) {
        this.open.push({ at, item });
        return;
      }
      let second = this.byHead.get(head[0]);
      if (!second) this.byHead.set(head[0], (second = new Map()));
      let list = second.get(head[1]);
      if (!list) second.set(head[1], (list = []));
      list.push({ at, item });
    });
  }

  /** The items that could match a path starting with `head`, in the given order. */
  *candidates(head: readonly (string | undefined)[]): Generator<T> {
    const indexed =
      head[0] === undefined || head[1] === undefined ? [] : (this.byHead.get(head[0])?.get(head[1]) ?? []);
    const open = this.open.filter((p) => couldMatch(this.templateOf(p.item), head));
    // Both lists are in the given order: merge them.
    let i = 0;
    let j = 0;
    while (i < indexed.length || j < open.length) {
      if (j >= open.length || (i < indexed.length && indexed[i].at < open[j].at)) yield indexed[i++].item;
      else yield open[j++].item;
    }
  }
}
