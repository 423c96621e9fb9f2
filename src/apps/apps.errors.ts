import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
  type FieldViolation,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, APP_ERRORS.projectNotFound)`. */
export const APP_ERRORS = errorIds({
  projectNotFound: 'APP-pr0nf',
  appNotFound: 'APP-4ppnf',
  keyNotFound: 'APP-k3ynf',
  appIdTaken: 'APP-1d3x1',
  entityIdTaken: 'APP-s4m1d',
  appAlreadyActive: 'APP-4ct1x',
  appAlreadyInactive: 'APP-1n4ct',
  nameUnchanged: 'APP-n0chg',
  configUnchanged: 'APP-c0chg',
  nothingToUpdate: 'APP-upd0n',
  noClientSecret: 'APP-s3cnx',
  keysNeedPrivateKeyJwt: 'APP-k3yjw',
  wrongKind: 'APP-k1nd0',
  invalidConfig: 'APP-0idcv',
  metadataUrlInvalid: 'APP-s4mu1',
  metadataUrlFragment: 'APP-s4mu2',
  metadataHostNotAllowed: 'APP-s4mu3',
  metadataFetchFailed: 'APP-s4mfe',
});
const E = APP_ERRORS;

export const projectNotFound = () => NotFound(E.projectNotFound, 'project not found');
export const appNotFound = () => NotFound(E.appNotFound, 'application not found');
export const keyNotFound = () => NotFound(E.keyNotFound, 'application key not found');
export const appIdTaken = () => AlreadyExists(E.appIdTaken, 'an application with this id exists already');
export const entityIdTaken = (entityId: string) =>
  AlreadyExists(E.entityIdTaken, `a SAML application with the entity id "${entityId}" exists already`);
export const appAlreadyActive = () => FailedPrecondition(E.appAlreadyActive, 'the application is already active');
export const appAlreadyInactive = () =>
  FailedPrecondition(E.appAlreadyInactive, 'the application is already deactivated');
export const nameUnchanged = () => FailedPrecondition(E.nameUnchanged, 'the application name is unchanged');
export const configUnchanged = () =>
  FailedPrecondition(E.configUnchanged, 'the application configuration is unchanged');
export const nothingToUpdate = () =>
  invalidField(E.nothingToUpdate, 'name', 'give a new name or a configuration to change');
export const noClientSecret = () =>
  FailedPrecondition(
    E.noClientSecret,
    'the application authenticates without a client secret (its auth method is not basic or post)',
  );
export const keysNeedPrivateKeyJwt = () =>
  FailedPrecondition(
    E.keysNeedPrivateKeyJwt,
    'keys are only for API apps and OIDC apps whose auth method is private_key_jwt',
  );
export const wrongKind = (field: string, expected: string) =>
  invalidField(E.wrongKind, field, `the application is not ${expected}`);
export const invalidConfig = (violations: FieldViolation[]) =>
  InvalidArgument(
    E.invalidConfig,
    `invalid application configuration: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`,
    violations,
  );
export const metadataUrlInvalid = (field: string) =>
  invalidField(E.metadataUrlInvalid, field, 'must be an absolute http(s) URL');
export const metadataUrlFragment = (field: string) =>
  invalidField(E.metadataUrlFragment, field, 'must not contain a fragment');
export const metadataHostNotAllowed = (field: string, reason: string) =>
  invalidField(
    E.metadataHostNotAllowed,
    field,
    `${reason}; list the host's network in PORTCULLIS_OUTBOUND_ALLOW_PRIVATE (or set it to true) to allow internal metadata hosts`,
  );
export const metadataFetchFailed = (field: string, reason: string) =>
  invalidField(E.metadataFetchFailed, field, `the metadata could not be fetched: ${reason}`);
