import { attributesWith, claimsToAdd, logClaimName } from './function-rules.js';

describe("a function target's claims (ZITADEL userinfoFlows)", () => {
  it('appends new claims and writes the log claim urn:zitadel:iam:action:function/<name>:log', () => {
    expect(
      claimsToAdd(
        { sub: 'u1' },
        { append_claims: [{ key: 'team', value: ['a'] }], append_log_claims: ['ok'] },
        'preuserinfo',
      ),
    ).toEqual({ team: ['a'], 'urn:zitadel:iam:action:function/preuserinfo:log': ['ok'] });
  });

  it('never sets a claim under urn:zitadel:iam nor a registered one, and says nothing of it', () => {
    const added = claimsToAdd(
      {},
      {
        append_claims: [
          { key: 'urn:zitadel:iam:org:project:roles', value: {} },
          { key: 'sub', value: 'x' },
          { key: 'exp', value: 1 },
        ],
      },
      'preaccesstoken',
    );
    expect(added).toEqual({});
  });

  it('keeps a claim that exists, logging "key already exists", also for a key the answer repeats', () => {
    const added = claimsToAdd(
      { email: 'a@example.com' },
      {
        append_claims: [
          { key: 'email', value: 'b@example.com' },
          { key: 'x', value: 1 },
          { key: 'x', value: 2 },
        ],
      },
      'preuserinfo',
      ['failed to set user metadata key "k"'],
    );
    expect(added).toEqual({
      x: 1,
      [logClaimName('preuserinfo')]: [
        'failed to set user metadata key "k"',
        'key "email" already exists',
        'key "x" already exists',
      ],
    });
  });

  it('ignores entries of the wrong shape', () => {
    expect(claimsToAdd({}, { append_claims: [null as never, { key: 3 } as never] }, 'preuserinfo')).toEqual({});
  });
});

describe("a presamlresponse target's attributes", () => {
  it("appends attributes, joins repeated names, and leaves the assertion's own attributes alone", () => {
    const out = attributesWith(
      { Email: ['a@example.com'] },
      {
        append_attribute: [
          { name: 'Department', value: ['R&D'] },
          { name: 'Department', value: ['Ops'] },
          { name: 'Email', value: ['forged@example.com'] },
        ],
      },
    );
    expect(out).toEqual({
      Email: ['a@example.com'],
      Department: ['R&D', 'Ops'],
      [logClaimName('presamlresponse')]: ['attribute "Email" already exists'],
    });
  });
});
