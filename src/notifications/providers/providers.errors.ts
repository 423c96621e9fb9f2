import { FailedPrecondition, invalidField, NotFound, PermissionDenied } from '../../platform/errors/domain-error.js';
import type { ProviderChannel } from './provider-rules.js';

export const REQUIRED_ID = 'NPROV-r3q1d';
export const INVALID_EMAIL_ID = 'NPROV-3m41l';

const NOUN: Readonly<Record<ProviderChannel, string>> = { email: 'email provider', sms: 'SMS provider' };

export const invalidHost = (field: string) =>
  invalidField('NPROV-h0st9', field, 'must be host:port, e.g. smtp.example.com:587');
export const invalidEndpoint = () =>
  invalidField('NPROV-3ndp7', 'endpoint', 'must be an absolute http or https URL without credentials');
export const providerNotFound = (channel: ProviderChannel) => NotFound('NPROV-n0tfd', `${NOUN[channel]} not found`);
export const noActiveProvider = (channel: ProviderChannel) =>
  NotFound('NPROV-n04ct', `the instance has no active ${NOUN[channel]}`);
export const alreadyActive = (channel: ProviderChannel) =>
  FailedPrecondition('NPROV-4lr4c', `the ${NOUN[channel]} is already active`);
export const alreadyInactive = (channel: ProviderChannel) =>
  FailedPrecondition('NPROV-4lr1n', `the ${NOUN[channel]} is already inactive`);
export const notChanged = () => FailedPrecondition('NPROV-n0chg', 'no changes found');
export const wrongKind = (channel: ProviderChannel, kind: string) =>
  FailedPrecondition('NPROV-k1nd0', `the ${NOUN[channel]} is not a ${kind} provider`);
export const testFailed = (reason: string) =>
  FailedPrecondition('NPROV-t3stf', `the test email was not sent: ${reason}`);
/** Providers belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const providersDenied = (permission: string) =>
  PermissionDenied('NPROV-d3n1d', `no permission: ${permission} required on the instance`);
