import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScalarType, type Message } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext } from '@connectrpc/connect';
import { DomainValidationType, OrgFieldName, OrgState } from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { NotFound } from '../../errors/domain-error.js';
import { CONTRACT_SERVICES } from '../contract.js';
import { RpcRegistry, type MethodAccess } from '../registry.js';
import { UnaryInvoker } from '../unary-invoker.js';
import { RestBindingError, type ExtraBinding } from './http-bindings.js';
import { expandTemplate } from './path-template.js';
import { resolveFieldPath } from './request-fields.js';
import { createRestHandler, type RestHandler } from './transcoder.js';

interface Call {
  method: string;
  request: Message;
  header: Headers;
}

const calls: Call[] = [];
const lastCall = (): Call => calls[calls.length - 1];
const record = (method: string, request: Message, ctx: HandlerContext): void => {
  calls.push({ method, request, header: ctx.requestHeader });
};
const when = timestampFromDate(new Date('2024-05-06T07:08:09Z'));

/** Echoes what it was sent, so tests can see how HTTP became a request message. */
const impl = {
  createOrganization: async (req: { name: string }, ctx: HandlerContext) => {
    record('createOrganization', req as never, ctx);
    return { id: `new-${req.name}`, creationDate: when };
  },
  updateOrganization: async (req: Message, ctx: HandlerContext) => {
    record('updateOrganization', req, ctx);
    return { changeDate: when };
  },
  listOrganizations: async (req: { pagination?: { offset: bigint; limit: number } }, ctx: HandlerContext) => {
    record('listOrganizations', req as never, ctx);
    return {
      pagination: {
        totalResult: (req.pagination?.offset ?? 0n) + 9_007_199_254_740_993n,
        appliedLimit: BigInt(req.pagination?.limit ?? 0),
      },
      organizations: [{ id: 'o1', name: 'Acme', state: OrgState.ACTIVE, creationDate: when }],
    };
  },
  deleteOrganization: async (req: Message, ctx: HandlerContext) => {
    record('deleteOrganization', req, ctx);
    throw NotFound('ORG-t3st1', 'organization not found');
  },
  deleteOrganizationMetadata: async (req: Message, ctx: HandlerContext) => {
    record('deleteOrganizationMetadata', req, ctx);
    return { deletionDate: when };
  },
  addOrganizationDomain: async (req: Message, ctx: HandlerContext) => {
    record('addOrganizationDomain', req, ctx);
    return { creationDate: when };
  },
  generateOrganizationDomainValidation: async (
    req: { domain: string; type: DomainValidationType },
    ctx: HandlerContext,
  ) => {
    record('generateOrganizationDomainValidation', req as never, ctx);
    return {
      token: `token-for-${req.domain}`,
      url: `https://${req.domain}/.well-known/${DomainValidationType[req.type]}`,
    };
  },
};
const access = Object.fromEntries(Object.keys(impl).map((name) => [name, 'public' as MethodAccess]));

const method = OrganizationService.method;
const extraBindings: ExtraBinding[] = [
  // Shadows the annotated `POST /v2beta/organizations/{id}` (UpdateOrganization) for one literal.
  { method: method.createOrganization, rule: { verb: 'post', path: '/v2beta/organizations/new', body: '*' } },
  { method: method.listOrganizations, rule: { verb: 'GET', path: '/test/organizations' } },
  {
    method: method.listOrganizations,
    rule: {
      verb: 'get',
      path: '/test/organizations/{pagination.offset}/page/{pagination.limit}',
      responseBody: 'pagination',
    },
  },
  {
    method: method.addOrganizationDomain,
    rule: { verb: 'put', path: '/test/organizations/{organization_id}/domain', body: 'domain' },
  },
];

const NO_ROUTE = 'x-test-no-route';

