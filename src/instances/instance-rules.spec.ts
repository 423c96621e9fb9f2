import { DomainError } from '../platform/errors/domain-error.js';
import { bareHost, instanceName } from './instance-rules.js';
import { domainInvalid } from './instances.errors.js';

const invalid = () => domainInvalid('domain');

describe('instance domains are bare host names (what a Host header is matched with)', () => {
  it.each([
    ['Auth.Acme.COM', 'auth.acme.com'],
    [' auth.acme.com. ', 'auth.acme.com'],
    ['localhost', 'localhost'],
    ['[::1]', '[::1]'],
  ])('takes %j as %j', (raw, host) => {
    expect(bareHost(raw, invalid)).toBe(host);
  });

  it.each(['https://auth.acme.com', 'auth.acme.com:443', 'auth.acme.com/login', 'a b.com', 'user@acme.com', ''])(
    'refuses %j naming the field',
    (raw) => {
      expect(() => bareHost(raw, invalid)).toThrow(DomainError);
      expect(() => bareHost(raw, invalid)).toThrow(/domain/);
    },
  );
});

describe('instance names', () => {
  it('are trimmed, not blank and at most 200 characters (ZITADEL)', () => {
    expect(instanceName('  Acme ', 'instance_name')).toBe('Acme');
    expect(() => instanceName('  ', 'instance_name')).toThrow(DomainError);
    expect(() => instanceName('x'.repeat(201), 'instance_name')).toThrow(DomainError);
    expect(instanceName('x'.repeat(200), 'instance_name')).toHaveLength(200);
  });
});
