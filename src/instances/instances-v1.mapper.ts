import { create } from '@bufbuild/protobuf';
import * as v1 from '@zitadel/proto/zitadel/instance_pb.js';
import type * as v2 from '@zitadel/proto/zitadel/instance/v2beta/instance_pb.js';
import { SERVER_VERSION } from '../platform/build/version.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import type {
  InstanceDomainFilter,
  InstanceDomainSort,
  InstanceDomainView,
  InstanceFilter,
  InstanceSort,
  InstanceWithDomains,
  TrustedDomainView,
} from './instances.queries.js';

// zitadel.instance.v1 messages of the v1 admin and system APIs. The queries and sort columns
// are read the same from v2beta's messages: same cases, fields and numbering.

/** DomainFieldName (v1 and v2beta); unspecified sorts by domain. */
const SORT: Record<number, InstanceDomainSort> = {
  0: 'domain',
  1: 'domain',
  2: 'primary',
  3: 'generated',
  4: 'creationDate',
};
export const instanceDomainSort = (n: number): InstanceDomainSort => SORT[n] ?? 'domain';

export function instanceDomainQuery(
  q: v1.DomainSearchQuery | v2.DomainSearchQuery,
  field: string,
): InstanceDomainFilter {
  const c = q.query;
  switch (c.case) {
    case 'domainQuery':
      return { kind: 'domain', match: textMatch(c.value.method), value: c.value.domain };
    case 'generatedQuery':
      return { kind: 'generated', value: c.value.generated };
    case 'primaryQuery':
      return { kind: 'primary', value: c.value.primary };
    default:
      throw invalidField('INST-q0v1', field, 'one query must be set');
  }
}

export function instanceDomainV1(instanceId: string, d: InstanceDomainView): v1.Domain {
  return create(v1.DomainSchema, {
    domain: d.domain,
    primary: d.primary,
    generated: d.generated,
    details: detailsV1({ sequence: 0n, creationDate: d.createdAt, changeDate: d.createdAt, resourceOwner: instanceId }),
  });
}

/** A serving instance is RUNNING; the server has no other states for it. */
export function instanceDetailV1(instance: Instance, domains: readonly InstanceDomainView[]): v1.InstanceDetail {
  return create(v1.InstanceDetailSchema, {
    id: instance.id,
    name: instance.name,
    state: v1.State.RUNNING,
    version: SERVER_VERSION,
    domains: domains.map((d) => instanceDomainV1(instance.id, d)),
    details: detailsV1({
      sequence: 0n,
      creationDate: instance.createdAt,
      changeDate: instance.createdAt,
      resourceOwner: instance.id,
    }),
  });
}

export function trustedDomainQuery(q: v1.TrustedDomainSearchQuery | v2.TrustedDomainSearchQuery, field: string) {
  if (q.query.case !== 'domainQuery') throw invalidField('INST-q1v1', field, 'one query must be set');
  return { match: textMatch(q.query.value.method), value: q.query.value.domain };
}

export function trustedDomainV1(instanceId: string, d: TrustedDomainView): v1.TrustedDomain {
  return create(v1.TrustedDomainSchema, {
    domain: d.domain,
    details: detailsV1({ sequence: 0n, creationDate: d.createdAt, changeDate: d.createdAt, resourceOwner: instanceId }),
  });
}

/** FieldName of instance lists (v1 and v2beta); unspecified sorts by id. */
const INSTANCE_SORT: Record<number, InstanceSort> = { 0: 'id', 1: 'id', 2: 'name', 3: 'creationDate' };
export const instanceSort = (n: number | undefined): InstanceSort => INSTANCE_SORT[n ?? 0] ?? 'id';

export function instanceQuery(q: v1.Query | v2.Query, field: string): InstanceFilter {
  switch (q.query.case) {
    case 'idQuery':
      return { kind: 'ids', ids: q.query.value.ids };
    case 'domainQuery':
      return { kind: 'domains', domains: q.query.value.domains };
    default:
      throw invalidField('INST-q2v1', field, 'one query must be set');
  }
}

export function instanceV1({ instance, domains }: InstanceWithDomains): v1.Instance {
  const detail = instanceDetailV1(instance, domains);
  return create(v1.InstanceSchema, {
    id: detail.id,
    name: detail.name,
    state: detail.state,
    version: detail.version,
    domains: detail.domains,
    details: detail.details,
  });
}