async function start(handler: RestHandler): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    handler.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404, { [NO_ROUTE]: '1' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let handler: RestHandler;
let server: Server;
let base: string;

beforeAll(async () => {
  const registry = new RpcRegistry();
  registry.register({ service: OrganizationService, impl: impl as never, access });
  handler = createRestHandler({ services: CONTRACT_SERVICES, invoker: new UnaryInvoker(registry, []), extraBindings });
  ({ server, base } = await start(handler));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  calls.length = 0;
});

interface Answer {
  status: number;
  body: any;
  noRoute: boolean;
}

async function send(verb: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(base + path, {
    method: verb,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    noRoute: response.headers.has(NO_ROUTE),
  };
}

const violations = (body: any): { field: string; description: string }[] =>
  body.details.find((d: any) => d['@type'] === 'type.googleapis.com/google.rpc.BadRequest')?.fieldViolations ?? [];

describe('REST transcoder: request building', () => {
  it('sets path variables and the whole JSON body (body "*")', async () => {
    const answer = await send('POST', '/v2beta/organizations/o%2042/domains/validation/generate', {
      domain: 'acme.test',
      type: 'DOMAIN_VALIDATION_TYPE_DNS',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ token: 'token-for-acme.test', url: 'https://acme.test/.well-known/DNS' });
    expect(lastCall().request).toMatchObject({
      organizationId: 'o 42',
      domain: 'acme.test',
      type: DomainValidationType.DNS,
    });
  });

  it('accepts proto names as well as JSON names in the body, and lets the path win over the body', async () => {
    await send('POST', '/v2beta/organizations/o1/domains/validation/generate', {
      organization_id: 'other',
      domain: 'd',
    });
    expect(lastCall().request).toMatchObject({ organizationId: 'o1', domain: 'd' });
  });

  it('treats an empty body as the empty message', async () => {
    const answer = await send('POST', '/v2beta/organizations/search');
    expect(answer.status).toBe(200);
    expect(lastCall().method).toBe('listOrganizations');
  });

  it('sets nested path variables, converting them to the field type', async () => {
    const answer = await send('GET', '/test/organizations/5/page/3');
    expect(lastCall().request).toMatchObject({ pagination: { offset: 5n, limit: 3 } });
    // response_body: only the pagination field, 64-bit integers as strings.
    expect(answer.body).toEqual({ totalResult: '9007199254740998', appliedLimit: '3' });
  });

  it('reads query parameters on GET, by proto or JSON name, with bools and enums by name or number', async () => {
    await send(
      'GET',
      '/test/organizations?pagination.offset=7&pagination.limit=2&pagination.asc=true&sorting_column=ORG_FIELD_NAME_NAME',
    );
    expect(lastCall().request).toMatchObject({
      pagination: { offset: 7n, limit: 2, asc: true },
      sortingColumn: OrgFieldName.NAME,
    });
    await send('GET', '/test/organizations?sortingColumn=2');
    expect(lastCall().request).toMatchObject({ sortingColumn: OrgFieldName.CREATION_DATE });
  });

  it('reads repeated query parameters on DELETE', async () => {
    const answer = await send('DELETE', '/v2beta/organizations/o1/metadata?keys=a&keys=b');
    expect(answer.status).toBe(200);
    expect(lastCall().request).toMatchObject({ organizationId: 'o1', keys: ['a', 'b'] });
    expect(answer.body).toEqual({ deletionDate: '2024-05-06T07:08:09Z' });
  });

  it('puts the JSON body into the named body field', async () => {
    const answer = await send('PUT', '/test/organizations/o1/domain', '"acme.test"');
    expect(answer.status).toBe(200);
    expect(lastCall().request).toMatchObject({ organizationId: 'o1', domain: 'acme.test' });
  });

  it('passes headers, host and the transport name to the handler', async () => {
    await send('POST', '/v2beta/organizations/search', {}, { authorization: 'Bearer t', 'x-request-id': 'r1' });
    const { header } = lastCall();
    expect(header.get('authorization')).toBe('Bearer t');
    expect(header.get('x-request-id')).toBe('r1');
    expect(header.get('host')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(header.get('x-portcullis-transport')).toBe('rest');
  });
});

describe('REST transcoder: routing', () => {
  it('prefers literal segments over variables', async () => {
    await send('POST', '/v2beta/organizations/search', {});
    expect(lastCall().method).toBe('listOrganizations');
    await send('POST', '/v2beta/organizations/abc', { name: 'n' });
    expect(lastCall()).toMatchObject({ method: 'updateOrganization', request: { id: 'abc', name: 'n' } });
  });

  it('serves extra bindings, which beat a variable at the same position', async () => {
    const answer = await send('POST', '/v2beta/organizations/new', { name: 'Acme' });
    expect(answer).toMatchObject({ status: 200, body: { id: 'new-Acme', creationDate: '2024-05-06T07:08:09Z' } });
    expect(handler.routes.find((r) => r.template.source === '/v2beta/organizations/new')?.origin).toBe('extra');
  });

  it('returns false (no answer) for unknown paths and wrong verbs', async () => {
    expect((await send('GET', '/v2beta/nothing-here')).noRoute).toBe(true);
    expect((await send('GET', '/v2beta/organizations/search')).noRoute).toBe(true);
  });

  it('refuses bindings that cannot work, at construction', () => {
    const invoker = new UnaryInvoker(new RpcRegistry(), []);
    const build = (rule: ExtraBinding['rule']) => () =>
      createRestHandler({ services: [], invoker, extraBindings: [{ method: method.listOrganizations, rule }] });
    expect(build({ verb: 'get', path: '/x/{nope}' })).toThrow(RestBindingError);
    expect(build({ verb: 'post', path: '/x', body: 'nope' })).toThrow(RestBindingError);
    expect(build({ verb: 'get', path: '/x', responseBody: 'nope' })).toThrow(RestBindingError);
    expect(build({ verb: 'get', path: 'x' })).toThrow('must start with');
  });
});

describe('REST transcoder: responses and errors', () => {
  it('writes enums by name, 64-bit integers as strings, timestamps in RFC 3339 and implicit defaults', async () => {
    const answer = await send('POST', '/v2beta/organizations/search', { pagination: { offset: '1' } });
    expect(answer.body).toEqual({
      pagination: { totalResult: '9007199254740994', appliedLimit: '0' },
      organizations: [
        { id: 'o1', name: 'Acme', state: 'ORG_STATE_ACTIVE', creationDate: '2024-05-06T07:08:09Z', primaryDomain: '' },
      ],
    });
  });

  it('rejects an unknown body field with 400, code 3 and the field path', async () => {
    const answer = await send('POST', '/v2beta/organizations/search', { pagination: { lmit: 1 } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(3);
    expect(answer.body.message).toContain('pagination.lmit');
    expect(violations(answer.body)).toEqual([{ field: 'pagination.lmit', description: 'unknown field' }]);
  });

  it('names the field inside lists when a value has the wrong type', async () => {
    const answer = await send('POST', '/v2beta/organizations/search', {
      filter: [{ nameFilter: { name: 'a' } }, { stateFilter: { state: 'NOT_A_STATE' } }],
    });
    expect(answer.status).toBe(400);
    expect(violations(answer.body)[0].field).toBe('filter[1].state_filter.state');
  });

  it('rejects a wrongly typed value with the field named', async () => {
    const answer = await send('POST', '/v2beta/organizations/search', { pagination: { asc: 'yes' } });
    expect(answer.status).toBe(400);
    expect(violations(answer.body)[0]).toMatchObject({ field: 'pagination.asc' });
    expect(answer.body.message).toContain('expected boolean');
  });

  it('rejects malformed JSON with 400 and code 3', async () => {
    const answer = await send('POST', '/v2beta/organizations/search', '{"pagination": ');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 3 });
    expect(answer.body.message).toMatch(/malformed JSON.*\(REST-\w+\)$/);
  });

  it('rejects duplicate keys and bodies that are not objects', async () => {
    const duplicate = await send('POST', '/v2beta/organizations/o1', '{"name": "a", "name": "b"}');
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.message).toContain('duplicate');
    const array = await send('POST', '/v2beta/organizations/search', '[]');
    expect(array.status).toBe(400);
    expect(array.body.message).toContain('expected a JSON object');
    const item = await send('POST', '/v2beta/organizations/search', { filter: ['x'] });
    expect(violations(item.body)[0]).toEqual({
      field: 'filter[0]',
      description: 'expected a JSON object, got a string',
    });
  });

  it('rejects unknown query parameters and query parameters on body "*" methods', async () => {
    const unknown = await send('GET', '/test/organizations?pagination.ofset=1');
    expect(unknown.status).toBe(400);
    expect(violations(unknown.body)[0].field).toBe('pagination.ofset');
    const withBody = await send('POST', '/v2beta/organizations/search?limit=1', {});
    expect(withBody.status).toBe(400);
    expect(violations(withBody.body)[0].field).toBe('limit');
  });

  it('rejects bad query values with the parameter named', async () => {
    const answer = await send('GET', '/test/organizations?pagination.limit=many');
    expect(answer.status).toBe(400);
    expect(violations(answer.body)[0].field).toBe('pagination.limit');
    const twice = await send('GET', '/test/organizations?sorting_column=1&sortingColumn=2');
    expect(twice.status).toBe(400);
  });

  it('answers 501 with code 12 for a method without an implementation', async () => {
    const answer = await send('POST', '/v2beta/organizations/o1/activate', {});
    expect(answer.status).toBe(501);
    expect(answer.body.code).toBe(12);
  });

  it('maps domain errors from the handler to their status, code and id', async () => {
    const answer = await send('DELETE', '/v2beta/organizations/o1');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 5, message: 'organization not found (ORG-t3st1)' });
    expect(answer.body.details[0]).toMatchObject({ id: 'ORG-t3st1' });
  });
});

