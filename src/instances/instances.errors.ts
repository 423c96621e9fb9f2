import { AlreadyExists, NotFound, invalidField } from '../platform/errors/domain-error.js';

/** An instance is only its own administrators' to read (iam.read on the instance itself). */
export const instanceNotFound = () => NotFound('INST-n0tfd', 'instance not found');
export const trustedDomainInvalid = () =>
  invalidField('INST-trd0v', 'domain', 'must be a host name without scheme, port or path, e.g. login.example.com');
export const trustedDomainExists = (domain: string) =>
  AlreadyExists('INST-trd0x', `"${domain}" is already a trusted domain of this instance`);
export const trustedDomainNotFound = (domain: string) =>
  NotFound('INST-trd0n', `"${domain}" is no trusted domain of this instance`);
