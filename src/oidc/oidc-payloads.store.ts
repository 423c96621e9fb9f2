import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { hashToken, type MasterKey } from '../platform/crypto/master-key.js';
import { preparedQueries } from '../platform/database/prepared-statements.js';
import { groupedCalls, settledEach } from '../platform/database/grouped-calls.js';
import {
  EventStore,
  SYSTEM_CREATOR,
  firstEventCte,
  firstEventParams,
  firstEventsCte,
  firstEventsParams,
} from '../platform/events/event-store.js';
import { oidcLibrary } from './oidc-library.js';

/**
 * Models whose saving and removal are audited: what a user or client holds (tokens, grants).
 * Interactions, sessions, codes and replay markers are steps of a flow, not state anyone owns.
 */
const AUDITED = new Map<string, string>([
  ['AccessToken', 'oidc.access_token'],
  ['RefreshToken', 'oidc.refresh_token'],
  ['ClientCredentials', 'oidc.access_token'],
  ['Grant', 'oidc.grant'],
]);

/**
 * A transaction the adapter's writes join, for commands that save a model and write their audit
 * event together (`inTransaction(tx, () => interaction.save())`).
 */
const ambient = new AsyncLocalStorage<EntityManager>();

export function inTransaction<T>(tx: EntityManager, work: () => Promise<T>): Promise<T> {
  return ambient.run(tx, work);
}

/** Runs `work` in the ambient transaction if there is one, else in a new one. */
function transaction<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const tx = ambient.getStore();
  return tx ? work(tx) : dataSource.transaction(work);
}

/**
 * Models an opaque token value may belong to: introspection and revocation ask each of them for
 * the same value at once, and one query answers all (see `tokenRows`).
 */
const TOKEN_MODELS = ['AccessToken', 'ClientCredentials', 'RefreshToken'];

/** `hashToken` in SQL: base64url of the SHA-256 of the text. */
const SQL_HASH = (column: string) =>
  `rtrim(translate(encode(sha256(convert_to(${column}, 'UTF8')), 'base64'), '+/', '-_'), '=')`;

const TOKEN_MODEL_ROWS = `(VALUES ${TOKEN_MODELS.map((m) => `('${m}')`).join(', ')}) AS m (model)`;

/** The token of model `m.model` whose hashed id is the SQL expression `id`, and its grant (see TOKEN_LOOKUP). */
const tokenAndGrant = (id: string) => `JOIN LATERAL (
     SELECT t.model, t.id, t.payload, t.grant_id, t.instance_id FROM oidc_payloads t
      WHERE t.instance_id = $1 AND t.model = m.model AND t.id = ${id} AND (t.expires_at IS NULL OR t.expires_at > now())
      LIMIT 1
   ) t ON true
   LEFT JOIN LATERAL (
     SELECT g.id, g.payload FROM oidc_payloads g
      WHERE g.instance_id = t.instance_id AND g.model = 'Grant' AND g.id = ${SQL_HASH('t.grant_id')}
      LIMIT 1
   ) g ON true`;

/**
 * An opaque token by its hashed id among TOKEN_MODELS, with its grant ($1 instance, $2 hashed id).
 * It is prepared, so PostgreSQL may plan it once for any parameters; both look-ups are written so
 * that such a plan still uses the whole primary key:
 * - each model is looked up on its own, by the whole key: with `model = ANY(...)` the generic plan
 *   left the key's middle column out and read every token of the instance (18 ms a look-up at
 *   13,000 tokens, against 0.2 ms);
 * - the grant is a LATERAL look-up with LIMIT 1 too, so its key, computed from the token row, is part
 *   of the index condition: as a plain join, a plan made while the statistics saw few grants
 *   filtered every grant of the instance (41 ms at 20,000 grants).
 */
export const TOKEN_LOOKUP = `SELECT t.model, t.id, t.payload, g.id AS grant_row_id, g.payload AS grant_payload
   FROM ${TOKEN_MODEL_ROWS}
   ${tokenAndGrant('$2')}`;

