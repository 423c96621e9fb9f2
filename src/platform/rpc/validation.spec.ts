import { create, createFileRegistry, setExtension } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_duration,
} from '@bufbuild/protobuf/wkt';
import { FieldRulesSchema, KnownRegex, rules as fieldRules } from '@zitadel/proto/validate/validate_pb.js';
import { CreateTargetRequestSchema } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { CreateAuthorizationRequestSchema } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { DomainsQuerySchema } from '@zitadel/proto/zitadel/instance/v2beta/instance_pb.js';
import { GetDeviceAuthorizationRequestRequestSchema } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { AddOrganizationRequestSchema } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { CreateOrganizationRequestSchema } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { NotificationSchema } from '@zitadel/proto/zitadel/quota_pb.js';
import { CreateSessionRequestSchema } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { LDAPCredentialsSchema } from '@zitadel/proto/zitadel/user/v2/idp_pb.js';
import { SearchQuerySchema } from '@zitadel/proto/zitadel/user/v2/query_pb.js';
import {
  AddHumanUserRequestSchema,
  AddPersonalAccessTokenRequestSchema,
} from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { ECDSASchema, type ECDSACurve } from '@zitadel/proto/zitadel/webkey/v2beta/key_pb.js';
import { CONTRACT_SERVICES } from './contract.js';
import { validateMessage } from './validation.js';

const validHuman = {
  profile: { givenName: 'Ada', familyName: 'Lovelace' },
  email: { email: 'ada@example.com' },
} as const;

