import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { CONTRACT_SERVICES } from '../contract.js';
import { annotatedRules } from './http-bindings.js';
import { buildOpenApi, openApiHtml } from './openapi.js';
import { parsePathTemplate, toOpenApiPath } from './path-template.js';

type Doc = {
  openapi: string;
  servers?: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
};

const doc = buildOpenApi(CONTRACT_SERVICES, {
  title: 'Portcullis',
  version: '0.1.0',
  serverUrl: 'https://id.example.com',
}) as Doc;
const schema = (name: string) => doc.components.schemas[name];

/** Every `$ref` anywhere in the document. */
function refs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

describe('buildOpenApi', () => {
  it('is an OpenAPI 3.1 document that survives a JSON round trip unchanged', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://id.example.com' }]);
    expect(JSON.parse(JSON.stringify(doc))).toStrictEqual(doc);
  });

  it('lists every annotated method under its path and verb', () => {
    const missing: string[] = [];
    for (const service of CONTRACT_SERVICES) {
      for (const method of service.methods.filter((m) => m.methodKind === 'unary')) {
        for (const rule of annotatedRules(method)) {
          const op = doc.paths[toOpenApiPath(parsePathTemplate(rule.path))]?.[rule.verb.toLowerCase()];
          if (op?.['x-grpc-method'] !== `/${service.typeName}/${method.name}`)
            missing.push(`${rule.verb} ${rule.path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every operation a unique id and a service tag', () => {
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const ids = ops.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t) => t.name));
    expect(ops.every((op) => tags.has(op.tags[0]))).toBe(true);
  });

  it('resolves every $ref to a component', () => {
    const dangling = refs(doc).filter((r) => !schema(r.replace('#/components/schemas/', '')));
    expect(dangling).toEqual([]);
  });

  it('describes path parameters, request bodies and responses', () => {
    const op = doc.paths['/v2/users/{user_id}'].get;
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'user_id', in: 'path', required: true })]);
    // The contract's openapiv2 field options supply descriptions and examples.
    expect(op.parameters[0].schema).toMatchObject({ type: 'string', description: expect.any(String) });
    expect(op.requestBody).toBeUndefined();
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/zitadel.user.v2.GetUserByIDResponse',
    });
    expect(op.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RestError' });
    // ZITADEL's descriptors ask for 201 on some creates (http_response.success_code).
    expect(Object.keys(doc.paths['/v2/sessions'].post.responses)).toEqual(['201', 'default']);
    const create = doc.paths['/v2beta/organizations'].post;
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/zitadel.org.v2beta.CreateOrganizationRequest',
    });
  });

  it('offers the unbound fields of body-less methods as dotted camelCase query parameters', () => {
    const names = doc.paths['/v2/settings/login'].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(names).toEqual(expect.arrayContaining(['query:ctx.orgId', 'query:ctx.instance']));
    const deleteMetadata = doc.paths['/v2beta/organizations/{organization_id}/metadata'].delete.parameters;
    expect(deleteMetadata.map((p: { name: string }) => p.name)).toEqual(['organization_id', 'keys']);
    expect(deleteMetadata[1].schema).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it('writes message schemas in protobuf JSON form: camelCase, 64-bit strings, enum names, RFC 3339', () => {
    const pagination = schema('zitadel.filter.v2beta.PaginationResponse');
    expect(pagination.properties.totalResult).toMatchObject({ type: 'string', format: 'uint64' });
    const org = schema('zitadel.org.v2beta.Organization');
    expect(Object.keys(org.properties)).toEqual([
      'id',
      'creationDate',
      'changedDate',
      'state',
      'name',
      'primaryDomain',
    ]);
    expect(org.properties.creationDate).toMatchObject({ type: 'string', format: 'date-time' });
    expect(org.properties.state).toMatchObject({ $ref: '#/components/schemas/zitadel.org.v2beta.OrgState' });
    expect(schema('zitadel.org.v2beta.OrgState').enum).toContain('ORG_STATE_ACTIVE');
  });

  it('handles recursive messages through references', () => {
    const orQuery = schema('zitadel.user.v2.OrQuery');
    expect(orQuery.properties.queries).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/zitadel.user.v2.SearchQuery' },
    });
    expect(schema('zitadel.user.v2.SearchQuery').properties.orQuery).toMatchObject({
      $ref: '#/components/schemas/zitadel.user.v2.OrQuery',
    });
  });

  it('includes extra bindings', () => {
    const withExtra = buildOpenApi(
      CONTRACT_SERVICES,
      { title: 't', version: '1' },
      {
        extraBindings: [
          {
            method: OrganizationService.method.createOrganization,
            rule: { verb: 'post', path: '/v2beta/organizations/new', body: '*' },
          },
        ],
      },
    ) as Doc;
    expect(withExtra.paths['/v2beta/organizations/new'].post['x-grpc-method']).toBe(
      '/zitadel.org.v2beta.OrganizationService/CreateOrganization',
    );
  });
});

describe('openApiHtml', () => {
  it('is a self-contained page that names the spec URL', () => {
    const html = openApiHtml('/openapi.json');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('href="/openapi.json"');
    expect(html).toContain('const SPEC_URL = "/openapi.json";');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
  });

  it('escapes the spec URL in markup and script', () => {
    const html = openApiHtml('/x?a="b"&c=</script><b>');
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('&#60;/script&#62;&#60;b&#62;');
    expect(html).toContain('"/x?a=\\"b\\"&c=\\u003c/script>\\u003cb>"');
  });
});
