import { create } from '@bufbuild/protobuf';
import * as v2 from '@zitadel/proto/zitadel/instance/v2beta/instance_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { textMatch, ts } from '../platform/rpc/proto-mapping.js';
import type {
  InstanceDomainFilter,
  InstanceDomainSort,
  InstanceDomainView,
  InstanceFilter,
  InstanceSort,
  InstanceWithDomains,
  TrustedDomainView,
} from './instances.queries.js';

// zitadel.instance.v2beta messages of InstanceService.

const INSTANCE_SORT: Record<number, InstanceSort> = {
  [v2.FieldName.ID]: 'id',
  [v2.FieldName.NAME]: 'name',
  [v2.FieldName.CREATION_DATE]: 'creationDate',
};
export const instanceSortV2beta = (n: number | undefined): InstanceSort => INSTANCE_SORT[n ?? 0] ?? 'id';

const DOMAIN_SORT: Record<number, InstanceDomainSort> = {
  [v2.DomainFieldName.DOMAIN]: 'domain',
  [v2.DomainFieldName.PRIMARY]: 'primary',
  [v2.DomainFieldName.GENERATED]: 'generated',
  [v2.DomainFieldName.CREATION_DATE]: 'creationDate',
};
export const domainSortV2beta = (n: number): InstanceDomainSort => DOMAIN_SORT[n] ?? 'domain';

export function instanceQueryV2beta(q: v2.Query, field: string): InstanceFilter {
  switch (q.query.case) {
    case 'idQuery':
      return { kind: 'ids', ids: q.query.value.ids };
    case 'domainQuery':
      return { kind: 'domains', domains: q.query.value.domains };
    default:
      throw invalidField('INST-q0v2', field, 'one query must be set');
  }
}

export function domainQueryV2beta(q: v2.DomainSearchQuery, field: string): InstanceDomainFilter {
  switch (q.query.case) {
    case 'domainQuery':
      return { kind: 'domain', match: textMatch(q.query.value.method), value: q.query.value.domain };
    case 'generatedQuery':
      return { kind: 'generated', value: q.query.value.generated };
    case 'primaryQuery':
      return { kind: 'primary', value: q.query.value.primary };
    default:
      throw invalidField('INST-q1v2', field, 'one query must be set');
  }
}

export function trustedDomainQueryV2beta(q: v2.TrustedDomainSearchQuery, field: string) {
  if (q.query.case !== 'domainQuery') throw invalidField('INST-q2v2', field, 'one query must be set');
  return { match: textMatch(q.query.value.method), value: q.query.value.domain };
}

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
    creationDate: ts(instance.createdAt),
    changeDate: ts(instance.createdAt),
    domains: domains.map((d) => domainV2beta(instance.id, d)),
  });
}

export function trustedDomainV2beta(instanceId: string, d: TrustedDomainView): v2.TrustedDomain {
  return create(v2.TrustedDomainSchema, { instanceId, creationDate: ts(d.createdAt), domain: d.domain });
}
