import { Code } from '@connectrpc/connect';
import { codeOf } from './clients.js';
import type { Factories } from './factories.js';

/** What a call ends with: 'ok', or the gRPC code it is refused with. */
export type Outcome = Code | 'ok';

export const OK = 'ok' as const;
export const NOT_FOUND = Code.NotFound;
export const DENIED = Code.PermissionDenied;

/**
 * The actors most permission tests need, around two orgs: A's ORG_OWNER, A's ORG_OWNER_VIEWER,
 * B's ORG_OWNER, a user of A with no management role (ORG_USER_SELF_MANAGER: only itself), and
 * an IAM_OWNER of the instance. Tokens are PATs.
 */
export interface OrgActors {
  readonly orgA: string;
  readonly orgB: string;
  readonly tokens: {
    readonly instanceAdmin: string;
    readonly ownerA: string;
    readonly viewerA: string;
    readonly ownerB: string;
    readonly plainA: string;
  };
  /** The user ids behind the tokens (the instance admin's is the bootstrap machine's, not known here). */
  readonly userIds: {
    readonly ownerA: string;
    readonly viewerA: string;
    readonly ownerB: string;
    readonly plainA: string;
  };
}

export type OrgActor = keyof OrgActors['tokens'];

/** Makes orgs A and B and the five actors; `adminPat` is the instance admin's token. */
export async function orgActors(make: Factories, adminPat: string): Promise<OrgActors> {
  const orgA = await make.org({ name: `Org A ${Date.now()}` });
  const orgB = await make.org({ name: `Org B ${Date.now()}` });
  const ownerA = await make.principal(orgA, ['ORG_OWNER']);
  const viewerA = await make.principal(orgA, ['ORG_OWNER_VIEWER']);
  const ownerB = await make.principal(orgB, ['ORG_OWNER']);
  const plainA = await make.principal(orgA, ['ORG_USER_SELF_MANAGER']);
  return {
    orgA,
    orgB,
    tokens: {
      instanceAdmin: adminPat,
      ownerA: ownerA.pat,
      viewerA: viewerA.pat,
      ownerB: ownerB.pat,
      plainA: plainA.pat,
    },
    userIds: { ownerA: ownerA.userId, viewerA: viewerA.userId, ownerB: ownerB.userId, plainA: plainA.userId },
  };
}

/** One method of a matrix: the call (as the holder of `token`, on the fixture) and each actor's outcome. */
export interface MatrixRow<A extends string, F> {
  readonly method: string;
  readonly call: (token: string, fixture: F) => Promise<unknown>;
  /** Actors left out are not tried for this method; a list accepts any of its outcomes. */
  readonly expect: Partial<Record<A, Outcome | readonly Outcome[]>>;
  /** Passed to the fixture factory: the state the method needs (e.g. a deactivated resource). */
  readonly setup?: Record<string, unknown>;
}

export interface Matrix<A extends string, F> {
  readonly rows: readonly MatrixRow<A, F>[];
  /** A fresh resource for one case, so no case sees another's changes. */
  readonly fixture: (actor: A, row: MatrixRow<A, F>) => Promise<F>;
  /** The actor's token; the fixture may hold it (e.g. the owner of the fixture's own project). */
  readonly token: (actor: A, fixture: F) => string;
  /** Checked after every refused call (and, when given, after the calls `alsoUnchanged` names): nothing changed. */
  readonly unchanged?: (fixture: F) => Promise<void>;
  /** Calls that answer OK without touching the resource (idempotent deletes by those who cannot see it). */
  readonly alsoUnchanged?: (actor: A, row: MatrixRow<A, F>) => boolean;
}

const outcomeName = (o: Outcome | readonly Outcome[]): string =>
  typeof o === 'object' ? o.map(outcomeName).join(' or ') : o === OK ? 'OK' : Code[o];

/**
 * Table-driven permission tests: one test per method and actor, named after both and the
 * expected outcome, each on a fresh fixture; a refused call must leave the fixture as it was.
 */
export function permissionMatrix<A extends string, F>(matrix: Matrix<A, F>): void {
  const cases = matrix.rows.flatMap((row) =>
    (Object.entries(row.expect) as [A, Outcome | readonly Outcome[]][]).map(([actor, outcome]) => ({
      row,
      actor,
      outcome,
    })),
  );
  it.each(cases.map((c) => [`${c.row.method} as ${c.actor}: ${outcomeName(c.outcome)}`, c] as const))(
    '%s',
    async (_name, { row, actor, outcome }) => {
      const fixture = await matrix.fixture(actor, row);
      const allowed: readonly Outcome[] = typeof outcome === 'object' ? outcome : [outcome];
      const got = await codeOf(row.call(matrix.token(actor, fixture), fixture));
      if (allowed.length === 1) expect(got).toBe(allowed[0]);
      else expect(allowed).toContain(got);
      if (matrix.unchanged && (!allowed.includes(OK) || matrix.alsoUnchanged?.(actor, row)))
        await matrix.unchanged(fixture);
    },
  );
}
