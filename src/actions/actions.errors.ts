import {
  AlreadyExists,
  FailedPrecondition,
  NotFound,
  PermissionDenied,
  Unimplemented,
  errorIds,
  invalidField,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, ACTION_ERRORS.targetNotFound)`. */
export const ACTION_ERRORS = errorIds({
  targetNotFound: 'ACT-t4rnf',
  targetNameTaken: 'ACT-t4rnm',
  targetTypeMissing: 'ACT-t4rty',
  timeoutMissing: 'ACT-t1m30',
  endpointInvalid: 'ACT-3ndpt',
  conditionMissing: 'ACT-c0nd0',
  conditionUnknown: 'ACT-c0ndu',
  executionTargetUnknown: 'ACT-3xtnf',
  executionTargetRepeated: 'ACT-3xtrp',
  filterInvalid: 'ACT-f1ltr',
  actionsDenied: 'ACT-d3n1d',
  targetFailed: 'ACT-c4llf',
  targetAnswerInvalid: 'ACT-4nsw3',
  executionTypeNotServed: 'ACT-n0tsv',
});
const E = ACTION_ERRORS;

export const targetNotFound = () => NotFound(E.targetNotFound, 'target not found');
export const targetNameTaken = (name: string) =>
  AlreadyExists(E.targetNameTaken, `a target named ${JSON.stringify(name)} already exists`);
export const targetTypeMissing = () =>
  invalidField(E.targetTypeMissing, 'target_type', 'one of rest_webhook, rest_call or rest_async is required');
export const timeoutMissing = () => invalidField(E.timeoutMissing, 'timeout', 'must be longer than 0s');
export const endpointInvalid = (why: string) => invalidField(E.endpointInvalid, 'endpoint', why);
export const conditionMissing = (field: string) =>
  invalidField(E.conditionMissing, field, 'one condition (method, service or all) is required');
/** ZITADEL answers an execution condition naming no known method, service, function or event NOT_FOUND. */
export const conditionUnknown = (field: string, value: string) =>
  NotFound(E.conditionUnknown, `invalid ${field}: ${JSON.stringify(value)} is not a condition executions can use`, [
    { field, description: 'unknown' },
  ]);
export const executionTargetUnknown = (id: string) =>
  NotFound(E.executionTargetUnknown, `target ${JSON.stringify(id)} not found`, [
    { field: 'targets', description: `${id} not found` },
  ]);
export const executionTargetRepeated = (id: string) =>
  invalidField(E.executionTargetRepeated, 'targets', `${id} is named more than once`);
export const filterInvalid = (field: string) => invalidField(E.filterInvalid, field, 'a filter is required');
/** Targets and executions belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const actionsDenied = (permission: string) =>
  PermissionDenied(E.actionsDenied, `no permission: ${permission} required on the instance`);
/** A target of an execution with interrupt_on_error failed: the call stops, nothing was written. */
export const targetFailed = (targetId: string, why: string) =>
  FailedPrecondition(E.targetFailed, `the action target ${targetId} failed: ${why}`);
export const targetAnswerInvalid = (targetId: string, why: string) =>
  FailedPrecondition(E.targetAnswerInvalid, `the action target ${targetId} answered what cannot be used: ${why}`);
/** Refused rather than stored: an execution this server would never run would be a false success. */
export const executionTypeNotServed = (what: string) =>
  Unimplemented(E.executionTypeNotServed, `${what} executions are not run by this server`);