describe('validateMessage on contract messages', () => {
  it('returns nothing for a valid request', () => {
    const request = create(AddOrganizationRequestSchema, {
      name: 'Acme',
      admins: [{ userType: { case: 'human', value: validHuman } }, { userType: { case: 'userId', value: '123' } }],
    });
    expect(validateMessage(AddOrganizationRequestSchema, request)).toEqual([]);
  });

  describe('string lengths (zitadel.org.v2beta.CreateOrganizationRequest)', () => {
    const violations = (init: MessageInitShape<typeof CreateOrganizationRequestSchema>) =>
      validateMessage(CreateOrganizationRequestSchema, create(CreateOrganizationRequestSchema, init));
    const nameRange = [{ field: 'name', description: 'value length must be between 1 and 200 runes, inclusive' }];

    it('checks an implicit-presence string even when empty', () => {
      expect(violations({})).toEqual(nameRange);
    });

    it('refuses 201 characters and accepts 200', () => {
      expect(violations({ name: 'a'.repeat(201) })).toEqual(nameRange);
      expect(violations({ name: 'a'.repeat(200) })).toEqual([]);
    });

    it('counts Unicode code points, not bytes or UTF-16 units', () => {
      expect(violations({ name: 'ü'.repeat(200) })).toEqual([]);
      expect(violations({ name: '😀'.repeat(200) })).toEqual([]);
      expect(violations({ name: '😀'.repeat(201) })).toEqual(nameRange);
    });

    it('checks a proto3 optional field only when it is set', () => {
      expect(violations({ name: 'Acme' })).toEqual([]);
      expect(violations({ name: 'Acme', id: '' })).toEqual([
        { field: 'id', description: 'value length must be between 1 and 200 runes, inclusive' },
      ]);
    });
  });

  describe('zitadel.user.v2.AddHumanUserRequest', () => {
    const violations = (init: MessageInitShape<typeof AddHumanUserRequestSchema>) =>
      validateMessage(AddHumanUserRequestSchema, create(AddHumanUserRequestSchema, init));

    it('requires profile and email', () => {
      expect(violations({})).toEqual([
        { field: 'profile', description: 'value is required' },
        { field: 'email', description: 'value is required' },
      ]);
    });

    it('reports nested fields with their paths', () => {
      expect(violations({ profile: {}, email: { email: 'nope' } })).toEqual([
        { field: 'profile.given_name', description: 'value length must be between 1 and 200 runes, inclusive' },
        { field: 'profile.family_name', description: 'value length must be between 1 and 200 runes, inclusive' },
        { field: 'email.email', description: 'value must be a valid email address' },
      ]);
    });

    it.each([
      ['ada@example.com', true],
      ['ADA.Lovelace+tag@Sub.Example.COM', true],
      ['"ada lovelace"@example.com', true],
      ['Ada Lovelace <ada@example.com>', true], // Go's mail.ParseAddress takes a display name
      ['ada@localhost', true],
      ['ada@example.com.', false], // net/mail refuses a trailing dot in the domain atom
      ['nope', false],
      ['ada@', false],
      ['@example.com', false],
      ['ada@exa_mple.com', false], // PGV's hostname check: letters, digits, hyphens
      ['ada@-example.com', false],
      ['ada@[127.0.0.1]', false],
      ['ada..l@example.com', false],
      ['ada@example.com trailing', false],
      [`${'a'.repeat(65)}@example.com`, false], // local part over 64 bytes
    ])('email %s valid=%s', (email, valid) => {
      const found = violations({ ...validHuman, email: { email } });
      expect(found).toEqual(
        valid ? [] : [{ field: 'email.email', description: 'value must be a valid email address' }],
      );
    });

    it('applies rules of the oneof member that is set (bool const)', () => {
      const unverified = { phone: '+41', verification: { case: 'isVerified', value: false } } as const;
      expect(violations({ ...validHuman, phone: unverified })).toEqual([
        { field: 'phone.is_verified', description: 'value must equal true' },
      ]);
      expect(violations({ ...validHuman, phone: { verification: { case: 'isVerified', value: true } } })).toEqual([]);
    });

    it('checks repeated messages and their bytes fields by index', () => {
      expect(violations({ ...validHuman, metadata: [{ key: 'k', value: new Uint8Array([1]) }, { key: '' }] })).toEqual([
        { field: 'metadata[1].key', description: 'value length must be between 1 and 200 runes, inclusive' },
        { field: 'metadata[1].value', description: 'value length must be between 1 and 500000 bytes, inclusive' },
      ]);
    });
  });

  it('reports paths through repeated oneof members (zitadel.org.v2.AddOrganizationRequest)', () => {
    const request = create(AddOrganizationRequestSchema, {
      name: 'Acme',
      admins: [
        { userType: { case: 'userId', value: '1' } },
        { userType: { case: 'human', value: { email: { email: 'x@y@z' } } } },
      ],
    });
    expect(validateMessage(AddOrganizationRequestSchema, request)).toEqual([
      { field: 'admins[1].human.profile', description: 'value is required' },
      { field: 'admins[1].human.email.email', description: 'value must be a valid email address' },
    ]);
  });

  it('requires one case of a (validate.required) oneof (zitadel.user.v2.SearchQuery)', () => {
    expect(validateMessage(SearchQuerySchema, create(SearchQuerySchema))).toEqual([
      { field: 'query', description: 'value is required' },
    ]);
    const set = create(SearchQuerySchema, { query: { case: 'userNameQuery', value: { userName: '' } } });
    expect(validateMessage(SearchQuerySchema, set)).toEqual([
      { field: 'user_name_query.user_name', description: 'value length must be between 1 and 200 runes, inclusive' },
    ]);
  });

  it('follows recursive message types (SearchQuery -> OrQuery -> SearchQuery)', () => {
    const nested = create(SearchQuerySchema, {
      query: { case: 'orQuery', value: { queries: [{ query: { case: 'notQuery', value: { query: {} } } }] } },
    });
    expect(validateMessage(SearchQuerySchema, nested)).toEqual([
      { field: 'or_query.queries[0].not_query.query.query', description: 'value is required' },
    ]);
  });

  it('checks enum defined_only and not_in (zitadel.webkey.v2beta.ECDSA)', () => {
    expect(validateMessage(ECDSASchema, create(ECDSASchema, { curve: 99 as ECDSACurve }))).toEqual([
      { field: 'curve', description: 'value must be one of the defined enum values' },
    ]);
    expect(validateMessage(ECDSASchema, create(ECDSASchema, { curve: 0 }))).toEqual([
      { field: 'curve', description: 'value must not be in list [0]' },
    ]);
    expect(validateMessage(ECDSASchema, create(ECDSASchema, { curve: 1 }))).toEqual([]);
  });

  it('checks repeated max_items and item rules (zitadel.instance.v2beta.DomainsQuery)', () => {
    const domains = Array.from({ length: 21 }, (_, i) => `d${i}.example.com`);
    domains[3] = '';
    expect(validateMessage(DomainsQuerySchema, create(DomainsQuerySchema, { domains }))).toEqual([
      { field: 'domains', description: 'value must contain no more than 20 item(s)' },
      { field: 'domains[3]', description: 'value length must be between 1 and 100 runes, inclusive' },
    ]);
  });

  it('checks repeated unique (zitadel.authorization.v2beta.CreateAuthorizationRequest)', () => {
    const request = create(CreateAuthorizationRequestSchema, {
      userId: 'u',
      projectId: 'p',
      roleKeys: ['a', 'b', 'a'],
    });
    expect(validateMessage(CreateAuthorizationRequestSchema, request)).toEqual([
      { field: 'role_keys[2]', description: 'repeated value must contain unique items' },
    ]);
  });

  it('checks numeric bounds (zitadel.quota.v1.Notification percent gt 0)', () => {
    expect(validateMessage(NotificationSchema, create(NotificationSchema, { percent: 0, callUrl: 'u' }))).toEqual([
      { field: 'percent', description: 'value must be greater than 0' },
    ]);
    expect(validateMessage(NotificationSchema, create(NotificationSchema, { percent: 1, callUrl: 'u' }))).toEqual([]);
  });

  it('checks string len (zitadel.oidc.v2.GetDeviceAuthorizationRequestRequest)', () => {
    const check = (userCode: string) =>
      validateMessage(
        GetDeviceAuthorizationRequestRequestSchema,
        create(GetDeviceAuthorizationRequestRequestSchema, { userCode }),
      );
    expect(check('ABCD-EFGH')).toEqual([]);
    expect(check('ABCDEFGH')).toEqual([{ field: 'user_code', description: 'value length must be 9 runes' }]);
  });

  it.each([
    ['cn=admin,dc=example,dc=com', true],
    ['user@example.com', true],
    ['https://example.com/a?b#c', true],
    ['100%', false], // bad percent escape
    [':relative', false], // Go: missing protocol scheme
    ['a b:c', false], // Go: first path segment in URL cannot contain colon
    ['http://exa mple.com', false], // invalid host character
  ])('checks uri_ref like Go url.Parse: %s valid=%s', (username, valid) => {
    const found = validateMessage(LDAPCredentialsSchema, create(LDAPCredentialsSchema, { username, password: 'p' }));
    expect(found).toEqual(valid ? [] : [{ field: 'username', description: 'value must be a valid URI' }]);
  });

  describe('durations (zitadel.action.v2beta.CreateTargetRequest, zitadel.session.v2.CreateSessionRequest)', () => {
    const target = (timeout?: { seconds: bigint; nanos?: number }) =>
      validateMessage(
        CreateTargetRequestSchema,
        create(CreateTargetRequestSchema, {
          name: 'n',
          endpoint: 'e',
          targetType: { case: 'restAsync', value: {} },
          timeout,
        }),
      );

    it('checks a closed range and accepts its bounds', () => {
      expect(target({ seconds: 270n })).toEqual([]);
      expect(target({ seconds: 0n })).toEqual([]);
      expect(target({ seconds: 270n, nanos: 1 })).toEqual([
        { field: 'timeout', description: 'value must be inside range [0s, 4m30s]' },
      ]);
    });

    it('refuses an invalid duration and skips an unset one', () => {
      expect(target({ seconds: 1n, nanos: -5 })).toEqual([
        { field: 'timeout', description: 'value is not a valid duration' },
      ]);
      expect(target()).toEqual([]);
    });

    it('checks gt 0s', () => {
      const session = (seconds: bigint) =>
        validateMessage(CreateSessionRequestSchema, create(CreateSessionRequestSchema, { lifetime: { seconds } }));
      expect(session(0n)).toEqual([{ field: 'lifetime', description: 'value must be greater than 0s' }]);
      expect(session(60n)).toEqual([]);
    });

    it('requires a oneof case (target_type)', () => {
      const request = create(CreateTargetRequestSchema, { name: 'n', endpoint: 'e' });
      expect(validateMessage(CreateTargetRequestSchema, request)).toEqual([
        { field: 'target_type', description: 'value is required' },
      ]);
    });
  });

  it('requires a timestamp (zitadel.user.v2.AddPersonalAccessTokenRequest)', () => {
    const request = create(AddPersonalAccessTokenRequestSchema, { userId: 'u' });
    expect(validateMessage(AddPersonalAccessTokenRequestSchema, request)).toEqual([
      { field: 'expiration_date', description: 'value is required' },
    ]);
  });

  it('validates an empty input of every contract method without throwing', () => {
    let methods = 0;
    for (const service of CONTRACT_SERVICES) {
      for (const method of service.methods) {
        methods++;
        const violations = validateMessage(method.input, create(method.input));
        for (const v of violations) expect(v).toEqual({ field: expect.any(String), description: expect.any(String) });
      }
    }
    expect(methods).toBeGreaterThan(100);
  });
});