/**
 * Groups of token saves, and of token look-ups, running at once per instance (see groupedCalls).
 * One makes the largest groups: at 16 concurrent client_credentials requests, one group in flight
 * gave 4,371 tokens/s, two 3,255 and four 2,712 (PostgreSQL 0.11, 0.14, 0.22 ms of CPU per token).
 */
const GROUPS_IN_FLIGHT = 1;
/** Saves or look-ups in one statement at most. */
const GROUP_SIZE = 64;

/**
 * TOKEN_LOOKUP for several hashed ids at once ($2, an array), each row with its id's ordinal
 * `n`: the same per-model look-ups by the whole key, laterally for each id.
 */
export const GROUPED_TOKEN_LOOKUP = `SELECT k.n, t.model, t.id, t.payload, g.id AS grant_row_id, g.payload AS grant_payload
   FROM unnest($2::text[]) WITH ORDINALITY AS k (id, n)
   CROSS JOIN ${TOKEN_MODEL_ROWS}
   ${tokenAndGrant('k.id')}`;

/** How long a grant read with its token waits for the grant look-up that follows (same request). */
const GRANT_HANDOVER_MS = 1_000;

/** What revoking a grant ends: what was issued under it. */
const GRANT_ARTIFACTS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'ClientCredentials',
];

/**
 * What a request exchanges once for tokens (RFC 6749 §4.1.2 codes, §10.4 rotated refresh
 * tokens, RFC 8628 device codes), with oidc-provider's answer to a second use. Consuming one is
 * atomic: of two requests using it at once, in any processes, one wins; the other is a reuse.
 */
const USED_ONCE = new Map<string, string>([
  ['AuthorizationCode', 'authorization code already consumed'],
  ['DeviceCode', 'device code already consumed'],
  ['BackchannelAuthenticationRequest', 'backchannel authentication request already consumed'],
  ['RefreshToken', 'refresh token already used'],
]);

const CONSUME_SET = `consumed_at = now(), payload = payload || jsonb_build_object('consumed', extract(epoch from now())::bigint)`;

/** A row oidc-provider saves: its nine columns, and its audit event's parameters (firstEventParams) when audited. */
interface RowWrite {
  readonly row: readonly unknown[];
  readonly event?: readonly unknown[];
}

const ROW_COLUMNS = 'instance_id, model, id, payload, grant_id, user_code, uid, account_id, expires_at';
/** The types of ROW_COLUMNS, in order. */
const ROW_TYPES = ['text', 'text', 'text', 'jsonb', 'text', 'text', 'text', 'text', 'timestamptz'];

const REPLACE_ON_CONFLICT = `ON CONFLICT (instance_id, model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
       user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, account_id = EXCLUDED.account_id, expires_at = EXCLUDED.expires_at`;

/** Inserts a row (or replaces its payload), parameters from `$offset + 1`; `guard` a condition the insert waits on. */
function upsertRow(offset: number, guard?: string): string {
  const p = (i: number) => `$${offset + i}`;
  const values = guard
    ? `SELECT ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}::timestamptz WHERE ${guard}`
    : `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})`;
  return `INSERT INTO oidc_payloads (${ROW_COLUMNS})
     ${values}
     ${REPLACE_ON_CONFLICT}
     RETURNING (xmax = 0) AS inserted`;
}

/**
 * Independent rows and their audit events in one statement (one round trip, one commit), each
 * row's event written only if that row is new, as `chainedWrites` does for one. The text is the
 * same for any number of rows (arrays as parameters), so it is prepared once. Rows must have
 * distinct keys: PostgreSQL refuses a statement that writes one row twice.
 */