/** A path value the field accepts: enums by a real name, numbers and bools as text. */
function dummyValue(input: Parameters<typeof resolveFieldPath>[0], variable: string | undefined): string {
  const field = variable ? resolveFieldPath(input, variable)?.at(-1) : undefined;
  if (field?.enum) return field.enum.values[field.enum.values.length - 1].name;
  if (field?.scalar === ScalarType.BOOL) return 'true';
  if (field?.scalar !== undefined && field.scalar !== ScalarType.STRING && field.scalar !== ScalarType.BYTES)
    return '1';
  return 'dummy-1';
}

describe('REST transcoder: the whole contract', () => {
  it('routes every annotated unary method of every contract service', async () => {
    const annotated = handler.routes.filter((r) => r.origin === 'annotation');
    expect(annotated.length).toBeGreaterThan(250);
    const misrouted: string[] = [];
    for (const route of annotated) {
      const path = expandTemplate(route.template, (v) => dummyValue(route.method.input, v));
      const answer = await send(route.httpMethod, path);
      const rpc = `${route.method.parent.typeName}.${route.method.name}`;
      const registered = route.method.parent === OrganizationService && route.method.localName in impl;
      const expected = registered
        ? !answer.noRoute
        : answer.status === 501 && answer.body.code === 12 && answer.body.message.includes(rpc);
      if (answer.noRoute || !expected) misrouted.push(`${route.httpMethod} ${path} (${rpc}) -> ${answer.status}`);
    }
    expect(misrouted).toEqual([]);
  });

  it('only routes unary methods', () => {
    expect(handler.routes.every((r) => r.method.methodKind === 'unary')).toBe(true);
    expect(handler.routes.some((r) => r.method.parent === SessionService)).toBe(true);
  });
});
