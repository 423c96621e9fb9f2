import { ACTION_ERRORS } from '../../actions/actions.errors.js';
import { APP_ERRORS } from '../../apps/apps.errors.js';
import { AUTHORIZATION_ERRORS } from '../../authorizations/authorizations.errors.js';
import { LDAP_ERRORS } from '../../idps/connectors/ldap.errors.js';
import { SAML_IDP_ERRORS } from '../../idps/connectors/saml.errors.js';
import { INTENT_ERRORS } from '../../idps/intents.errors.js';
import { INSTANCE_ERRORS } from '../../instances/instances.errors.js';
import { INTERNAL_PERMISSION_ERRORS } from '../../internal-permissions/internal-permissions.errors.js';
import { NOTIFICATION_ERRORS } from '../../notifications/notifications.errors.js';
import { OIDC_ERRORS } from '../../oidc/oidc.errors.js';
import { ORG_ERRORS } from '../../orgs/orgs.errors.js';
import { PROJECT_ERRORS } from '../../projects/projects.errors.js';
import { SAML_ERRORS } from '../../saml/saml.errors.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import * as sessionErrors from '../../sessions/sessions.errors.js';
import { SETTINGS_ERRORS } from '../../settings/settings.errors.js';
import { CREDENTIAL_ERRORS } from '../../users/credentials/credentials.errors.js';
import { MFA_ERRORS } from '../../users/mfa/mfa.errors.js';
import { USER_ERRORS } from '../../users/users.errors.js';
import { WEBKEY_ERRORS } from '../../webkeys/webkeys.errors.js';
import { AUTH_ERRORS } from '../auth/auth.errors.js';
import { SYSTEM_TOKEN_ERRORS } from '../auth/system-token.js';
import { TENANCY_ERRORS } from '../tenancy/tenancy.errors.js';
import { DomainError, errorIds, isError, NotFound, type ErrorId } from './domain-error.js';

const TABLES = {
  ACTION_ERRORS,
  APP_ERRORS,
  AUTHORIZATION_ERRORS,
  INTENT_ERRORS,
  LDAP_ERRORS,
  SAML_IDP_ERRORS,
  INSTANCE_ERRORS,
  INTERNAL_PERMISSION_ERRORS,
  NOTIFICATION_ERRORS,
  OIDC_ERRORS,
  ORG_ERRORS,
  PROJECT_ERRORS,
  SAML_ERRORS,
  SESSION_ERRORS,
  SETTINGS_ERRORS,
  CREDENTIAL_ERRORS,
  MFA_ERRORS,
  USER_ERRORS,
  WEBKEY_ERRORS,
  AUTH_ERRORS,
  SYSTEM_TOKEN_ERRORS,
  TENANCY_ERRORS,
};

describe('isError', () => {
  const locked = sessionErrors.userLocked();

  it("matches a domain error by one of the given ids, from the context's id table", () => {
    expect(isError(locked, SESSION_ERRORS.userLocked)).toBe(true);
    expect(isError(locked, SESSION_ERRORS.userNotActive, SESSION_ERRORS.userLocked)).toBe(true);
    expect(isError(locked, SESSION_ERRORS.userNotActive)).toBe(false);
    expect(isError(locked)).toBe(false);
  });

  it('matches only domain errors, not look-alikes carrying the id', () => {
    expect(isError({ id: SESSION_ERRORS.userLocked }, SESSION_ERRORS.userLocked)).toBe(false);
    expect(isError(Object.assign(new Error('x'), { id: SESSION_ERRORS.userLocked }), SESSION_ERRORS.userLocked)).toBe(
      false,
    );
    expect(isError(undefined, SESSION_ERRORS.userLocked)).toBe(false);
  });

  it('narrows to DomainError', () => {
    const caught: unknown = locked;
    if (!isError(caught, SESSION_ERRORS.userLocked)) throw new Error('expected a match');
    expect(caught.kind).toBe('FailedPrecondition');
  });

  // Checked by the type checker (npm run typecheck): the directive fails the build if the line compiles.
  it('takes no typed-in id string: an id is matched through its constant', () => {
    // @ts-expect-error a string literal is no ErrorId
    expect(isError(locked, 'SESSION-l0ck3')).toBe(true);
    const ids = errorIds({ gone: 'TEST-g0n31' });
    expect(isError(NotFound('TEST-g0n31', 'gone'), ids.gone)).toBe(true);
    const id: ErrorId = ids.gone;
    expect(Object.isFrozen(ids)).toBe(true);
    expect(id).toBe('TEST-g0n31');
  });
});

describe("the contexts' error id tables", () => {
  const entries = Object.entries(TABLES).flatMap(([table, ids]) =>
    Object.entries(ids).map(([key, id]) => ({ where: `${table}.${key}`, id: id as string })),
  );

  it('hold stable ids of the form PREFIX-xxxxx', () => {
    const malformed = entries.filter((e) => !/^[A-Z]+-[0-9a-zA-Z]{4,6}$/.test(e.id));
    expect(malformed).toEqual([]);
  });

  it('never give one id two meanings', () => {
    const byId = new Map<string, string[]>();
    for (const e of entries) byId.set(e.id, [...(byId.get(e.id) ?? []), e.where]);
    expect([...byId.values()].filter((where) => where.length > 1)).toEqual([]);
  });

  it('are what the constructors throw (a constructor and its table entry cannot drift apart)', () => {
    expect(sessionErrors.userLocked()).toBeInstanceOf(DomainError);
    expect(sessionErrors.userLocked().id).toBe(SESSION_ERRORS.userLocked);
    expect(sessionErrors.otpNotEnabled('sms').id).toBe(SESSION_ERRORS.otpSmsNotEnabled);
    expect(sessionErrors.otpNotEnabled('email').id).toBe(SESSION_ERRORS.otpEmailNotEnabled);
    expect(sessionErrors.credentialsInvalid('password', undefined).id).toBe(SESSION_ERRORS.passwordInvalid);
  });
});
