import { parsePathTemplate } from './path-template.js';
import { couldMatch, RouteIndex } from './route-index.js';

const TEMPLATES = [
  '/v2/users/{user_id}',
  '/{name=projects/*}/roles',
  '/v2/users/{user_id}:deactivate',
  '/v2/users',
  '/healthz',
  '/v2:search',
  '/v2/orgs/{org_id}',
  '/{path=**}',
  '/v2/users/_search',
  '/management/v1/users/{id}',
].map(parsePathTemplate);

const HEADS: (string | undefined)[][] = [
  ['v2', 'users'],
  ['v2', 'orgs'],
  ['v2:search'],
  ['healthz'],
  ['management', 'v1'],
  ['projects', 'p1'],
  ['v2', undefined],
  [undefined, 'users'],
  ['nothing', 'here'],
];

describe('RouteIndex', () => {
  it.each(HEADS.map((h) => [h.join('/'), h]))(
    'gives exactly the templates the linear prefilter keeps, in table order (%s)',
    (_name, head) => {
      const index = new RouteIndex(TEMPLATES, (t) => t);
      const linear = TEMPLATES.filter((t) => couldMatch(t, head));
      expect([...index.candidates(head)].map((t) => t.source)).toEqual(linear.map((t) => t.source));
    },
  );

  it('skips the templates whose first two literal segments differ from the path', () => {
    const index = new RouteIndex(TEMPLATES, (t) => t);
    const sources = [...index.candidates(['v2', 'orgs'])].map((t) => t.source);
    expect(sources).toContain('/v2/orgs/{org_id}');
    expect(sources).not.toContain('/v2/users/{user_id}');
    expect(sources).toContain('/{path=**}');
  });
});
