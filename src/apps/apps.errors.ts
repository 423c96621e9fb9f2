import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
  type FieldViolation,
} from '../platform/errors/domain-error.js';

export const projectNotFound = () => NotFound('APP-pr0nf', 'project not found');
export const appNotFound = () => NotFound('APP-4ppnf', 'application not found');
export const keyNotFound = () => NotFound('APP-k3ynf', 'application key not found');
export const appIdTaken = () => AlreadyExists('APP-1d3x1', 'an application with this id exists already');
export const entityIdTaken = (entityId: string) =>
  AlreadyExists('APP-s4m1d', `a SAML application with the entity id "${entityId}" exists already`);
export const appAlreadyActive = () => FailedPrecondition('APP-4ct1x', 'the application is already active');
export const appAlreadyInactive = () => FailedPrecondition('APP-1n4ct', 'the application is already deactivated');
export const nameUnchanged = () => FailedPrecondition('APP-n0chg', 'the application name is unchanged');
export const configUnchanged = () => FailedPrecondition('APP-c0chg', 'the application configuration is unchanged');
export const nothingToUpdate = () => invalidField('APP-upd0n', 'name', 'give a new name or a configuration to change');
export const noClientSecret = () =>
  FailedPrecondition(
    'APP-s3cnx',
    'the application authenticates without a client secret (its auth method is not basic or post)',
  );
export const keysNeedPrivateKeyJwt = () =>
  FailedPrecondition('APP-k3yjw', 'keys are only for API apps and OIDC apps whose auth method is private_key_jwt');
export const wrongKind = (field: string, expected: string) =>
  invalidField('APP-k1nd0', field, `the application is not ${expected}`);
export const invalidConfig = (violations: FieldViolation[]) =>
  InvalidArgument(
    'APP-0idcv',
    `invalid application configuration: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`,
    violations,
  );
export const metadataUrlInvalid = (field: string) =>
  invalidField('APP-s4mu1', field, 'must be an absolute http(s) URL');
export const metadataUrlFragment = (field: string) => invalidField('APP-s4mu2', field, 'must not contain a fragment');
export const metadataHostNotAllowed = (field: string, reason: string) =>
  invalidField(
    'APP-s4mu3',
    field,
    `${reason}; list the host's network in PORTCULLIS_OUTBOUND_ALLOW_PRIVATE (or set it to true) to allow internal metadata hosts`,
  );
export const metadataFetchFailed = (field: string, reason: string) =>
  invalidField('APP-s4mfe', field, `the metadata could not be fetched: ${reason}`);
