import { GROUPED_TOKEN_LOOKUP, TOKEN_LOOKUP } from '../../../src/oidc/oidc-payloads.store.js';
import { mediumAppForFile } from '../support/medium-app.js';

const medium = mediumAppForFile();

interface PlanNode {
  'Node Type': string;
  'Index Cond'?: string;
  'Join Filter'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The nodes of `statement`'s generic plan for `args` (SQL literals: EXPLAIN EXECUTE takes no bind parameters). */
async function genericPlan(statement: string, args: string): Promise<PlanNode[]> {
  const runner = medium().database.dataSource.createQueryRunner();
  try {
    await runner.query('SET plan_cache_mode = force_generic_plan');
    await runner.query(`PREPARE token_lookup_plan AS ${statement}`);
    const [
      {
        'QUERY PLAN': [explained],
      },
    ] = await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE token_lookup_plan(${args})`);
    return nodes(explained.Plan as PlanNode);
  } finally {
    await runner.query('DEALLOCATE ALL').catch(() => undefined);
    await runner.query('RESET plan_cache_mode').catch(() => undefined);
    await runner.release();
  }
}

const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;

// Token look-ups are prepared statements: PostgreSQL may keep one generic plan per connection,
// made with whatever the statistics said then. A server that starts on an empty table and then
// issues thousands of grants must still find each token's grant by its key.
beforeAll(async () => {
  const { dataSource } = medium().database;
  const instanceId = medium().instance.id;
  await dataSource.query('ANALYZE oidc_payloads');
  await dataSource.query(
    `INSERT INTO oidc_payloads (instance_id, model, id, payload, expires_at)
     SELECT $1, 'Grant', 'lookup-grant-' || i, '{}', now() + interval '1 hour' FROM generate_series(1, 3000) i`,
    [instanceId],
  );
  await dataSource.query(
    `INSERT INTO oidc_payloads (instance_id, model, id, payload, grant_id, expires_at)
     VALUES ($1, 'AccessToken', 'lookup-token', '{}', 'some-grant', now() + interval '1 hour')`,
    [instanceId],
  );
});

function expectWholeKeys(plan: PlanNode[], tokenId: string): void {
  const tokenScan = plan.find((n) => n['Index Cond']?.includes(tokenId));
  expect(tokenScan?.['Index Cond']).toMatch(/\bmodel = /);
  const grantScan = plan.find((n) => n['Index Cond']?.includes("'Grant'"));
  expect(grantScan?.['Index Cond']).toMatch(/\bid = /);
  expect(plan.filter((n) => n['Join Filter'])).toEqual([]);
}

it('a token look-up uses the whole primary key for the token and its grant in a generic plan, with statistics made before any grant existed', async () => {
  const plan = await genericPlan(TOKEN_LOOKUP, `${literal(medium().instance.id)}, 'lookup-token'`);
  expectWholeKeys(plan, '$2');
});

it('a grouped look-up (several tokens in one statement) uses the whole primary key for each token and its grant in a generic plan', async () => {
  const plan = await genericPlan(
    GROUPED_TOKEN_LOOKUP,
    `${literal(medium().instance.id)}, ARRAY['lookup-token', 'another-token']`,
  );
  expectWholeKeys(plan, 'k.id');
});