// Rule kinds the contract does not use today, on messages built from descriptors at runtime.
describe('validateMessage on synthetic messages', () => {
  type FieldRulesInit = MessageInitShape<typeof FieldRulesSchema>;
  interface FieldSpec {
    type: FieldDescriptorProto_Type;
    rules: FieldRulesInit;
    repeated?: boolean;
    typeName?: string;
    /** Makes the field a map<key, value>. */
    map?: { key: FieldDescriptorProto_Type; value: FieldDescriptorProto_Type };
  }
  let files = 0;
  const OPTIONAL = FieldDescriptorProto_Label.OPTIONAL;

  /** A proto3 message `test.M<n>` whose fields `f` … carry the given validate.rules. */
  function messageWith(fields: Record<string, FieldSpec>): DescMessage {
    const n = ++files;
    const file = create(FileDescriptorProtoSchema, {
      name: `synthetic${n}.proto`,
      package: 'test',
      syntax: 'proto3',
      dependency: ['google/protobuf/duration.proto'],
      messageType: [
        {
          name: `M${n}`,
          nestedType: Object.entries(fields)
            .filter(([, spec]) => spec.map)
            .map(([name, spec]) => ({
              name: `${name}Entry`,
              options: { mapEntry: true },
              field: [
                { name: 'key', jsonName: 'key', number: 1, type: spec.map!.key, label: OPTIONAL },
                { name: 'value', jsonName: 'value', number: 2, type: spec.map!.value, label: OPTIONAL },
              ],
            })),
          field: Object.entries(fields).map(([name, spec], i) => {
            const options = create(FieldOptionsSchema);
            setExtension(options, fieldRules, create(FieldRulesSchema, spec.rules));
            return {
              name,
              jsonName: name,
              number: i + 1,
              type: spec.map ? FieldDescriptorProto_Type.MESSAGE : spec.type,
              typeName: spec.map ? `.test.M${n}.${name}Entry` : spec.typeName,
              label:
                spec.repeated || spec.map ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
              options,
            };
          }),
        },
      ],
    });
    const registry = createFileRegistry(file, (dep) =>
      dep === 'google/protobuf/duration.proto' ? file_google_protobuf_duration : undefined,
    );
    return registry.getMessage(`test.M${n}`)!;
  }

  const STRING = FieldDescriptorProto_Type.STRING;
  /** A string field with the given StringRules. */
  const str = (value: Extract<FieldRulesInit['type'], { case: 'string' }>['value']): FieldSpec => ({
    type: STRING,
    rules: { type: { case: 'string', value } },
  });
  const descriptions = (desc: DescMessage, init: Record<string, unknown>) =>
    validateMessage(desc, create(desc, init as never)).map((v) => `${v.field}: ${v.description}`);

  it('string const, in, not_in, prefix, suffix, contains, not_contains, len_bytes', () => {
    const desc = messageWith({
      c: str({ const: 'x' }),
      i: str({ in: ['a', 'b'] }),
      n: str({ notIn: ['bad'] }),
      p: str({ prefix: 'pre', suffix: 'suf', contains: 'mid' }),
      nc: str({ notContains: 'no' }),
      lb: str({ maxBytes: 3n }),
    });
    expect(descriptions(desc, { c: 'x', i: 'a', n: 'ok', p: 'pre-mid-suf', nc: 'yes', lb: 'abc' })).toEqual([]);
    expect(descriptions(desc, { c: 'y', i: 'c', n: 'bad', p: 'xx', nc: 'not', lb: 'üü' })).toEqual([
      'c: value must equal x',
      'i: value must be in list [a b]',
      'n: value must not be in list [bad]',
      'p: value does not have prefix "pre"',
      'p: value does not have suffix "suf"',
      'p: value does not contain substring "mid"',
      'nc: value contains substring "no"',
      'lb: value length must be at most 3 bytes',
    ]);
  });

  it('string ignore_empty skips all rules for ""', () => {
    const desc = messageWith({ e: str({ minLen: 3n, wellKnown: { case: 'email', value: true }, ignoreEmpty: true }) });
    expect(descriptions(desc, {})).toEqual([]);
    expect(descriptions(desc, { e: 'a' })).toEqual([
      'e: value length must be at least 3 runes',
      'e: value must be a valid email address',
    ]);
  });

  // The formats themselves are go-formats.spec.ts's; here, that each rule reaches its check with PGV's wording.
  it.each<[string, Record<string, boolean>, string, string, string | undefined]>([
    ['hostname', { hostname: true }, 'example.com', 'ex_ample.com', 'value must be a valid hostname'],
    ['ip', { ip: true }, '2001:db8::1', '010.0.0.1', 'value must be a valid IP address'],
    ['ipv4', { ipv4: true }, '::ffff:192.168.0.1', '::1', 'value must be a valid IPv4 address'],
    ['ipv6', { ipv6: true }, '::1', '1.2.3.4', 'value must be a valid IPv6 address'],
    ['email', { email: true }, 'a@example.com', 'a@', 'value must be a valid email address'],
    ['address', { address: true }, '10.0.0.1', 'not an address', 'value must be a valid hostname, or ip address'],
    ['uri', { uri: true }, 'https://example.com/x', ':x', 'value must be a valid URI'],
    ['uri_ref', { uriRef: true }, '/relative', ':x', 'value must be a valid URI'],
    [
      'uuid',
      { uuid: true },
      '123e4567-e89b-12d3-a456-426614174000',
      '123e4567e89b12d3a456426614174000',
      'value must be a valid UUID',
    ],
    ['email: false', { email: false }, 'anything', 'a@', undefined],
  ])('string %s: %j passes, %j fails', (_, wellKnown, good, bad, description) => {
    const [[kind, flag]] = Object.entries(wellKnown);
    const desc = messageWith({ v: str({ wellKnown: { case: kind, value: flag } as never }) });
    expect(descriptions(desc, { v: good })).toEqual([]);
    expect(descriptions(desc, { v: bad })).toEqual(description ? [`v: ${description}`] : []);
  });

  it('uri says "value must be absolute" for a relative reference', () => {
    const desc = messageWith({ v: str({ wellKnown: { case: 'uri', value: true } }) });
    expect(descriptions(desc, { v: 'a/b' })).toEqual(['v: value must be absolute']);
  });

  // The RE2 translation itself is re2.spec.ts's; here, the rule and its Go-quoted wording.
  it('string pattern is matched as RE2 and named Go-quoted in the description', () => {
    const pattern = '^a.c\\z';
    const desc = messageWith({ v: str({ pattern }) });
    expect(descriptions(desc, { v: 'a\rc' })).toEqual([]);
    expect(descriptions(desc, { v: 'a\nc' })).toEqual([`v: value does not match regex pattern "^a.c\\\\z"`]);
  });

  it('numeric ranges follow PGV, including exclusive ranges when gt > lt', () => {
    const desc = messageWith({
      inside: { type: FieldDescriptorProto_Type.INT32, rules: { type: { case: 'int32', value: { gte: 1, lt: 10 } } } },
      outside: {
        type: FieldDescriptorProto_Type.SINT32,
        rules: { type: { case: 'sint32', value: { gt: 10, lt: 5 } } },
      },
      big: { type: FieldDescriptorProto_Type.INT64, rules: { type: { case: 'int64', value: { in: [1n, 2n] } } } },
      u: {
        type: FieldDescriptorProto_Type.UINT64,
        rules: { type: { case: 'uint64', value: { lte: 5n, ignoreEmpty: true } } },
      },
      d: { type: FieldDescriptorProto_Type.DOUBLE, rules: { type: { case: 'double', value: { gt: 0.5, lte: 1e6 } } } },
      f: { type: FieldDescriptorProto_Type.FLOAT, rules: { type: { case: 'float', value: { const: 0.1 } } } },
    });
    expect(descriptions(desc, { inside: 1, outside: 3, big: 2n, u: 0n, d: 1e6, f: 0.1 })).toEqual([]);
    expect(descriptions(desc, { inside: 10, outside: 7, big: 3n, u: 6n, d: 0.5, f: 0.2 })).toEqual([
      'inside: value must be inside range [1, 10)',
      'outside: value must be outside range [5, 10]',
      'big: value must be in list [1 2]',
      'u: value must be less than or equal to 5',
      'd: value must be inside range (0.5, 1e+06]',
      'f: value must equal 0.1',
    ]);
  });

  it('bytes length, prefix, const, in and ip', () => {
    const BYTES = FieldDescriptorProto_Type.BYTES;
    const desc = messageWith({
      len: { type: BYTES, rules: { type: { case: 'bytes', value: { len: 2n } } } },
      pre: { type: BYTES, rules: { type: { case: 'bytes', value: { prefix: new Uint8Array([1, 255]) } } } },
      c: { type: BYTES, rules: { type: { case: 'bytes', value: { const: new Uint8Array([7]) } } } },
      ip: { type: BYTES, rules: { type: { case: 'bytes', value: { wellKnown: { case: 'ipv4', value: true } } } } },
    });
    const ok = {
      len: new Uint8Array(2),
      pre: new Uint8Array([1, 255, 3]),
      c: new Uint8Array([7]),
      ip: new Uint8Array(4),
    };
    expect(descriptions(desc, ok)).toEqual([]);
    const bad = { len: new Uint8Array(1), pre: new Uint8Array([1]), c: new Uint8Array([8]), ip: new Uint8Array(16) };
    expect(descriptions(desc, bad)).toEqual([
      'len: value length must be 2 bytes',
      'pre: value does not have prefix "\\x1\\xFF"',
      'c: value must equal [7]',
      'ip: value must be a valid IPv4 address',
    ]);
  });

  it('repeated min_items/max_items and items', () => {
    const desc = messageWith({
      r: {
        type: STRING,
        repeated: true,
        rules: {
          type: { case: 'repeated', value: { minItems: 1n, maxItems: 2n, items: str({ maxLen: 1n }).rules } },
        },
      },
    });
    expect(descriptions(desc, {})).toEqual(['r: value must contain between 1 and 2 items, inclusive']);
    expect(descriptions(desc, { r: ['a', 'bb'] })).toEqual(['r[1]: value length must be at most 1 runes']);
  });

  it('map min_pairs, keys and values', () => {
    const desc = messageWith({
      m: {
        type: FieldDescriptorProto_Type.MESSAGE,
        map: { key: FieldDescriptorProto_Type.INT64, value: STRING },
        rules: {
          type: {
            case: 'map',
            value: {
              minPairs: 2n,
              keys: { type: { case: 'int64', value: { gt: 0n } } },
              values: { type: { case: 'string', value: { minLen: 1n } } },
            },
          },
        },
      },
    });
    expect(descriptions(desc, { m: { '1': 'a', '2': 'b' } })).toEqual([]);
    expect(descriptions(desc, { m: { '-1': '' } })).toEqual([
      'm: value must contain at least 2 pair(s)',
      'm[-1]: value must be greater than 0',
      'm[-1]: value length must be at least 1 runes',
    ]);
  });

  it('well_known_regex HTTP header name, strict by default', () => {
    const header = (strict?: boolean) =>
      messageWith({
        h: str({ wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_NAME }, strict }),
      });
    expect(descriptions(header(), { h: 'X-Request-Id' })).toEqual([]);
    expect(descriptions(header(), { h: 'X Request' })).toEqual(['h: value must be a valid HTTP header name']);
    expect(descriptions(header(false), { h: 'X Request' })).toEqual([]);
    expect(descriptions(header(false), { h: 'X\nRequest' })).toEqual(['h: value must be a valid HTTP header name']);
  });

  it('duration const, in and not-a-duration', () => {
    const desc = messageWith({
      c: {
        type: FieldDescriptorProto_Type.MESSAGE,
        typeName: '.google.protobuf.Duration',
        rules: { type: { case: 'duration', value: { const: { seconds: 0n } } } },
      },
      i: {
        type: FieldDescriptorProto_Type.MESSAGE,
        typeName: '.google.protobuf.Duration',
        rules: { type: { case: 'duration', value: { in: [{ seconds: 1n }, { nanos: 1_500_000 }] } } },
      },
    });
    expect(descriptions(desc, { c: { seconds: 5n }, i: { seconds: 2n } })).toEqual([
      'c: value must equal 0s',
      'i: value must be in list [1s 1.5ms]',
    ]);
    expect(descriptions(desc, { c: { seconds: 0n }, i: { nanos: 1_500_000 } })).toEqual([]);
  });

  it('refuses rules that do not fit the field type instead of ignoring them', () => {
    const desc = messageWith({ v: { type: STRING, rules: { type: { case: 'int32', value: { gt: 1 } } } } });
    expect(() => validateMessage(desc, create(desc))).toThrow(/int32 rules do not fit/);
  });
});
