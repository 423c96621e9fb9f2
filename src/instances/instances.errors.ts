import {
  AlreadyExists,
  FailedPrecondition,
  NotFound,
  errorIds,
  invalidField,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, INSTANCE_ERRORS.domainTaken)`. */
export const INSTANCE_ERRORS = errorIds({
  instanceNotFound: 'INST-n0tfd',
  trustedDomainInvalid: 'INST-trd0v',
  trustedDomainExists: 'INST-trd0x',
  trustedDomainNotFound: 'INST-trd0n',
  domainTaken: 'INST-d0m4x',
  domainInvalid: 'INST-d0m4v',
  domainNotFound: 'INST-d0m4n',
  generatedDomainKept: 'INST-d0m4g',
  lastDomainKept: 'INST-d0m4l',
  nameInvalid: 'INST-n4m3v',
  ownerMissing: 'INST-0wn3r',
  featureUnknown: 'INST-f34tu',
  featureValueMissing: 'INST-f34tv',
});
const E = INSTANCE_ERRORS;

/** An instance is only its own administrators' (or a system API user's) to read. */
export const instanceNotFound = () => NotFound(E.instanceNotFound, 'instance not found');
export const trustedDomainInvalid = () =>
  invalidField(
    E.trustedDomainInvalid,
    'domain',
    'must be a host name without scheme, port or path, e.g. login.example.com',
  );
export const trustedDomainExists = (domain: string) =>
  AlreadyExists(E.trustedDomainExists, `"${domain}" is already a trusted domain of this instance`);
export const trustedDomainNotFound = (domain: string) =>
  NotFound(E.trustedDomainNotFound, `"${domain}" is no trusted domain of this instance`);

/** Instance domains are unique over all instances: a host chooses one instance. */
export const domainTaken = (domain: string) =>
  AlreadyExists(E.domainTaken, `"${domain}" is already a domain of an instance`);
export const domainInvalid = (field: string) =>
  invalidField(E.domainInvalid, field, 'must be a host name without scheme, port or path, e.g. auth.example.com');
export const domainNotFound = (domain: string) =>
  NotFound(E.domainNotFound, `"${domain}" is no domain of this instance`);
/** As ZITADEL (INSTANCE-9mWjf): the generated domain stays, so the instance is always reachable. */
export const generatedDomainKept = () =>
  FailedPrecondition(E.generatedDomainKept, 'the generated domain of an instance cannot be removed');
export const lastDomainKept = () =>
  FailedPrecondition(E.lastDomainKept, 'the last domain of an instance cannot be removed: no host would reach it');
export const nameInvalid = (field: string) =>
  invalidField(E.nameInvalid, field, 'must not be blank (at most 200 characters)');
export const ownerMissing = () => invalidField(E.ownerMissing, 'owner', 'a human or a machine owner is required');
/** ZITADEL's SetInstanceFeature knows one flag (SYST-SGV45) and one kind of value (SYST-dag5g). */
export const featureUnknown = () =>
  invalidField(E.featureUnknown, 'feature_id', 'must be INSTANCE_FEATURE_LOGIN_DEFAULT_ORG');
export const featureValueMissing = () => invalidField(E.featureValueMissing, 'value', 'a boolean value is required');
