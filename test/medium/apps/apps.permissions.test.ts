import { Code } from '@connectrpc/connect';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { codeOf } from '../../support/clients.js';
import {
  DENIED,
  NOT_FOUND,
  OK,
  permissionMatrix,
  type MatrixRow,
  type OrgActor,
} from '../../support/permission-matrix.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const appsAs = (token: string) => medium().client(AppService, token);
const admin = () => appsAs(medium().adminPat);

/** A fresh project of org A with an API app (private_key_jwt, with a key when the case needs one; or basic auth, with a secret). */
interface AppFixture {
  readonly projectId: string;
  readonly appId: string;
  readonly keyId: string;
}

async function apiApp(setup: { basic?: boolean; deactivated?: boolean; key?: boolean } = {}): Promise<AppFixture> {
  const projectId = await make().project(actors().orgA);
  const { appId } = await admin().createApplication({
    projectId,
    name: 'Guarded API',
    creationRequestType: {
      case: 'apiRequest',
      value: {
        authMethodType: setup.basic
          ? APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC
          : APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
      },
    },
  });
  // Keys are RSA keys generated on the spot: only the cases on a key pay for one.
  const keyId = setup.key ? (await admin().createApplicationKey({ projectId, appId })).id : '';
  if (setup.deactivated) await admin().deactivateApplication({ projectId, id: appId });
  return { projectId, appId, keyId };
}

type Actor = Extract<OrgActor, 'instanceAdmin' | 'ownerA' | 'viewerA' | 'ownerB'>;
const write = { instanceAdmin: OK, ownerA: OK, viewerA: DENIED, ownerB: NOT_FOUND } as const;
const read = { ...write, viewerA: OK } as const;

/** As ZITADEL: project.app.* on the project's org or on the project; who cannot read the project finds nothing. */
const ROWS: MatrixRow<Actor, AppFixture>[] = [
  {
    method: 'CreateApplication',
    call: (t, f) =>
      appsAs(t).createApplication({
        projectId: f.projectId,
        name: 'Another',
        creationRequestType: { case: 'apiRequest', value: {} },
      }),
    expect: write,
  },
  { method: 'GetApplication', call: (t, f) => appsAs(t).getApplication({ id: f.appId }), expect: read },
  { method: 'ListApplications', call: (t, f) => appsAs(t).listApplications({ projectId: f.projectId }), expect: read },
  {
    method: 'UpdateApplication',
    call: (t, f) => appsAs(t).updateApplication({ projectId: f.projectId, id: f.appId, name: 'Taken' }),
    expect: write,
  },
  {
    method: 'DeactivateApplication',
    call: (t, f) => appsAs(t).deactivateApplication({ projectId: f.projectId, id: f.appId }),
    expect: write,
  },
  {
    method: 'ReactivateApplication',
    call: (t, f) => appsAs(t).reactivateApplication({ projectId: f.projectId, id: f.appId }),
    expect: write,
    setup: { deactivated: true },
  },
  {
    method: 'RegenerateClientSecret',
    call: (t, f) =>
      appsAs(t).regenerateClientSecret({
        projectId: f.projectId,
        applicationId: f.appId,
        appType: { case: 'isApi', value: true },
      }),
    expect: write,
    setup: { basic: true },
  },
  {
    method: 'DeleteApplication',
    call: (t, f) => appsAs(t).deleteApplication({ projectId: f.projectId, id: f.appId }),
    expect: write,
  },
  {
    method: 'CreateApplicationKey',
    call: (t, f) => appsAs(t).createApplicationKey({ projectId: f.projectId, appId: f.appId }),
    expect: write,
  },
  {
    method: 'GetApplicationKey',
    call: (t, f) => appsAs(t).getApplicationKey({ id: f.keyId }),
    expect: read,
    setup: { key: true },
  },
  {
    method: 'DeleteApplicationKey',
    call: (t, f) => appsAs(t).deleteApplicationKey({ id: f.keyId, projectId: f.projectId, applicationId: f.appId }),
    expect: write,
    setup: { key: true },
  },
];

describe("application permissions (project.app.* on the project's org or on the project)", () => {
  permissionMatrix<Actor, AppFixture>({
    rows: ROWS,
    fixture: (_actor, row) => apiApp(row.setup),
    token: (actor) => actors().tokens[actor],
    // A refused caller left the app (and its key) as they were.
    unchanged: async (f) => {
      const { app } = await admin().getApplication({ id: f.appId });
      expect(app?.name).toBe('Guarded API');
      const keys = await admin().listApplicationKeys({ resourceId: { case: 'applicationId', value: f.appId } });
      expect(keys.keys.map((k) => k.id)).toEqual(f.keyId ? [f.keyId] : []);
    },
  });

  it("shows another org's owner no keys in lists", async () => {
    const f = await apiApp({ key: true });
    const asB = appsAs(actors().tokens.ownerB);
    expect((await asB.listApplicationKeys({})).keys).toEqual([]);
    expect((await asB.listApplicationKeys({ resourceId: { case: 'applicationId', value: f.appId } })).keys).toEqual([]);
  });

  it("lets a project owner manage that project's apps and nothing else", async () => {
    const f = await apiApp({ key: true });
    const elsewhere = await make().project(actors().orgA);
    const { pat } = await make().principal(actors().orgA, ['PROJECT_OWNER'], 'project', f.projectId);
    const owner = appsAs(pat);
    const created = await owner.createApplication({
      projectId: f.projectId,
      name: 'By project owner',
      creationRequestType: { case: 'apiRequest', value: {} },
    });
    expect(await codeOf(owner.getApplication({ id: created.appId }))).toBe('ok');
    expect(
      await codeOf(
        owner.updateApplication({ projectId: f.projectId, id: created.appId, name: 'Renamed by project owner' }),
      ),
    ).toBe('ok');
    expect(await codeOf(owner.deleteApplication({ projectId: f.projectId, id: created.appId }))).toBe('ok');
    expect(
      await codeOf(
        owner.createApplication({
          projectId: elsewhere,
          name: 'Elsewhere',
          creationRequestType: { case: 'apiRequest', value: {} },
        }),
      ),
    ).toBe(Code.NotFound);
    expect(await codeOf(owner.listApplications({ projectId: elsewhere }))).toBe(Code.NotFound);
    const keys = await owner.listApplicationKeys({});
    expect(keys.keys.length).toBeGreaterThan(0);
    expect(keys.keys.every((k) => k.projectId === f.projectId)).toBe(true);
  });

  it('lets a project owner viewer read but not write', async () => {
    const f = await apiApp();
    const { pat } = await make().principal(actors().orgA, ['PROJECT_OWNER_VIEWER'], 'project', f.projectId);
    const viewer = appsAs(pat);
    expect(await codeOf(viewer.getApplication({ id: f.appId }))).toBe('ok');
    expect(
      await codeOf(
        viewer.createApplication({
          projectId: f.projectId,
          name: 'No',
          creationRequestType: { case: 'apiRequest', value: {} },
        }),
      ),
    ).toBe(Code.PermissionDenied);
  });
});
