import { getOption, hasOption, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { auth_option } from '@zitadel/proto/zitadel/options_pb.js';
import { options } from '@zitadel/proto/zitadel/protoc_gen_zitadel/v2/options_pb.js';
import { RpcBootError, permissionOf, type AccessTable, type MethodAccess } from './registry.js';

/**
 * The permission ZITADEL's descriptors annotate a method with: v2's
 * `zitadel.protoc_gen_zitadel.v2.options` auth_option, or v1's `zitadel.v1.auth_option`.
 */
export function annotatedPermission(method: DescMethod): string | undefined {
  if (hasOption(method, options)) return getOption(method, options).authOption?.permission || undefined;
  if (hasOption(method, auth_option)) return getOption(method, auth_option).permission || undefined;
  return undefined;
}

function declared(access: MethodAccess): string {
  return permissionOf(access) ?? (access as string);
}

/**
 * Our access tables are written out next to the handlers (greppable, reviewed); this holds them
 * to the descriptors at boot. `deviations` names the methods that knowingly differ, with the
 * annotation they replace, so a new pinned contract that changes a permission fails loudly.
 */
export function assertMatchesAnnotations<S extends DescService>(
  service: S,
  access: AccessTable<S>,
  deviations: { readonly [K in keyof S['method']]?: string } = {},
): void {
  for (const method of service.methods) {
    const mine = (access as Record<string, MethodAccess | undefined>)[method.localName];
    const annotated = annotatedPermission(method);
    if (!mine || !annotated) continue;
    const allowed = (deviations as Record<string, string | undefined>)[method.localName];
    if (declared(mine) !== annotated && allowed !== annotated) {
      throw new RpcBootError(
        `${service.typeName}.${method.name} declares ${declared(mine)} but the descriptor says ${annotated}`,
      );
    }
  }
}
