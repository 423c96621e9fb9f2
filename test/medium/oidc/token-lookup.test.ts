import { TOKEN_LOOKUP } from '../../../src/oidc/oidc-payloads.store.js';
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

// Token look-ups are prepared statements: PostgreSQL may keep one generic plan per connection,
// made with whatever the statistics said then. A server that starts on an empty table and then
// issues thousands of grants must still find each token's grant by its key.
it('a token look-up uses the whole primary key for the token and its grant in a generic plan, with statistics made before any grant existed', async () => {
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
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SET plan_cache_mode = force_generic_plan');
    await runner.query(`PREPARE token_lookup_plan AS ${TOKEN_LOOKUP}`);
    // EXPLAIN EXECUTE takes no bind parameters: the values are literals (ids and model names only).
    const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;
    const [
      {
        'QUERY PLAN': [explained],
      },
    ] = await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE token_lookup_plan(${literal(instanceId)}, 'lookup-token')`);
    const plan = nodes(explained.Plan as PlanNode);
    const tokenScan = plan.find((n) => n['Index Cond']?.includes('$2'));
    expect(tokenScan?.['Index Cond']).toMatch(/\bmodel = /);
    const grantScan = plan.find((n) => n['Index Cond']?.includes("'Grant'"));
    expect(grantScan?.['Index Cond']).toMatch(/\bid = /);
    expect(plan.filter((n) => n['Join Filter'])).toEqual([]);
  } finally {
    await runner.query('DEALLOCATE ALL').catch(() => undefined);
    await runner.query('RESET plan_cache_mode').catch(() => undefined);
    await runner.release();
  }
});