export const GROUPED_WRITES = `WITH input AS (
     SELECT * FROM unnest(${ROW_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
       WITH ORDINALITY AS i (${ROW_COLUMNS}, n)
   ), w AS (
     INSERT INTO oidc_payloads (${ROW_COLUMNS}) SELECT ${ROW_COLUMNS} FROM input ORDER BY n
     ${REPLACE_ON_CONFLICT}
     RETURNING instance_id, model, id, (xmax = 0) AS inserted
   ), written AS (
     SELECT input.n, w.inserted FROM input JOIN w USING (instance_id, model, id)
   ), ${firstEventsCte('e', 'written', ROW_TYPES.length)}
   SELECT count(*)::int AS written FROM w`;

/** The parameters of GROUPED_WRITES: the rows' columns as arrays, then their events'. */
export function groupedWriteParams(writes: readonly RowWrite[]): unknown[] {
  const columns = ROW_TYPES.map((_, c) => writes.map((w) => w.row[c]));
  const events = writes.flatMap((w, i) => (w.event ? [{ n: i + 1, params: w.event }] : []));
  return [...columns, ...firstEventsParams(events)];
}

/**
 * One statement writing `writes` in order with their audit events, each row written only if the
 * one before it was, and the first only if `rotated` (a refresh token's row id) is consumed by the
 * same statement, unless another request consumed it first: a rotating refresh (old token
 * consumed, new refresh and access tokens, their events) is one round trip, and a lost rotation
 * writes nothing. Answers `inserted` of the last row.
 */
export function chainedWrites(
  instanceId: string,
  writes: readonly RowWrite[],
  rotated?: string,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const ctes: string[] = [];
  let guard: string | undefined;
  if (rotated !== undefined) {
    ctes.push(`rotated AS (UPDATE oidc_payloads SET ${CONSUME_SET}
       WHERE instance_id = $${params.push(instanceId)} AND model = 'RefreshToken' AND id = $${params.push(rotated)}
         AND consumed_at IS NULL RETURNING 1)`);
    guard = 'EXISTS (SELECT 1 FROM rotated)';
  }
  writes.forEach((write, i) => {
    ctes.push(`w${i} AS (${upsertRow(params.length, guard)})`);
    params.push(...write.row);
    if (write.event) {
      ctes.push(firstEventCte(`e${i}`, `w${i}`, params.length));
      params.push(...write.event);
    }
    guard = `EXISTS (SELECT 1 FROM w${i})`;
  });
  return { text: `WITH ${ctes.join(', ')} SELECT (SELECT inserted FROM w${writes.length - 1}) AS inserted`, params };
}

/** Prefix of the row id of a JWT access token, and of the marker that stands for a verified one. */
const JWT_MARKER = 'jwt~';

/**
 * A verified JWT access token as an id oidc-provider can look up where it refuses JWTs
 * (introspection, revocation): `jwt~<jti>~<mac>`, the MAC binding it to this master key so that
 * knowing a jti (introspection answers it) is not enough to make one.
 */
export function jwtMarker(masterKey: MasterKey, jti: string): string {
  return `${JWT_MARKER}${jti}~${masterKey.derive(`oidc-jwt-marker:${jti}`)}`;
}

function jtiOfMarker(masterKey: MasterKey, marker: string): string | undefined {
  const [jti, mac] = marker.slice(JWT_MARKER.length).split('~');
  return jti && mac && mac === masterKey.derive(`oidc-jwt-marker:${jti}`) ? jti : undefined;
}

/**
 * Models also found by another key (a session by its uid, a device code by its user code), whose
 * id the caller does not know: they keep their id in the payload, encrypted with the master key.
 */
const FOUND_BY_OTHER_KEYS = new Set(['Session', 'DeviceCode']);

