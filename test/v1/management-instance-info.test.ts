import { Code } from '@connectrpc/connect';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { SUPPORTED_LANGUAGES } from '../../src/settings/hosted-login-texts.js';
import { authV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { twoOrgs, type TwoOrgs } from './v1-fixtures.js';

let t: TwoOrgs;
const base = () => t.env.server.baseUrl;

beforeAll(async () => {
  t = await twoOrgs('v1 info');
}, 60_000);
afterAll(() => t?.env.stop());

describe('management v1 Healthz, GetOIDCInformation, GetIAM, GetSupportedLanguages', () => {
  it('Healthz answers empty, without a token too (REST GET /management/v1/healthz)', async () => {
    expect(await managementV1(base(), t.ownerA).healthz({})).toEqual({});
    const r = await fetch(`${base()}/management/v1/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({});
  });

  it('GetOIDCInformation: the issuer is the origin the request reached, whose discovery document names it', async () => {
    const info = await managementV1(base(), t.ownerB).getOIDCInformation({});
    expect(info.issuer).toBe(new URL(base()).origin);
    expect(info.discoveryEndpoint).toBe(`${info.issuer}/.well-known/openid-configuration`);
    const discovery = await (await fetch(info.discoveryEndpoint)).json();
    expect(discovery.issuer).toBe(info.issuer);
    const r = await restV1(base(), t.ownerA, 'GET', '/management/v1/zitadel/docs');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ issuer: info.issuer, discoveryEndpoint: info.discoveryEndpoint });
  });

  it('GetIAM: global and default org are the instance default org (as ZITADEL today); no IAM project, so its id is empty', async () => {
    const instance = await t.env.server.app.get(InstanceResolver).resolve(new URL(base()).hostname);
    expect(instance.defaultOrgId).toBeTruthy();
    const iam = await managementV1(base(), t.ownerB).getIAM({});
    expect(iam).toEqual({ globalOrgId: instance.defaultOrgId, iamProjectId: '', defaultOrgId: instance.defaultOrgId });
    const r = await restV1(base(), t.ownerA, 'GET', '/management/v1/iam');
    expect(r.status).toBe(200);
    expect(r.body.defaultOrgId).toBe(instance.defaultOrgId);
  });

  it('GetSupportedLanguages answers the same languages as auth v1 (REST GET /management/v1/languages)', async () => {
    const { languages } = await managementV1(base(), t.ownerA).getSupportedLanguages({});
    expect(languages).toEqual([...SUPPORTED_LANGUAGES]);
    expect(languages).toEqual((await authV1(base(), t.ownerA).getSupportedLanguages({})).languages);
    const r = await restV1(base(), t.ownerA, 'GET', '/management/v1/languages');
    expect(r.body.languages).toEqual(languages);
  });

  it('every method but Healthz needs a caller', async () => {
    const anonymous = managementV1(base(), 'not-a-token');
    expect(await v1Code(anonymous.getOIDCInformation({}))).toBe(Code.Unauthenticated);
    expect(await v1Code(anonymous.getIAM({}))).toBe(Code.Unauthenticated);
    expect(await v1Code(anonymous.getSupportedLanguages({}))).toBe(Code.Unauthenticated);
  });
});
