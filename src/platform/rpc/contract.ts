// The ZITADEL contract Portcullis serves: every service the pinned @zitadel/proto publishes for
// the v2 API (v2, v2beta and the v3alpha resources), and the four v1 APIs. Services without a
// registered handler answer UNIMPLEMENTED on every transport.
import type { DescService } from '@bufbuild/protobuf';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import * as s1 from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import * as s2 from '@zitadel/proto/zitadel/analytics/v2beta/telemetry_service_pb.js';
import * as s3 from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import * as s4 from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import * as s5 from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import * as s6 from '@zitadel/proto/zitadel/feature/v2beta/feature_service_pb.js';
import * as s7 from '@zitadel/proto/zitadel/idp/v2/idp_service_pb.js';
import * as s8 from '@zitadel/proto/zitadel/instance/v2beta/instance_service_pb.js';
import * as s9 from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import * as s10 from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import * as s11 from '@zitadel/proto/zitadel/oidc/v2beta/oidc_service_pb.js';
import * as s12 from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import * as s13 from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import * as s14 from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import * as s15 from '@zitadel/proto/zitadel/resources/debug_events/v3alpha/debug_events_service_pb.js';
import * as s16 from '@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb.js';
import * as s17 from '@zitadel/proto/zitadel/resources/userschema/v3alpha/user_schema_service_pb.js';
import * as s18 from '@zitadel/proto/zitadel/saml/v2/saml_service_pb.js';
import * as s19 from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import * as s20 from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import * as s21 from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import * as s22 from '@zitadel/proto/zitadel/settings/v2beta/settings_service_pb.js';
import * as s23 from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import * as s24 from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import * as s25 from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import * as s26 from '@zitadel/proto/zitadel/webkey/v2beta/webkey_service_pb.js';

const modules: Record<string, unknown>[] = [
  s1,
  s2,
  s3,
  s4,
  s5,
  s6,
  s7,
  s8,
  s9,
  s10,
  s11,
  s12,
  s13,
  s14,
  s15,
  s16,
  s17,
  s18,
  s19,
  s20,
  s21,
  s22,
  s23,
  s24,
  s25,
  s26,
];

function isService(value: unknown): value is DescService {
  return typeof value === 'object' && value !== null && (value as { kind?: string }).kind === 'service';
}

export const CONTRACT_SERVICES: readonly DescService[] = Object.freeze(
  modules.flatMap((m) => Object.values(m).filter(isService)),
);

/**
 * ZITADEL's v1 APIs: their google.api.http paths are relative, and ZITADEL serves each under its
 * own prefix (its gateway's mount points).
 */
export const V1_SERVICES: readonly { readonly service: DescService; readonly restPrefix: string }[] = Object.freeze([
  { service: AdminService, restPrefix: '/admin/v1' },
  { service: ManagementService, restPrefix: '/management/v1' },
  { service: AuthService, restPrefix: '/auth/v1' },
  { service: SystemService, restPrefix: '/system/v1' },
]);

/** Every service routed on the port, v2 and v1: what is not registered answers UNIMPLEMENTED. */
export const ROUTED_SERVICES: readonly DescService[] = Object.freeze([
  ...CONTRACT_SERVICES,
  ...V1_SERVICES.map((v) => v.service),
]);
