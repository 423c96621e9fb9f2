import { createHmac, createSecretKey } from 'node:crypto';
import {
  callConditionIds,
  conditionId,
  conditionOfId,
  endpointProblem,
  signatureHeader,
  type Condition,
} from './execution-rules.js';

describe('execution ids (ZITADEL repository/execution ID and IDAll)', () => {
  it.each<[Condition, string]>([
    [
      { type: 'request', method: '/zitadel.user.v2.UserService/GetUserByID' },
      'request/zitadel.user.v2.UserService/GetUserByID',
    ],
    [{ type: 'response', service: 'zitadel.user.v2.UserService' }, 'response/zitadel.user.v2.UserService'],
    [{ type: 'request', all: true }, 'request'],
    [{ type: 'function', name: 'preuserinfo' }, 'function/preuserinfo'],
    [{ type: 'event', event: 'user.human.added' }, 'event/user.human.added'],
    [{ type: 'event', group: 'user.human' }, 'event/user.human.*'],
    [{ type: 'event', all: true }, 'event'],
  ])('%j has the id %s and reads back from it', (condition, id) => {
    expect(conditionId(condition)).toBe(id);
    expect(conditionOfId(id)).toEqual(condition);
  });

  it('an event group given with its ".*" suffix has the same id as without', () => {
    expect(conditionId({ type: 'event', group: 'user.*' })).toBe(conditionId({ type: 'event', group: 'user' }));
  });

  it('a call looks for the method, then the service, then all (most specific first)', () => {
    expect(callConditionIds('response', '/zitadel.user.v2.UserService/GetUserByID')).toEqual([
      'response/zitadel.user.v2.UserService/GetUserByID',
      'response/zitadel.user.v2.UserService',
      'response',
    ]);
  });
});

describe('ZITADEL-Signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const t = Math.floor(at.getTime() / 1000);
    const mac = createHmac('sha256', 'key').update(`${t}.{"a":1}`).digest('hex');
    expect(signatureHeader('key', '{"a":1}', at.getTime())).toBe(`t=${t},v1=${mac}`);
  });

  it('is the same keyed with the key as a KeyObject', () => {
    const at = Date.parse('2026-01-02T03:04:05.678Z');
    expect(signatureHeader(createSecretKey(Buffer.from('key')), '{"a":1}', at)).toBe(
      signatureHeader('key', '{"a":1}', at),
    );
  });
});

describe('target endpoints', () => {
  it.each([
    ['https://hooks.example.com/x', undefined],
    ['http://127.0.0.1:8080/x', undefined],
    ['/relative', 'must be an absolute URL'],
    ['ftp://example.com/', 'must be an http or https URL'],
    ['https://user:pw@example.com/', 'must not carry credentials'],
  ])('%s: %s', (endpoint, problem) => {
    expect(endpointProblem(endpoint)).toBe(problem);
  });
});
