import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { DomainError } from '../../errors/domain-error.js';
import { decodeRequest, locateJsonProblem } from './request-decoder.js';
import { resolveFieldPath, urlParamsToJson } from './request-fields.js';

const { method } = OrganizationService;
const parts = (init: { path?: Record<string, string>; query?: string; body?: string }) => ({
  pathParams: new Map(Object.entries(init.path ?? {})),
  query: new URLSearchParams(init.query ?? ''),
  body: init.body === undefined ? undefined : Buffer.from(init.body),
});

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('decodeRequest', () => {
  it('layers body, then query, then path (the path wins)', () => {
    const input = method.listOrganizationDomains.input;
    const message = decodeRequest(
      { input, body: 'pagination' },
      parts({ path: { organization_id: 'o1' }, query: 'organizationId=ignored', body: '{"limit": 4}' }),
    );
    expect(message).toMatchObject({ organizationId: 'o1', pagination: { limit: 4 } });
  });

  it('leaves the body field unset for an empty body', () => {
    const message = decodeRequest(
      { input: method.listOrganizationDomains.input, body: 'pagination' },
      parts({ body: '' }),
    );
    expect((message as { pagination?: unknown }).pagination).toBeUndefined();
  });

  it('names a problem inside the named body field with the field as prefix', () => {
    const err = thrown(() =>
      decodeRequest(
        { input: method.listOrganizationDomains.input, body: 'pagination' },
        parts({ body: '{"limt": 1}' }),
      ),
    );
    expect(err).toMatchObject({
      kind: 'InvalidArgument',
      fieldViolations: [{ field: 'pagination.limt', description: 'unknown field' }],
    });
  });
});

describe('locateJsonProblem', () => {
  const input = method.createOrganization.input;

  it('finds the innermost failing key, through lists and nested messages', () => {
    expect(locateJsonProblem(input, { admins: [{ userId: 'u' }, { human: { profile: { gender: 'NOPE' } } }] })).toEqual(
      {
        path: 'admins[1].human.profile.gender',
        description: '"NOPE" is not a value of zitadel.user.v2beta.Gender',
      },
    );
  });

  it('returns nothing for valid JSON', () => {
    expect(locateJsonProblem(input, { name: 'Acme', admins: [{ userId: 'u' }] })).toBeUndefined();
  });
});

describe('urlParamsToJson', () => {
  const input = method.listOrganizations.input;

  it('builds nested protobuf JSON keyed by proto names, converting bools and enum numbers', () => {
    expect(
      urlParamsToJson(
        input,
        [
          ['pagination.asc', ['1']],
          ['sortingColumn', ['2']],
          ['pagination.offset', ['10']],
        ],
        'query',
      ),
    ).toEqual({
      pagination: { asc: true, offset: '10' },
      sorting_column: 2,
    });
  });

  it('refuses unknown names, message fields, and a repeated value for a singular field', () => {
    expect(thrown(() => urlParamsToJson(input, [['nope', ['1']]], 'query')).message).toBe(
      'unknown query parameter "nope"',
    );
    expect(thrown(() => urlParamsToJson(input, [['pagination', ['1']]], 'query')).message).toContain(
      'cannot be set from the URL',
    );
    expect(thrown(() => urlParamsToJson(input, [['pagination.limit', ['1', '2']]], 'query')).message).toContain(
      'given 2 times',
    );
  });

  it('resolves field paths by proto or JSON name', () => {
    expect(resolveFieldPath(input, 'sorting_column')?.map((f) => f.name)).toEqual(['sorting_column']);
    expect(resolveFieldPath(input, 'pagination.asc')?.map((f) => f.name)).toEqual(['pagination', 'asc']);
    expect(resolveFieldPath(input, 'filter.name_filter')).toBeUndefined();
  });
});