/** Hooks the provider layer gives the adapter: JWT access tokens are found by their jti. */
export interface AdapterHooks {
  /** For a JWT access token value: its verified jti, else undefined. */
  jwtAccessTokenId?(value: string): Promise<string | undefined>;
  /** The Client model: metadata of the client with this id, read from apps and machine users. */
  client?(id: string): Promise<ClientMetadata | undefined>;
  /**
   * Whether the client a token was issued to is still a client (an active app, or a machine
   * user); a token of a removed or deactivated app is found nowhere. Default yes.
   */
  clientExists?(clientId: string): Promise<boolean>;
  /** Whether issued tokens are audited (ZITADEL's `disableUserTokenEvent` feature turns it off); default yes. */
  tokenEvents?(): Promise<boolean>;
  /** The provider request being served (its context object), if any. */
  request?(): object | undefined;
}

interface PayloadRow {
  id: string;
  payload: AdapterPayload;
}

/** A row of TOKEN_LOOKUP: a token of one of TOKEN_MODELS, with its grant's row when it has one. */
interface FoundTokenRow extends PayloadRow {
  model: string;
  grant_row_id: string | null;
  grant_payload: AdapterPayload | null;
}

/**
 * oidc-provider's storage in PostgreSQL: one table for every model, jsonb payloads, per
 * instance. Nothing lives in process memory, so a flow started on one process finishes on
 * another. Expired rows are ignored on read and deleted by `sweepExpired`.
 *
 * An opaque token's id is the token itself, so ids (and device user codes) are stored only as
 * SHA-256 hashes, and the payload is stored without its `jti`: a copy of the table hands out no
 * usable token. Reads put the `jti` back from the id they were asked for.
 */
