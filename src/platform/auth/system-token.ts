import { Injectable } from '@nestjs/common';
import { decodeJwt, jwtVerify } from 'jose';
import { Config } from '../config/config.js';
import type { SystemApiUsers, SystemRole } from '../config/system-api-users.js';
import { Unauthenticated, errorIds } from '../errors/domain-error.js';

/** An operator calling the system API: a system API user of the configuration. */
export interface SystemPrincipal {
  readonly userName: string;
  readonly roles: readonly SystemRole[];
}

export const SYSTEM_TOKEN_ERRORS = errorIds({
  missing: 'SYSAUTH-n0t0k',
  invalid: 'SYSAUTH-1nv4l',
  tooLong: 'SYSAUTH-l0ngx',
});
const E = SYSTEM_TOKEN_ERRORS;

/** RSA signatures only: the keys are RSA, and `none` or HMAC (keyed with the public key) are forgeries. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** As ZITADEL's JWT profile verifier: iat at most an hour old, a second of clock skew. */
const MAX_AGE_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 1;

/** One answer for every bad token: which check failed is for the server log, not for the caller. */
const invalid = () => Unauthenticated(E.invalid, 'invalid system token');

/**
 * The system API's authentication, as ZITADEL's `SystemTokenVerifierFromConfig`: a JWT the
 * system user signed with its key (`iss` = `sub` = the user name, `aud` = the external URL,
 * RS256/384/512), no older than an hour. Beyond ZITADEL, `exp` must also be within the hour: a
 * system token is a short-lived call credential, not a stored secret.
 */
@Injectable()
export class SystemTokenVerifier {
  private readonly users: SystemApiUsers;
  /** The issuer the users' JWTs must name as audience: PORTCULLIS_EXTERNAL_URL. */
  readonly audience: string;

  constructor(config: Config) {
    this.users = config.systemUsers;
    this.audience = config.externalUrl.replace(/\/+$/, '');
  }

  async verify(authorization: string | null, now: Date = new Date()): Promise<SystemPrincipal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match)
      throw Unauthenticated(E.missing, 'the system API needs Authorization: Bearer <JWT signed by a system API user>');
    const token = match[1];
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw invalid();
    }
    const user = typeof issuer === 'string' ? this.users.get(issuer) : undefined;
    if (!user) throw invalid();
    if ((user.notBefore && now < user.notBefore) || (user.notAfter && now > user.notAfter)) throw invalid();
    let exp: number | undefined;
    try {
      const { payload } = await jwtVerify(token, user.key, {
        algorithms: ALGORITHMS,
        issuer: user.name,
        subject: user.name,
        audience: this.audience,
        maxTokenAge: MAX_AGE_SECONDS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat'],
        currentDate: now,
      });
      exp = payload.exp;
    } catch {
      throw invalid();
    }
    if (exp! - now.getTime() / 1000 > MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS)
      throw Unauthenticated(E.tooLong, 'system tokens may be valid for an hour at most: lower exp');
    return { userName: user.name, roles: user.roles };
  }
}
