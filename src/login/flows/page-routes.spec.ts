import { LEGAL_PAGES } from '../../settings/settings-rules.js';
import type { PageRequest } from '../http/page-request.js';
import type { PageKit } from './page-kit.js';
import { pageHandler } from './page-routes.js';

/**
 * A kit that records the not-found page and refuses everything else by name: a handler that
 * reaches any other part of the kit is a page's own handler, not the fallback.
 */
function recordingKit(): { kit: PageKit; notFound: PageRequest[] } {
  const notFound: PageRequest[] = [];
  const kit = new Proxy(
    {},
    {
      get: (_target, prop) => {
        if (prop === 'notFound') return async (r: PageRequest) => void notFound.push(r);
        throw new Error(`page handler used kit.${String(prop)}`);
      },
    },
  ) as PageKit;
  return { kit, notFound };
}

const request = (path: string, method: string) =>
  ({ path, method, params: new URLSearchParams(), flow: { kind: 'direct' } }) as unknown as PageRequest;

describe('the login pages dispatch table', () => {
  it.each([
    ['GET', '/no-such-page'],
    ['POST', '/no-such-page'],
    ['POST', '/'],
    ['POST', '/login'],
    ['POST', '/signedin'],
    ['POST', '/mfa/setup'],
    ['POST', LEGAL_PAGES.terms],
    ['GET', '/mfa/skip'],
  ])('%s %s has no handler: the not-found page answers', async (method, path) => {
    const { kit, notFound } = recordingKit();
    const r = request(path, method);
    await pageHandler(path, method)(kit, r);
    expect(notFound).toEqual([r]);
  });

  it.each([
    ['GET', '/loginname'],
    ['HEAD', '/loginname'],
    ['POST', '/loginname'],
    ['GET', '/otp/sms'],
    ['POST', '/mfa/skip'],
    ['GET', '/password/set'],
    ['GET', '/verify'],
    ['GET', LEGAL_PAGES.privacy],
  ])('%s %s goes to its page (HEAD as GET)', async (method, path) => {
    const { kit, notFound } = recordingKit();
    await expect(pageHandler(path, method)(kit, request(path, method))).rejects.toThrow(/page handler used kit\./);
    expect(notFound).toEqual([]);
  });
});