export function postgresAdapter(
  dataSource: DataSource,
  events: EventStore,
  masterKey: MasterKey,
  instanceId: string,
  hooks: AdapterHooks = {},
): new (
  model: string,
) => Adapter {
  /** The statements of token requests, outside a unit of work: parsed and planned once per connection. */
  const prepared = preparedQueries(dataSource);
  /** Token look-ups in flight, by hashed id: the models' concurrent finds share one query. */
  const inFlight = new Map<string, Promise<Map<string, PayloadRow>>>();
  /**
   * The grant read with a token, for the grant look-up that follows it in the same request
   * (introspection, userinfo): taken once, and only within GRANT_HANDOVER_MS. Revoking a grant
   * deletes its tokens in the same transaction, so a token found fresh vouches for its grant.
   */
  const handedOver = new Map<string, { row: PayloadRow; at: number }>();
  /** Token look-ups grouped under load (see groupedCalls): one statement for many requests' tokens. */
  const lookUp = groupedCalls<string, FoundTokenRow[]>(
    async (ids) => {
      if (ids.length === 1) return [await prepared.query(TOKEN_LOOKUP, [instanceId, ids[0]])];
      const found: (FoundTokenRow & { n: string })[] = await prepared.query(GROUPED_TOKEN_LOOKUP, [instanceId, ids]);
      const byId: FoundTokenRow[][] = ids.map(() => []);
      for (const row of found) byId[Number(row.n) - 1].push(row);
      return byId;
    },
    { inFlight: GROUPS_IN_FLIGHT, size: GROUP_SIZE },
  );
  const tokenRows = (hashed: string): Promise<Map<string, PayloadRow>> => {
    let rows = inFlight.get(hashed);
    if (!rows) {
      rows = lookUp(hashed).then((found) => {
        for (const r of found) {
          if (r.grant_row_id) handOver(r.grant_row_id, { id: r.grant_row_id, payload: r.grant_payload! });
        }
        return new Map(found.map((r) => [r.model, { id: r.id, payload: r.payload }]));
      });
      inFlight.set(hashed, rows);
      rows.then(
        () => inFlight.delete(hashed),
        () => inFlight.delete(hashed),
      );
    }
    return rows;
  };
  const handOver = (hashed: string, row: PayloadRow): void => {
    // Grants nobody asked for (revocation reads tokens too) go once they are stale.
    if (handedOver.size >= 1_000)
      for (const [key, old] of handedOver) if (Date.now() - old.at > GRANT_HANDOVER_MS) handedOver.delete(key);
    handedOver.set(hashed, { row, at: Date.now() });
  };
  const takeGrant = (hashed: string): PayloadRow | undefined => {
    const entry = handedOver.get(hashed);
    handedOver.delete(hashed);
    return entry && Date.now() - entry.at <= GRANT_HANDOVER_MS ? entry.row : undefined;
  };

  /**
   * Saves of new tokens (TOKEN_MODELS) made outside a unit of work and outside a rotation, grouped
   * under load (one statement for many tokens); a group PostgreSQL refuses (two saves of one row)
   * is written save by save. Only tokens: their ids are new random values, so a group never waits
   * for another transaction's row lock, which would hold up every token save queued behind it.
   * Steps of a flow (sessions, interactions, grants), saved again and again, keep their own statement.
   */
  const writeOne = (write: RowWrite) => {
    const { text, params } = chainedWrites(instanceId, [write]);
    return prepared.query(text, params).then(() => undefined);
  };
  const writeGrouped = groupedCalls<RowWrite, undefined>(
    async (writes) => {
      if (writes.length === 1) return [await writeOne(writes[0])];
      try {
        await prepared.query(GROUPED_WRITES, groupedWriteParams(writes));
        return writes.map(() => undefined);
      } catch {
        return settledEach(writes, writeOne);
      }
    },
    { inFlight: GROUPS_IN_FLIGHT, size: GROUP_SIZE },
  );

  /** Refresh tokens consumed in a request, by the request, until the rotation's new token is saved. */
  const rotations = new WeakMap<object, string>();
  /** A rotation's new refresh token, by request, until the request's access token is saved with it. */
  const rotatedTo = new WeakMap<object, { rotated: string; write: RowWrite; grantId?: string }>();
  const consumeOnce = async (model: string, key: string): Promise<void> => {
    const [, consumed] = (await (ambient.getStore() ?? prepared).query(
      `UPDATE oidc_payloads SET ${CONSUME_SET} WHERE instance_id = $1 AND model = $2 AND id = $3 AND consumed_at IS NULL`,
      [instanceId, model, key],
    )) as [unknown, number];
    if (consumed !== 1 && USED_ONCE.has(model)) await reused(model, key, undefined);
  };
  /**
   * A second use of what is used once, found when consuming it (two requests at once): answered
   * as oidc-provider answers one it sees consumed, the grant ending with its tokens and codes.
   */
  const reused = async (model: string, key: string, grantId: string | undefined): Promise<never> => {
    const grant =
      grantId ??
      (
        (await dataSource.query(
          `SELECT grant_id FROM oidc_payloads WHERE instance_id = $1 AND model = $2 AND id = $3`,
          [instanceId, model, key],
        )) as { grant_id: string | null }[]
      )[0]?.grant_id;
    if (grant) {
      const grants = new PostgresAdapter('Grant');
      await Promise.all([grants.revokeByGrantId(grant), grants.destroy(grant)]);
    }
    throw new (oidcLibrary().errors.InvalidGrant)(USED_ONCE.get(model));
  };

  class PostgresAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const write = await this.rowWrite(id, payload, expiresIn);
      const request = hooks.request?.();
      const rotated = request && rotations.get(request);
      if (request && rotated !== undefined) rotations.delete(request);
      if (request && rotated !== undefined && this.model === 'RefreshToken') {
        // The rotation's new refresh token is written with what the request saves next, its
        // access token (see chainedWrites): nothing is issued unless the old one is consumed.
        rotatedTo.set(request, { rotated, write, grantId: payload.grantId });
        return;
      }
      const before = request && rotatedTo.get(request);
      if (request && before) rotatedTo.delete(request);
      // A refresh token consumed without a new one saved next: consumed on its own first.
      if (rotated !== undefined) await consumeOnce('RefreshToken', rotated);
      if (!before && !ambient.getStore() && TOKEN_MODELS.includes(this.model)) return writeGrouped(write);
      const { text, params } = chainedWrites(instanceId, before ? [before.write, write] : [write], before?.rotated);
      const rows: { inserted: boolean | null }[] = await (ambient.getStore() ?? prepared).query(text, params);
      // A new token's id is random, so only a lost rotation leaves it uninserted.
      if (before && rows[0]?.inserted !== true) await reused('RefreshToken', before.rotated, before.grantId);
    }

    /** The row of a saved model, and its audit event when it is audited. */
    private async rowWrite(id: string, payload: AdapterPayload, expiresIn: number): Promise<RowWrite> {
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      const { jti: _jti, ...stored } = payload as AdapterPayload & { sealedId?: string; format?: string };
      if (FOUND_BY_OTHER_KEYS.has(this.model)) stored.sealedId = masterKey.encrypt(id);
      const hashed = hashToken(stored.format === 'jwt' ? JWT_MARKER + id : id);
      const row = [
        instanceId,
        this.model,
        hashed,
        JSON.stringify(stored),
        payload.grantId ?? null,
        payload.userCode ? hashToken(payload.userCode) : null,
        payload.uid ?? null,
        payload.accountId ?? null,
        expiresAt,
      ];
      const audit = AUDITED.get(this.model);
      if (!audit || !((await hooks.tokenEvents?.()) ?? true)) return { row };
      return {
        row,
        event: firstEventParams(instanceId, payload.accountId ?? payload.clientId ?? SYSTEM_CREATOR, {
          aggregateType: 'oidc_token',
          aggregateId: `${this.model}:${hashed.slice(0, 32)}`,
          type: `${audit}.added`,
          resourceOwner: instanceId,
          payload: {
            clientId: payload.clientId,
            userId: payload.accountId,
            grantId: payload.grantId,
            scope: payload.scope,
            expiresAt: expiresAt?.toISOString(),
          },
        }),
      };
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await hooks.client?.(id)) as AdapterPayload | undefined;
      const key = await this.storageKey(id);
      if (!key) return undefined;
      const found = TOKEN_MODELS.includes(this.model)
        ? (await tokenRows(key)).get(this.model)
        : (this.model === 'Grant' && takeGrant(key)) || (await this.one('id = $3', key));
      if (!found) return undefined;
      const { clientId } = found.payload;
      if (TOKEN_MODELS.includes(this.model) && clientId && !((await hooks.clientExists?.(clientId)) ?? true))
        return undefined;
      const { format, ...payload } = found.payload as AdapterPayload & { format?: string };
      // oidc-provider refuses stored payloads of JWT tokens; the row is ours to vouch for.
      return format === 'jwt' ? { ...payload, jti: id } : { ...found.payload, jti: id };
    }

    /**
     * The hashed row id for what oidc-provider asks with: an opaque value itself; a JWT access
     * token (verified) or its marker by `jwt~<jti>`, so the bare jti (which introspection shows)
     * finds nothing.
     */
    private async storageKey(id: string): Promise<string | undefined> {
      if (this.model !== 'AccessToken') return hashToken(id);
      if (id.startsWith(JWT_MARKER)) {
        const jti = jtiOfMarker(masterKey, id);
        return jti ? hashToken(JWT_MARKER + jti) : undefined;
      }
      if (id.split('.').length === 3) {
        const jti = await hooks.jwtAccessTokenId?.(id);
        return jti ? hashToken(JWT_MARKER + jti) : undefined;
      }
      return hashToken(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.withSealedId(await this.one('user_code = $3', hashToken(userCode)));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.withSealedId(await this.one('uid = $3', uid));
    }

    /**
     * A refresh token consumed in a request is rotated: the statement that stores the new refresh
     * and access tokens consumes it (see upsert, chainedWrites), so nothing is consumed if the
     * request fails before then, and no token is issued without the consumption.
     */
    async consume(id: string): Promise<void> {
      const key = (await this.storageKey(id)) ?? '';
      const request = this.model === 'RefreshToken' ? hooks.request?.() : undefined;
      if (request) rotations.set(request, key);
      else await consumeOnce(this.model, key);
    }

    async destroy(id: string): Promise<void> {
      const hashed = await this.storageKey(id);
      if (!hashed) return;
      await this.remove(
        'model = $2 AND id = $3',
        [instanceId, this.model, hashed],
        `${this.model}:${hashed.slice(0, 32)}`,
      );
    }

    /** The tokens and codes of a grant (not the interaction or session that made it, as the memory adapter). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await this.remove(
        'grant_id = $2 AND model = ANY($3)',
        [instanceId, grantId, GRANT_ARTIFACTS],
        `grant:${grantId}`,
      );
    }

    /** Sessions and device codes: the id comes back from its sealed copy (see FOUND_BY_OTHER_KEYS). */
    private withSealedId(found: PayloadRow | undefined): AdapterPayload | undefined {
      if (!found) return undefined;
      const { sealedId, ...payload } = found.payload as AdapterPayload & { sealedId?: string };
      return sealedId ? { ...payload, jti: masterKey.decrypt(sealedId) } : payload;
    }

    private async one(where: string, value: string): Promise<PayloadRow | undefined> {
      const rows: PayloadRow[] = await dataSource.query(
        `SELECT id, payload FROM oidc_payloads
          WHERE instance_id = $1 AND model = $2 AND ${where} AND (expires_at IS NULL OR expires_at > now())
          LIMIT 1`,
        [instanceId, this.model, value],
      );
      return rows[0];
    }

    private async remove(where: string, params: unknown[], aggregateId: string): Promise<void> {
      await transaction(dataSource, async (tx) => {
        // TypeORM answers a DELETE … RETURNING with [rows, affected count].
        const [removed]: [{ model: string; id: string }[], number] = await tx.query(
          `DELETE FROM oidc_payloads WHERE instance_id = $1 AND ${where} RETURNING model, id`,
          params,
        );
        const audited = removed.filter((r) => AUDITED.has(r.model));
        if (!audited.length) return;
        await events.push(tx, instanceId, SYSTEM_CREATOR, [
          {
            aggregateType: 'oidc_token',
            aggregateId: aggregateId.slice(0, 200),
            type: 'oidc.token.revoked',
            resourceOwner: instanceId,
            payload: { revoked: audited.map((r) => `${r.model}:${r.id.slice(0, 12)}…`) },
          },
        ]);
      });
    }
  }
  return PostgresAdapter;
}

