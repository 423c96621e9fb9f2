import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { annotatedPermission, assertMatchesAnnotations } from './annotated-access.js';

describe('access tables held to the descriptors', () => {
  it('reads v2 and v1 auth options', () => {
    expect(annotatedPermission(SettingsService.method.setSecuritySettings)).toBe('iam.policy.write');
    expect(annotatedPermission(AdminService.method.updateLockoutPolicy)).toBe('iam.policy.write');
  });

  it('accepts a table that matches, or deviates only where declared', () => {
    expect(() =>
      assertMatchesAnnotations(SettingsService, { setSecuritySettings: { permission: 'iam.policy.write' } }),
    ).not.toThrow();
    expect(() =>
      assertMatchesAnnotations(
        SettingsService,
        { getLoginSettings: 'authenticated' },
        { getLoginSettings: 'policy.read' },
      ),
    ).not.toThrow();
  });

  it('refuses a table that differs from the descriptor without saying so', () => {
    expect(() => assertMatchesAnnotations(SettingsService, { getLoginSettings: 'authenticated' })).toThrow(
      /declares authenticated but the descriptor says policy.read/,
    );
    expect(() =>
      assertMatchesAnnotations(AdminService, { updateLockoutPolicy: { permission: 'policy.write' } }),
    ).toThrow(/iam.policy.write/);
  });
});
