import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { RpcBootError, RpcRegistry } from './registry.js';

const method = (name: string) => ManagementService.methods.find((m) => m.localName === name)!;

describe('RpcRegistry', () => {
  it('serves a service whose methods several modules register, each with its own access rule', () => {
    const registry = new RpcRegistry();
    registry.register({
      service: ManagementService,
      impl: { getMyOrg: async () => ({}) as never },
      access: { getMyOrg: { permission: 'org.read' } },
    });
    registry.register({
      service: ManagementService,
      impl: { getLoginPolicy: async () => ({}) as never },
      access: { getLoginPolicy: { permission: 'policy.read' } },
    });
    expect(registry.accessFor(method('getMyOrg'))).toEqual({ permission: 'org.read' });
    expect(registry.accessFor(method('getLoginPolicy'))).toEqual({ permission: 'policy.read' });
    expect(registry.isImplemented(method('getUserByID'))).toBe(false);
  });

  it('refuses to boot when two modules implement the same method', () => {
    const registry = new RpcRegistry();
    const part = { service: ManagementService, impl: { getMyOrg: async () => ({}) as never }, access: {} };
    registry.register({ ...part, access: { getMyOrg: 'authenticated' } });
    expect(() => registry.register({ ...part, access: { getMyOrg: 'authenticated' } })).toThrow(RpcBootError);
  });

  it('refuses an implemented method without an access rule', () => {
    const registry = new RpcRegistry();
    expect(() =>
      registry.register({ service: ManagementService, impl: { getMyOrg: async () => ({}) as never }, access: {} }),
    ).toThrow(/declares neither a permission nor 'public'/);
  });

  it("takes only the role table's permissions in an access table (a misspelt one does not compile)", () => {
    const registry = new RpcRegistry();
    const register = () =>
      registry.register({
        service: ManagementService,
        impl: { getMyOrg: async () => ({}) as never },
        // @ts-expect-error 'org.reed' is granted by no role, so it is no Permission
        access: { getMyOrg: { permission: 'org.reed' } },
      });
    // At run time the registry does not look: the type is the guard.
    expect(register).not.toThrow();
  });
});
