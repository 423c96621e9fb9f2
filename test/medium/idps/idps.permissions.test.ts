import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { IdentityProviderService } from '@zitadel/proto/zitadel/idp/v2/idp_service_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { DataSource } from 'typeorm';
import { DENIED, NOT_FOUND, OK, permissionMatrix, type OrgActor } from '../../support/permission-matrix.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, actors } = mediumPermissionFile();
const inOrg = (orgId: string) => ({ headers: { 'x-zitadel-orgid': orgId } });
const mgmt = (token: string) => medium().client(ManagementService, token);
const admin = (token: string) => medium().client(AdminService, token);
const v2 = (token: string) => medium().client(IdentityProviderService, token);

const OIDC = {
  name: 'Matrix OIDC',
  issuer: 'https://issuer.example.com',
  clientId: 'client',
  clientSecret: 'secret',
  scopes: ['openid'],
  isIdTokenMapping: false,
  usePkce: false,
};

/** A provider of org A and one of the instance, fresh for each case. */
interface IdpFixture {
  readonly orgA: string;
  readonly orgIdp: string;
  readonly instanceIdp: string;
}

async function template(id: string): Promise<{ name: string } | undefined> {
  const rows: { name: string }[] = await medium()
    .app.get(DataSource)
    .query(`SELECT name FROM idp_templates WHERE id = $1`, [id]);
  return rows[0];
}

describe("identity provider templates: org A's owners write its providers, its viewers read them, the instance's need iam.idp.*", () => {
  const write = { instanceAdmin: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, plainA: DENIED };
  const read = { ...write, viewerA: OK };
  const instanceOnly = { instanceAdmin: OK, ownerA: DENIED, viewerA: DENIED, ownerB: DENIED, plainA: DENIED };
  permissionMatrix<OrgActor, IdpFixture>({
    rows: [
      {
        method: 'management AddGenericOIDCProvider',
        call: (t, f) => mgmt(t).addGenericOIDCProvider(OIDC, inOrg(f.orgA)),
        expect: write,
      },
      {
        method: 'management UpdateGenericOIDCProvider',
        call: (t, f) => mgmt(t).updateGenericOIDCProvider({ ...OIDC, id: f.orgIdp, name: 'Changed' }, inOrg(f.orgA)),
        expect: write,
      },
      {
        method: 'management DeleteProvider',
        call: (t, f) => mgmt(t).deleteProvider({ id: f.orgIdp }, inOrg(f.orgA)),
        expect: write,
      },
      {
        method: 'management GetProviderByID',
        call: (t, f) => mgmt(t).getProviderByID({ id: f.orgIdp }, inOrg(f.orgA)),
        expect: read,
      },
      {
        method: 'management ListProviders',
        call: (t, f) => mgmt(t).listProviders({}, inOrg(f.orgA)),
        expect: read,
      },
      {
        method: 'admin AddGenericOIDCProvider',
        call: (t) => admin(t).addGenericOIDCProvider(OIDC),
        expect: instanceOnly,
      },
      {
        method: 'admin DeleteProvider',
        call: (t, f) => admin(t).deleteProvider({ id: f.instanceIdp }),
        expect: instanceOnly,
      },
      {
        method: 'idp.v2 GetIDPByID of an org provider',
        call: (t, f) => v2(t).getIDPByID({ id: f.orgIdp }),
        // v2 has no org context: without org.idp.read on the provider's org, it is not found.
        expect: { ...read, plainA: NOT_FOUND },
      },
      {
        method: 'idp.v2 GetIDPByID of an instance provider',
        call: (t, f) => v2(t).getIDPByID({ id: f.instanceIdp }),
        expect: { instanceAdmin: OK, ownerA: NOT_FOUND, viewerA: NOT_FOUND, ownerB: NOT_FOUND, plainA: NOT_FOUND },
      },
    ],
    fixture: async () => {
      const { orgA, tokens } = actors();
      const orgIdp = (await mgmt(tokens.instanceAdmin).addGenericOIDCProvider(OIDC, inOrg(orgA))).id;
      const instanceIdp = (await admin(tokens.instanceAdmin).addGenericOIDCProvider(OIDC)).id;
      return { orgA, orgIdp, instanceIdp };
    },
    token: (actor) => actors().tokens[actor],
    unchanged: async (f) => {
      expect(await template(f.orgIdp)).toEqual({ name: 'Matrix OIDC' });
      expect(await template(f.instanceIdp)).toEqual({ name: 'Matrix OIDC' });
    },
  });
});

describe("login policy providers: org A's policy.write holders change its list", () => {
  const write = { instanceAdmin: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND, plainA: DENIED };
  permissionMatrix<OrgActor, IdpFixture>({
    rows: [
      {
        method: 'management AddIDPToLoginPolicy',
        call: (t, f) => mgmt(t).addIDPToLoginPolicy({ idpId: f.orgIdp, ownerType: 2 }, inOrg(f.orgA)),
        expect: write,
      },
      {
        method: 'management ListLoginPolicyIDPs',
        call: (t, f) => mgmt(t).listLoginPolicyIDPs({}, inOrg(f.orgA)),
        // ORG_USER_SELF_MANAGER carries policy.read (ZITADEL's role table): it reads its org's list.
        expect: { ...write, viewerA: OK, plainA: OK },
      },
      {
        method: 'admin AddIDPToLoginPolicy',
        call: (t, f) => admin(t).addIDPToLoginPolicy({ idpId: f.instanceIdp }),
        expect: { instanceAdmin: OK, ownerA: DENIED, viewerA: DENIED, ownerB: DENIED, plainA: DENIED },
      },
    ],
    fixture: async () => {
      const { tokens } = actors();
      // Org A gets its own login policy once; each case adds fresh providers.
      const orgA = actors().orgA;
      const orgIdp = (await mgmt(tokens.instanceAdmin).addGenericOIDCProvider(OIDC, inOrg(orgA))).id;
      const instanceIdp = (await admin(tokens.instanceAdmin).addGenericOIDCProvider(OIDC)).id;
      const policy = await mgmt(tokens.instanceAdmin).getLoginPolicy({}, inOrg(orgA));
      if (policy.isDefault) await mgmt(tokens.instanceAdmin).addCustomLoginPolicy({ passwordlessType: 1 }, inOrg(orgA));
      return { orgA, orgIdp, instanceIdp };
    },
    token: (actor) => actors().tokens[actor],
    unchanged: async (f) => {
      const rows: unknown[] = await medium()
        .app.get(DataSource)
        .query(`SELECT 1 FROM login_policy_idps WHERE idp_id = ANY($1)`, [[f.orgIdp, f.instanceIdp]]);
      expect(rows).toEqual([]);
    },
  });
});
