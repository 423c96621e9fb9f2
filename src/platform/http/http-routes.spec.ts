import { HttpRoutes } from './http-routes.js';

describe('HttpRoutes', () => {
  const handler = (name: string) => Object.assign(() => undefined, { label: name });
  const labelOf = (h: unknown) => (h as { label?: string } | undefined)?.label;

  it('picks the longest mounted prefix, and an exact mount only for its own path', () => {
    const routes = new HttpRoutes();
    routes.mount('/', handler('root'), { exact: true });
    routes.mount('/oauth/v2', handler('oauth'));
    routes.mount('/oauth/v2/keys', handler('keys'));
    expect(labelOf(routes.find('/oauth/v2/keys'))).toBe('keys');
    expect(labelOf(routes.find('/oauth/v2/token'))).toBe('oauth');
    expect(labelOf(routes.find('/'))).toBe('root');
    expect(routes.find('/v2/users')).toBeUndefined();
    expect(routes.find('/oauth/v2x')).toBeUndefined();
  });

  it('a mount limited to some methods leaves the others unmatched (for the REST transcoder)', () => {
    const routes = new HttpRoutes();
    routes.mount('/', handler('root'), { exact: true, methods: ['GET', 'HEAD'] });
    expect(labelOf(routes.find('/', 'GET'))).toBe('root');
    expect(labelOf(routes.find('/', 'HEAD'))).toBe('root');
    expect(routes.find('/', 'POST')).toBeUndefined();
  });

  it('refuses a prefix mounted twice', () => {
    const routes = new HttpRoutes();
    routes.mount('/ui', handler('a'));
    expect(() => routes.mount('/ui', handler('b'))).toThrow('HTTP prefix /ui is mounted twice');
  });
});