/** Deletes rows past their expiry, a batch at a time; safe to run in every process at once. */
export async function sweepExpired(dataSource: DataSource, batch = 5_000): Promise<number> {
  // TypeORM answers a DELETE with [rows, affected count].
  const [, deleted] = (await dataSource.query(
    `DELETE FROM oidc_payloads WHERE ctid IN (
       SELECT ctid FROM oidc_payloads WHERE expires_at < now() - interval '1 minute' LIMIT $1 FOR UPDATE SKIP LOCKED)`,
    [batch],
  )) as [unknown, number];
  return deleted;
}

/**
 * Records `id` of `model` unless an unexpired row has it: true for the first caller only, in
 * whichever process (one statement, so two processes racing cannot both win). DPoP proof jtis
 * (ReplayDetection) go through here.
 */
export async function recordOnce(
  dataSource: DataSource,
  instanceId: string,
  model: string,
  id: string,
  payload: AdapterPayload,
  expiresIn: number,
): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(
    `INSERT INTO oidc_payloads (instance_id, model, id, payload, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
     ON CONFLICT (instance_id, model, id) DO UPDATE SET payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at
       WHERE oidc_payloads.expires_at IS NOT NULL AND oidc_payloads.expires_at <= now()
     RETURNING 1`,
    [instanceId, model, hashToken(id), JSON.stringify(payload), Math.max(1, expiresIn)],
  );
  return rows.length === 1;
}

