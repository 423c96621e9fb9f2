import { Internal, InvalidArgument, NotFound } from '../../platform/errors/domain-error.js';
import { sessionNotFound, userLocked } from '../../sessions/sessions.errors.js';
import { codeSpent } from '../../users/users.errors.js';
import { LoginProblem } from '../login.service.js';
import { linkProblem, problemKey } from './page-errors.js';

describe("the login pages' words for failed steps", () => {
  it('a LoginProblem says its own words; known ids theirs', () => {
    expect(problemKey(new LoginProblem('error.deviceCode'))).toBe('error.deviceCode');
    expect(problemKey(sessionNotFound())).toBe('error.session');
    expect(problemKey(userLocked())).toBe('error.locked');
    expect(problemKey(codeSpent('code'))).toBe('error.codeSpent');
  });

  it('unknown ids, ids that are Object property names, and plain errors have no words (the page says unknown)', () => {
    expect(problemKey(NotFound('TEST-n0t4d', 'not found'))).toBeUndefined();
    expect(problemKey(NotFound('constructor', 'not found'))).toBeUndefined();
    expect(problemKey(new Error('boom'))).toBeUndefined();
  });

  it("a link's refused code or user reads as the link's problem; a server fault does not", () => {
    expect(linkProblem(InvalidArgument('TEST-c0d3x', 'bad code'), 'error.resetLink')).toBe('error.resetLink');
    expect(linkProblem(codeSpent('code'), 'error.resetLink')).toBe('error.codeSpent');
    expect(linkProblem(Internal('TEST-1nt3r', 'database down'), 'error.resetLink')).toBeUndefined();
    expect(linkProblem(new Error('boom'), 'error.resetLink')).toBeUndefined();
  });
});
