import type { DescMethod, DescService } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { Injectable } from '@nestjs/common';
import type { Permission } from '../authz/permissions.js';
import type { SystemPermission } from '../authz/system-permissions.js';
import type { ExtraBinding } from './rest/http-bindings.js';

/**
 * What a caller needs to invoke a method. `public` needs no credentials; `authenticated` needs a
 * valid caller and leaves the rest to the service; `{ permission }` needs that permission on the
 * instance or in at least one org/project (the service then checks the specific resource);
 * `{ system }` needs a system API user holding that permission, and no instance (the method
 * names the instance it acts on; the request's host chooses none).
 */
export type MethodAccess =
  | 'public'
  | 'authenticated'
  | { readonly permission: Permission }
  | { readonly system: SystemPermission };

/** The permission an access rule names, if any. */
export const permissionOf = (access: MethodAccess): string | undefined =>
  typeof access === 'string' ? undefined : 'permission' in access ? access.permission : access.system;

/** Whether a method is the system API's: a system API user calls it, on no instance. */
export const isSystemAccess = (access: MethodAccess | undefined): access is { readonly system: SystemPermission } =>
  typeof access === 'object' && 'system' in access;

export type AccessTable<S extends DescService> = { readonly [K in keyof S['method']]?: MethodAccess };

/** One module's implementation of one contract service, with the access each method needs. */
export interface ServiceBinding<S extends DescService = DescService> {
  readonly service: S;
  readonly impl: Partial<ServiceImpl<S>>;
  readonly access: AccessTable<S>;
  /** Server-wide services (health, reflection) answer on any host, without an instance. */
  readonly instanceless?: boolean;
}

export class RpcBootError extends Error {}

/**
 * The platform's RPC registry: resource modules register their handlers here at start-up, and
 * every transport (gRPC, Connect, gRPC-Web, REST) serves what is registered. Contract services
 * with no binding answer UNIMPLEMENTED.
 */
@Injectable()
export class RpcRegistry {
  private readonly bindings = new Map<string, ServiceBinding>();
  private readonly extraHttp: ExtraBinding[] = [];

  /** REST bindings newer ZITADEL releases serve but the pinned descriptors lack (module-owned tables). */
  addHttpBindings(bindings: readonly ExtraBinding[]): void {
    this.extraHttp.push(...bindings);
  }

  httpBindings(): readonly ExtraBinding[] {
    return this.extraHttp;
  }

  /**
   * Registers a module's part of a service. Large services (v1 management, admin) are served by
   * several modules, each registering the methods of its own context; a method implemented by two
   * modules, or parts that disagree on being instanceless, fail the boot.
   */
  register<S extends DescService>(binding: ServiceBinding<S>): void {
    const name = binding.service.typeName;
    this.checkAccess(binding);
    const earlier = this.bindings.get(name);
    if (!earlier) {
      this.bindings.set(name, binding as unknown as ServiceBinding);
      return;
    }
    if (Boolean(earlier.instanceless) !== Boolean(binding.instanceless)) {
      throw new RpcBootError(`${name} is registered both with and without an instance`);
    }
    const impl = { ...(earlier.impl as Record<string, unknown>) };
    const access = { ...(earlier.access as Record<string, MethodAccess | undefined>) };
    for (const { localName: method } of binding.service.methods) {
      const fn = (binding.impl as Record<string, unknown>)[method];
      if (typeof fn !== 'function') continue;
      if (typeof impl[method] === 'function') throw new RpcBootError(`${name}.${method} is registered twice`);
      impl[method] = fn;
      access[method] = (binding.access as Record<string, MethodAccess | undefined>)[method];
    }
    this.bindings.set(name, { ...earlier, impl, access } as ServiceBinding);
  }

  private checkAccess<S extends DescService>(binding: ServiceBinding<S>): void {
    const name = binding.service.typeName;
    for (const method of binding.service.methods) {
      const implemented = typeof (binding.impl as Record<string, unknown>)[method.localName] === 'function';
      const access = (binding.access as Record<string, MethodAccess | undefined>)[method.localName];
      if (implemented && binding.instanceless && access !== 'public') {
        throw new RpcBootError(`${name}.${method.name} is instanceless, so it can only be public`);
      }
      if (implemented && !access) {
        throw new RpcBootError(
          `${name}.${method.name} is implemented but declares neither a permission nor 'public' in its access table`,
        );
      }
    }
  }

  binding(serviceName: string): ServiceBinding | undefined {
    return this.bindings.get(serviceName);
  }

  all(): ServiceBinding[] {
    return [...this.bindings.values()];
  }

  /** The access rule for a method, or undefined when the method is not implemented. */
  accessFor(method: DescMethod): MethodAccess | undefined {
    const binding = this.bindings.get(method.parent.typeName);
    if (!binding || typeof (binding.impl as Record<string, unknown>)[method.localName] !== 'function') return undefined;
    return (binding.access as Record<string, MethodAccess | undefined>)[method.localName];
  }

  /**
   * A public method of a service that has system methods (the system API's Healthz) runs on no
   * instance and reads no credential, as ZITADEL checks nothing for it: a system API user's JWT
   * is no instance credential, and the system API's host need not be an instance's.
   */
  isInstancelessPublic(method: DescMethod): boolean {
    if (this.accessFor(method) !== 'public') return false;
    const access = this.bindings.get(method.parent.typeName)?.access ?? {};
    return Object.values(access as Record<string, MethodAccess | undefined>).some(isSystemAccess);
  }

  isImplemented(method: DescMethod): boolean {
    return this.accessFor(method) !== undefined;
  }
}