/**
 * Marks the stored `id` of `model` as claimed: true for the first caller only, in whichever
 * process; false when it is unknown, expired or claimed already. A pushed authorization request
 * is claimed by the authorization request that uses its request_uri (RFC 9126 §4: one-time use).
 */
export async function claimOnce(
  dataSource: DataSource,
  instanceId: string,
  model: string,
  id: string,
): Promise<boolean> {
  const [, claimed] = (await dataSource.query(
    `UPDATE oidc_payloads SET payload = payload || jsonb_build_object('claimedAt', extract(epoch from now())::bigint)
      WHERE instance_id = $1 AND model = $2 AND id = $3 AND NOT (payload ? 'claimedAt') AND (expires_at IS NULL OR expires_at > now())`,
    [instanceId, model, hashToken(id)],
  )) as [unknown, number];
  return claimed === 1;
}

/**
 * Takes the stored `id` of `model`: its payload for the first caller only, in whichever process
 * (the row goes in the same statement); undefined when it is unknown, expired or taken already.
 */
export async function takeOnce(
  dataSource: DataSource,
  instanceId: string,
  model: string,
  id: string,
): Promise<AdapterPayload | undefined> {
  const [rows] = (await dataSource.query(
    `DELETE FROM oidc_payloads WHERE instance_id = $1 AND model = $2 AND id = $3 AND (expires_at IS NULL OR expires_at > now()) RETURNING payload`,
    [instanceId, model, hashToken(id)],
  )) as [{ payload: AdapterPayload }[], number];
  return rows[0]?.payload;
}

