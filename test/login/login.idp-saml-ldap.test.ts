// External identity providers on the hosted login pages, in Chromium: a SAML IdP (samlify, its SSO
// endpoint answered inside the test) end to end, and an LDAP directory (ldapjs) through the
// username/password form; both end with the OIDC relying party's code and tokens.
import { jest } from '@jest/globals';
import type { Browser as Chromium, Route } from 'playwright-core';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { DataSource } from 'typeorm';
import type { UpstreamStart } from '../../src/idps/connectors/connector.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { oidc, oidcWorld, rp, type OidcWorld } from '../oidc/support.js';
import { client } from '../support/clients.js';
import { adminV1 } from '../support/v1-clients.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { MailCatcher, deliveryEnv } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { LDAP_SERVICE, ldapConfigFor, startUpstreamLdap, type UpstreamLdap } from '../support/upstream-ldap.js';
import {
  type SamlKeyPair,
  UpstreamSamlIdp,
  samlConfigFor,
  samlKeyPair,
  samlSecretsOf,
} from '../support/upstream-saml-idp.js';
import { authorizationUrl, describeInBrowser, launchChromium, rpContext, withoutMfaPrompt } from './support.js';

let server: TestServer;
let chromium: Chromium;
let world: OidcWorld;
let config: oidc.Configuration;
let instanceId: string;
let saml: UpstreamSamlIdp;
let spKeys: SamlKeyPair;
let dir: UpstreamLdap;
let smtp: MailCatcher;

const AUTO_CREATE = {
  isLinkingAllowed: false,
  isCreationAllowed: true,
  isAutoCreation: true,
  isAutoUpdate: false,
  autoLinking: 'none',
} as const;

async function onLoginPolicy(idpId: string): Promise<void> {
  // AddIDPToLoginPolicy on the instance's default login policy, through admin v1.
  await adminV1(server.baseUrl, server.adminPat).addIDPToLoginPolicy({ idpId: idpId });
}

async function linkedUser(idpId: string, externalUserId: string): Promise<string | undefined> {
  const rows: { user_id: string }[] = await server.app
    .get(DataSource)
    .query('SELECT user_id FROM idp_links WHERE idp_id = $1 AND external_user_id = $2', [idpId, externalUserId]);
  return rows[0]?.user_id;
}

jest.setTimeout(60_000);

describeInBrowser('SAML and LDAP providers on the hosted login pages (issue #16)', () => {
  beforeAll(async () => {
    dir = await startUpstreamLdap();
    smtp = await new MailCatcher().start();
    [server, chromium] = await Promise.all([
      bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true', ...deliveryEnv(smtp) }),
      launchChromium(),
    ]);
    await withoutMfaPrompt(server);
    instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
    world = await oidcWorld(server);
    config = await rp(server, world.web.clientId, world.web.clientSecret);
    saml = await UpstreamSamlIdp.start();
    spKeys = await samlKeyPair('sp.portcullis.test');
  }, 90_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await dir?.close();
    await smtp?.stop();
  });

  it('SAML: the button sends the AuthnRequest to the IdP, its Response comes back to the ACS, the user is created with the link and the app gets its tokens', async () => {
    const template = await insertIdpTemplate(server, {
      instanceId,
      name: 'Corporate SAML',
      config: samlConfigFor(saml),
      secrets: samlSecretsOf(spKeys),
      options: AUTO_CREATE,
    });
    await onLoginPolicy(template.id);
    const spMetadata = await (await fetch(`${server.baseUrl}/idps/${template.id}/saml/metadata`)).text();
    const nameId = `saml-${Date.now().toString(36)}`;

    const { context, page, landed } = await rpContext(chromium);
    // The IdP's SSO endpoint, answered here: samlify reads the AuthnRequest and signs a Response,
    // which the page posts to the ACS as the HTTP-POST binding does.
    const received: string[] = [];
    await context.route(`${new URL(saml.ssoUrl).origin}/**`, async (route: Route) => {
      const req = route.request();
      const start: UpstreamStart =
        req.method() === 'POST'
          ? {
              kind: 'postForm',
              url: req.url(),
              fields: Object.fromEntries(new URLSearchParams(req.postData() ?? '')),
            }
          : { kind: 'redirect', url: req.url() };
      const request = await saml.receive(start, spMetadata);
      received.push(request.id);
      const SAMLResponse = await saml.respond(spMetadata, {
        inResponseTo: request.id,
        nameId,
        attributes: { email: [`${nameId}@corp.example`], givenName: ['Sam'], sn: ['Lee'] },
      });
      const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<!doctype html><form method="post" action="${esc(request.acs!)}"><input type="hidden" name="SAMLResponse" value="${esc(SAMLResponse)}"><input type="hidden" name="RelayState" value="${esc(request.relayState)}"></form><script>document.forms[0].submit()</script>`,
      });
    });
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    await page.click(`button[data-idp="${template.id}"]`);
    const tokens = await oidc.authorizationCodeGrant(config, await landed(), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(received).toHaveLength(1);
    const userId = await linkedUser(template.id, nameId);
    expect(userId).toBeDefined();
    expect(tokens.claims()?.sub).toBe(userId);
    const { user } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).getUserByID({
      userId: userId!,
    });
    if (user?.type.case !== 'human') throw new Error('not human');
    expect(user.type.value.profile).toMatchObject({ givenName: 'Sam', familyName: 'Lee' });
    expect(user.type.value.email?.email).toBe(`${nameId}@corp.example`);
    // The assertion said nothing about the email being verified: it is not, and a code is sent to it.
    expect(user.type.value.email?.isVerified).toBe(false);
    expect(await smtp.waitFor(`${nameId}@corp.example`)).toHaveLength(1);
    await context.close();
  });

  it('LDAP: the button opens a username/password form; a wrong password is the one generic answer, the right one creates and signs in the user, and the app gets its tokens', async () => {
    const template = await insertIdpTemplate(server, {
      instanceId,
      name: 'Directory',
      config: ldapConfigFor(dir),
      secrets: { bindPassword: LDAP_SERVICE.password },
      options: AUTO_CREATE,
    });
    await onLoginPolicy(template.id);
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    const link = page.locator(`a[data-idp="${template.id}"]`);
    expect(await link.locator('span').innerText()).toBe('Sign in with Directory');
    await link.click();
    await page.waitForSelector('#username');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'not-her-password');
    await page.click('button[type=submit]');
    expect(await page.locator('[role=alert]').innerText()).toContain('The username or password is wrong.');
    expect(await linkedUser(template.id, 'alice')).toBeUndefined();

    await page.fill('#password', 'alice-pw');
    await page.click('button[type=submit]');
    const tokens = await oidc.authorizationCodeGrant(config, await landed(), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    const userId = await linkedUser(template.id, 'alice');
    expect(userId).toBeDefined();
    expect(tokens.claims()?.sub).toBe(userId);
    const { user } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).getUserByID({
      userId: userId!,
    });
    if (user?.type.case !== 'human') throw new Error('not human');
    expect(user.type.value.profile).toMatchObject({ givenName: 'Alice', familyName: 'Liddell' });
    // The directory's emailVerified attribute says TRUE.
    expect(user.type.value.email).toMatchObject({ email: 'alice@example.org', isVerified: true });
    await context.close();
  });
});
