import { TOKEN_EXCHANGE_ERRORS, TokenExchangeRefusal } from './token-exchange.errors.js';
import {
  ID_TOKEN_SCOPES,
  exchangeAudience,
  exchangeScopes,
  listOf,
  meantForClient,
  unprovenBinding,
  type ExchangeToken,
} from './token-exchange.rules.js';
import { API_AUDIENCE_SCOPE } from './zitadel-scopes.js';

const token = (scopes: string[], audience: string[] = [], userId = 'u1'): ExchangeToken => ({
  userId,
  scopes,
  audience,
});
/** What a user id or a JWT subject vouches for: the user, nothing more. */
const scopeless = token([]);

function refusal(work: () => unknown): TokenExchangeRefusal {
  try {
    work();
  } catch (err) {
    if (err instanceof TokenExchangeRefusal) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('listOf', () => {
  it('splits a space-separated parameter, dropping empty and repeated values', () => {
    expect(listOf('openid  profile openid ')).toEqual(['openid', 'profile']);
    expect(listOf('')).toEqual([]);
    expect(listOf(undefined)).toEqual([]);
  });
});

describe('meantForClient (ZITADEL’s rule: the audience names the client or its project)', () => {
  it.each([
    ['names the client', ['client', 'other'], 'project', true],
    ['names the project', ['other', 'project'], 'project', true],
    ['names neither', ['other-client', 'other-project', 'instance'], 'project', false],
    ['is empty', [], 'project', false],
    ['names no project, and the client has none', ['other'], undefined, false],
  ])('a token whose audience %s: %s', (_case, audience, projectId, allowed) => {
    expect(meantForClient(audience as string[], 'client', projectId as string | undefined)).toBe(allowed);
  });
});

describe('exchangeScopes', () => {
  const subject = token(['openid', 'profile', API_AUDIENCE_SCOPE]);

  it('takes the subject’s scopes when none are asked for, else the actor’s', () => {
    expect(exchangeScopes([], subject, undefined)).toEqual(['openid', 'profile', API_AUDIENCE_SCOPE]);
    expect(exchangeScopes([], scopeless, token(['openid', 'email']))).toEqual(['openid', 'email']);
  });

  it('grants a subset of the subject’s scopes, the API audience scope only when the subject had it (ZITADEL’s rule)', () => {
    expect(exchangeScopes(['openid', API_AUDIENCE_SCOPE], subject, undefined)).toEqual(['openid', API_AUDIENCE_SCOPE]);
    const narrow = token(['openid', 'profile']);
    for (const wider of [
      'email',
      API_AUDIENCE_SCOPE,
      'offline_access',
      'urn:zitadel:iam:org:project:id:p2:aud',
      'urn:zitadel:iam:org:project:role:admin',
    ]) {
      const refused = refusal(() => exchangeScopes(['openid', wider], narrow, undefined));
      expect(refused).toMatchObject({ error: 'invalid_scope', id: TOKEN_EXCHANGE_ERRORS.scopeNotHeld });
      expect(refused.description).toContain(wider);
    }
  });

  it('lets an ID token subject ask for openid and the profile scopes only', () => {
    const idToken = token([...ID_TOKEN_SCOPES]);
    expect(exchangeScopes(['openid', 'profile', 'email', 'phone', 'address'], idToken, undefined)).toHaveLength(5);
    for (const added of [
      API_AUDIENCE_SCOPE,
      'offline_access',
      'urn:zitadel:iam:user:metadata',
      'urn:zitadel:iam:org:projects:roles',
    ]) {
      expect(refusal(() => exchangeScopes(['openid', added], idToken, undefined)).error).toBe('invalid_scope');
    }
  });

  it('with an actor, grants what the subject or the actor holds (ZITADEL’s union)', () => {
    const actor = token(['openid', 'email']);
    expect(exchangeScopes(['profile', 'email'], token(['openid', 'profile']), actor)).toEqual(['profile', 'email']);
    expect(refusal(() => exchangeScopes(['openid', API_AUDIENCE_SCOPE], token(['openid']), actor)).error).toBe(
      'invalid_scope',
    );
  });

  it('impersonating a scope-less subject: claims about the user may be asked for, authorization scopes only if the actor holds them', () => {
    const actor = token(['openid', 'urn:zitadel:iam:org:project:id:p1:aud']);
    expect(
      exchangeScopes(
        ['openid', 'profile', 'email', 'urn:zitadel:iam:user:metadata', 'urn:zitadel:iam:org:project:id:p1:aud'],
        scopeless,
        actor,
      ),
    ).toHaveLength(5);
    for (const authorization of [
      API_AUDIENCE_SCOPE,
      'offline_access',
      'urn:zitadel:iam:org:project:id:p2:aud',
      'urn:zitadel:iam:org:project:role:admin',
      'urn:zitadel:iam:org:projects:roles',
      'urn:zitadel:iam:org:id:o1',
      'urn:zitadel:iam:org:domain:primary:acme.example.com',
      'urn:zitadel:iam:org:roles:id:o1',
      'urn:zitadel:iam:org:idp:id:i1',
    ]) {
      expect(refusal(() => exchangeScopes(['openid', authorization], scopeless, actor)).error).toBe('invalid_scope');
    }
  });

  it('without an actor, a scope-less subject grants nothing', () => {
    expect(refusal(() => exchangeScopes(['openid'], scopeless, undefined)).error).toBe('invalid_scope');
  });
});

describe('exchangeAudience (ZITADEL’s rule: a subset of the subject’s or actor’s audience)', () => {
  const subject = token(['openid'], ['client', 'project']);

  it('takes the subject’s audience when none is asked for, else the actor’s', () => {
    expect(exchangeAudience([], subject, undefined)).toEqual(['client', 'project']);
    expect(exchangeAudience([], scopeless, token([], ['actor-client']))).toEqual(['actor-client']);
  });

  it('grants audiences the subject or actor token holds', () => {
    expect(exchangeAudience(['project'], subject, undefined)).toEqual(['project']);
    expect(exchangeAudience(['project', 'other'], subject, token([], ['other']))).toEqual(['project', 'other']);
  });

  it('refuses any other audience with invalid_target, naming it', () => {
    for (const requested of [['instance'], ['project', 'other-project']]) {
      const refused = refusal(() => exchangeAudience(requested, subject, undefined));
      expect(refused).toMatchObject({ error: 'invalid_target', id: TOKEN_EXCHANGE_ERRORS.audienceNotHeld });
      expect(refused.description).toContain(requested.at(-1));
    }
  });
});

describe('unprovenBinding (RFC 9449 carried over to token exchange)', () => {
  const bound = { userId: 'u', scopes: [], audience: [], jkt: 'key-a' };
  const bearer = { userId: 'u', scopes: [], audience: [] };
  it.each([
    ['a Bearer subject needs no proof', [{ param: 'subject_token', token: bearer }], undefined, undefined],
    ['a bound subject without a proof', [{ param: 'subject_token', token: bound }], undefined, 'subject_token'],
    [
      'a bound subject with a proof of another key',
      [{ param: 'subject_token', token: bound }],
      'key-b',
      'subject_token',
    ],
    ['a bound subject with a proof of its key', [{ param: 'subject_token', token: bound }], 'key-a', undefined],
    [
      'a bound actor is checked too',
      [
        { param: 'subject_token', token: bearer },
        { param: 'actor_token', token: bound },
      ],
      'key-b',
      'actor_token',
    ],
    [
      'no actor token',
      [
        { param: 'subject_token', token: bearer },
        { param: 'actor_token', token: undefined },
      ],
      undefined,
      undefined,
    ],
  ])('%s', (_name, tokens, proofJkt, expected) => {
    expect(unprovenBinding(tokens, proofJkt)).toBe(expected);
  });
});
