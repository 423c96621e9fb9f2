import { AlreadyExists, FailedPrecondition, InvalidArgument, NotFound } from '../platform/errors/domain-error.js';

export const userNotFound = () => NotFound('USER-n0t4d', 'user not found');
export const usernameTaken = (username: string) =>
  AlreadyExists('USER-uN4m3', `the username "${username}" is already taken`);
export const passwordTooWeak = (field: string, problems: string[]) =>
  InvalidArgument('USER-pw0k1', `the password ${problems.join(', ')}`, problems.map((description) => ({ field, description })));
export const userNotActive = () => FailedPrecondition('USER-st4t3', 'the user is not active');
