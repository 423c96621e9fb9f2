import {
  compareSpecificity,
  expandTemplate,
  matchPath,
  parsePathTemplate,
  PathTemplateError,
  toOpenApiPath,
  variablePattern,
} from './path-template.js';

const match = (template: string, path: string) => {
  const captured = matchPath(parsePathTemplate(template), path);
  return captured && Object.fromEntries(captured);
};

describe('parsePathTemplate', () => {
  it('parses literals and a bare variable as a single-segment capture', () => {
    const t = parsePathTemplate('/v2/users/{user_id}');
    expect(t.segments).toEqual([
      { kind: 'literal', value: 'v2' },
      { kind: 'literal', value: 'users' },
      { kind: 'single', variable: 'user_id' },
    ]);
    expect(t.variables).toEqual(['user_id']);
    expect(t.verb).toBeUndefined();
  });

  it('spreads a variable with a sub-pattern over the segments it spans', () => {
    const t = parsePathTemplate('/v1/{name=projects/*/keys/*}');
    expect(t.segments.slice(1)).toEqual([
      { kind: 'literal', value: 'projects', variable: 'name' },
      { kind: 'single', variable: 'name' },
      { kind: 'literal', value: 'keys', variable: 'name' },
      { kind: 'single', variable: 'name' },
    ]);
    expect(variablePattern(t, 'name')).toBe('projects/*/keys/*');
  });

  it('reads a verb after the last segment, even after a variable', () => {
    expect(parsePathTemplate('/v1/{name}:cancel').verb).toBe('cancel');
    expect(parsePathTemplate('/v1/things:batchGet').segments[1]).toEqual({ kind: 'literal', value: 'things' });
  });

  it('accepts the root template with no segments', () => {
    expect(parsePathTemplate('/').segments).toEqual([]);
  });

  it.each([
    ['v2/users', 'must start with'],
    ['/v2/{user_id', 'unbalanced'],
    ['/v2/{a{b}}', 'unbalanced'],
    ['/v2/{1bad}', 'invalid field path'],
    ['/v2//users', 'invalid segment'],
    ['/v2/**/x', 'last segment'],
    ['/v2/{a}/{a}', 'bound twice'],
    ['/v2/x:a:b', 'more than one verb'],
    ['/v2/x:', 'invalid verb'],
    ['/v2/us{er}', 'invalid segment'],
  ])('rejects %s', (template, problem) => {
    expect(() => parsePathTemplate(template)).toThrow(PathTemplateError);
    expect(() => parsePathTemplate(template)).toThrow(problem);
  });
});

describe('matchPath', () => {
  it('captures path variables, percent-decoded', () => {
    expect(match('/v2/users/{user_id}', '/v2/users/123')).toEqual({ user_id: '123' });
    expect(match('/v2/users/{user_id}', '/v2/users/a%20b%2Fc')).toEqual({ user_id: 'a b/c' });
  });

  it('captures nested field paths', () => {
    expect(match('/v2/orgs/{org.id}/users/{user.profile.id}', '/v2/orgs/o1/users/u1')).toEqual({
      'org.id': 'o1',
      'user.profile.id': 'u1',
    });
  });

  it('captures a multi-segment variable with its slashes', () => {
    expect(match('/v1/{name=projects/*/keys/*}', '/v1/projects/p1/keys/k1')).toEqual({ name: 'projects/p1/keys/k1' });
    expect(match('/v1/{name=projects/*/keys/*}', '/v1/projects/p1/other/k1')).toBeUndefined();
  });

  it('lets ** take zero or more trailing segments', () => {
    expect(match('/files/{path=**}', '/files/a/b/c')).toEqual({ path: 'a/b/c' });
    expect(match('/files/{path=**}', '/files')).toEqual({ path: '' });
    expect(match('/files/**', '/files/a/b')).toEqual({});
  });

  it('matches unnamed wildcards without capturing', () => {
    expect(match('/v1/*/items', '/v1/anything/items')).toEqual({});
  });

  it('requires the verb when the template has one and strips it before matching', () => {
    expect(match('/v1/{name}:cancel', '/v1/op1:cancel')).toEqual({ name: 'op1' });
    expect(match('/v1/{name}:cancel', '/v1/op1')).toBeUndefined();
    expect(match('/v1/{name}', '/v1/op1:cancel')).toEqual({ name: 'op1:cancel' });
  });

  it('rejects wrong lengths, wrong literals, empty segments and broken escapes', () => {
    expect(match('/v2/users/{user_id}', '/v2/users')).toBeUndefined();
    expect(match('/v2/users/{user_id}', '/v2/users/1/x')).toBeUndefined();
    expect(match('/v2/users/{user_id}', '/v2/groups/1')).toBeUndefined();
    expect(match('/v2/users/{user_id}', '/v2/users/')).toBeUndefined();
    expect(match('/v2/users/{user_id}', '/v2/users/%E0%A4%A')).toBeUndefined();
  });

  it('matches the root template only at the root', () => {
    expect(match('/', '/')).toEqual({});
    expect(match('/', '/x')).toBeUndefined();
  });
});

describe('compareSpecificity', () => {
  const sorted = (...templates: string[]) =>
    templates
      .map(parsePathTemplate)
      .sort(compareSpecificity)
      .map((t) => t.source);

  it('puts literals before variables, leftmost segment first', () => {
    expect(sorted('/v2/users/{user_id}', '/v2/users/new')).toEqual(['/v2/users/new', '/v2/users/{user_id}']);
    expect(sorted('/v2/{a}/x', '/v2/b/{c}')).toEqual(['/v2/b/{c}', '/v2/{a}/x']);
  });

  it('puts single wildcards before ** and verbs before no verb', () => {
    expect(sorted('/v1/{p=**}', '/v1/{id}')).toEqual(['/v1/{id}', '/v1/{p=**}']);
    expect(sorted('/v1/{id}', '/v1/{id}:cancel')).toEqual(['/v1/{id}:cancel', '/v1/{id}']);
  });
});

describe('template rendering', () => {
  it('expands a template with a value per wildcard, keeping literals', () => {
    const t = parsePathTemplate('/v1/{name=projects/*}/keys/{key}:get');
    expect(expandTemplate(t, (v) => (v === 'key' ? 'k 1' : 'p1'))).toBe('/v1/projects/p1/keys/k%201:get');
  });

  it('writes one OpenAPI parameter per variable', () => {
    expect(toOpenApiPath(parsePathTemplate('/v1/{name=projects/*}/keys/{key}:get'))).toBe('/v1/{name}/keys/{key}:get');
    expect(toOpenApiPath(parsePathTemplate('/'))).toBe('/');
  });
});