/** A user's refresh token as stored: the row id (the token's hash, not the token) and its payload. */
export interface StoredRefreshToken {
  readonly id: string;
  readonly payload: AdapterPayload & { iiat?: number };
  readonly expiresAt: Date | null;
}

/** The user's live refresh tokens (not yet rotated away, not expired), newest first. */
export async function liveRefreshTokens(
  db: DataSource | EntityManager,
  instanceId: string,
  accountId: string,
): Promise<StoredRefreshToken[]> {
  const rows: { id: string; payload: StoredRefreshToken['payload']; expires_at: Date | null }[] = await db.query(
    `SELECT id, payload, expires_at FROM oidc_payloads
      WHERE instance_id = $1 AND account_id = $2 AND model = 'RefreshToken' AND consumed_at IS NULL
        AND (expires_at IS NULL OR expires_at > now())
      ORDER BY (payload->>'iat')::bigint DESC, id`,
    [instanceId, accountId],
  );
  return rows.map((r) => ({ id: r.id, payload: r.payload, expiresAt: r.expires_at }));
}

/**
 * Deletes the user's refresh tokens (all, or the one with row id `id`) and the access tokens of
 * their grants (RFC 7009 §2.1: revoking a refresh token ends the access tokens of its grant);
 * answers the refresh token rows removed.
 */
export async function removeRefreshTokens(
  tx: EntityManager,
  instanceId: string,
  accountId: string,
  id?: string,
): Promise<string[]> {
  // TypeORM answers a DELETE … RETURNING with [rows, affected count].
  const [removed]: [{ id: string; grant_id: string | null }[], number] = await tx.query(
    `DELETE FROM oidc_payloads
      WHERE instance_id = $1 AND account_id = $2 AND model = 'RefreshToken' AND ($3::text IS NULL OR id = $3)
      RETURNING id, grant_id`,
    [instanceId, accountId, id ?? null],
  );
  const grants = [...new Set(removed.flatMap((r) => (r.grant_id ? [r.grant_id] : [])))];
  if (grants.length) {
    await tx.query(
      `DELETE FROM oidc_payloads WHERE instance_id = $1 AND model = 'AccessToken' AND grant_id = ANY($2)`,
      [instanceId, grants],
    );
  }
  return removed.map((r) => r.id);
}
