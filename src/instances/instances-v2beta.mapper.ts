import { create } from '@bufbuild/protobuf';
import * as v2 from '@zitadel/proto/zitadel/instance/v2beta/instance_pb.js';
import { SERVER_VERSION } from '../platform/build/version.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { InstanceDomainView, InstanceWithDomains, TrustedDomainView } from './instances.queries.js';

// zitadel.instance.v2beta messages of InstanceService.

export function domainV2beta(instanceId: string, d: InstanceDomainView): v2.Domain {
  return create(v2.DomainSchema, {
    instanceId,
    creationDate: ts(d.createdAt),
    domain: d.domain,
    primary: d.primary,
    generated: d.generated,
  });
}

/** A serving instance is RUNNING; the server has no other states for it. */
export function instanceV2beta({ instance, domains }: InstanceWithDomains): v2.Instance {
  return create(v2.InstanceSchema, {
    id: instance.id,
    name: instance.name,
    state: v2.State.RUNNING,
    version: SERVER_VERSION,
    creationDate: ts(instance.createdAt),
    changeDate: ts(instance.createdAt),
    domains: domains.map((d) => domainV2beta(instance.id, d)),
  });
}

export function trustedDomainV2beta(instanceId: string, d: TrustedDomainView): v2.TrustedDomain {
  return create(v2.TrustedDomainSchema, { instanceId, creationDate: ts(d.createdAt), domain: d.domain });
}
