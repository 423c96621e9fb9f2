import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AdminService, type UpdateLoginPolicyRequestSchema } from '@zitadel/proto/zitadel/admin_pb.js';
import { REDIRECT, authorizationRequest, oidc } from '../oidc/support.js';
import { client } from '../support/clients.js';
import type { TestServer } from '../support/test-server.js';

export const CHROMIUM = '/usr/bin/chromium';
/** CI installs Debian's chromium (.ci/run); a machine without it skips the browser tests, saying so. */
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`test/login: ${CHROMIUM} is missing, skipping the browser tests (apt-get install -y chromium)`);
export const describeInBrowser = haveChromium ? describe : describe.skip;

export async function launchChromium(): Promise<Chromium> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * A browser context whose requests to the RP's redirect URI are answered in the test (nothing
 * listens there): `landed()` waits for the redirect and gives its URL, code and state included.
 */
export async function rpContext(
  browser: Chromium,
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; landed: () => Promise<URL> }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 800 },
  });
  const arrivals: URL[] = [];
  let waiting: ((url: URL) => void) | undefined;
  await context.route(`${new URL(REDIRECT).origin}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (waiting) waiting(url);
    else arrivals.push(url);
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'signed in' });
  });
  const page = await context.newPage();
  const arrived = () => {
    const early = arrivals.shift();
    if (early) return Promise.resolve(early);
    return new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        async () =>
          reject(
            new Error(
              `the browser never reached the app; it is at ${page.url()}: ${(
                await page
                  .locator('body')
                  .innerText()
                  .catch(() => '')
              ).slice(0, 300)}`,
            ),
          ),
        15_000,
      );
      waiting = (url) => {
        clearTimeout(timer);
        waiting = undefined;
        resolve(url);
      };
    });
  };
  // The URL is known when the request leaves; waiting for the app's page to load as well keeps a
  // following page.goto from racing the navigation that is still committing.
  const landed = async () => {
    const url = await arrived();
    await page.waitForURL((at) => at.origin === url.origin, { waitUntil: 'load', timeout: 15_000 });
    return url;
  };
  return { context, page, landed };
}

/** An authorization code + PKCE request as the RP starts it; what it keeps for the code exchange. */
export function authorizationUrl(
  config: oidc.Configuration,
  params: Record<string, string> = {},
  scope = 'openid profile',
) {
  return authorizationRequest(config, params, scope);
}

/** Rewrites the instance's default login policy (admin v1 UpdateLoginPolicy) with `change`, the rest kept. */
export async function changeLoginPolicy(
  server: TestServer,
  change: Omit<MessageInitShape<typeof UpdateLoginPolicyRequestSchema>, '$typeName'>,
): Promise<void> {
  const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
  const policy = (await admin.getLoginPolicy({})).policy!;
  await admin.updateLoginPolicy({
    allowUsernamePassword: policy.allowUsernamePassword,
    allowRegister: policy.allowRegister,
    allowExternalIdp: policy.allowExternalIdp,
    forceMfa: policy.forceMfa,
    forceMfaLocalOnly: policy.forceMfaLocalOnly,
    passwordlessType: policy.passwordlessType,
    hidePasswordReset: policy.hidePasswordReset,
    ignoreUnknownUsernames: policy.ignoreUnknownUsernames,
    defaultRedirectUri: policy.defaultRedirectUri,
    passwordCheckLifetime: policy.passwordCheckLifetime,
    externalLoginCheckLifetime: policy.externalLoginCheckLifetime,
    mfaInitSkipLifetime: policy.mfaInitSkipLifetime,
    secondFactorCheckLifetime: policy.secondFactorCheckLifetime,
    multiFactorCheckLifetime: policy.multiFactorCheckLifetime,
    allowDomainDiscovery: policy.allowDomainDiscovery,
    disableLoginWithEmail: policy.disableLoginWithEmail,
    disableLoginWithPhone: policy.disableLoginWithPhone,
    ...change,
  });
}

/**
 * Turns the optional MFA set-up prompt off in the instance's default login policy
 * (mfaInitSkipLifetime 0; ZITADEL's default is 30 days), the rest of the policy kept: for tests of
 * other steps whose users sign in with a password alone. The prompt has its own tests.
 */
export function withoutMfaPrompt(server: TestServer): Promise<void> {
  return changeLoginPolicy(server, { mfaInitSkipLifetime: { seconds: 0n } });
}

const SHOTS = process.env.PORTCULLIS_SCREENSHOTS === '1';
const SHOT_DIR = join(process.cwd(), 'docs', 'screenshots');

/**
 * With PORTCULLIS_SCREENSHOTS=1, the current page in light and dark, at desktop (1280) and phone
 * (390) width, as docs/screenshots/<name>-<scheme>-<width>.png. Otherwise nothing.
 */
export async function snap(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOT_DIR, { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [label, width, height] of [
      ['desktop', 1280, 800],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOT_DIR, `${name}-${scheme}-${label}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}
