import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import type { RunningServer } from '../../src/server.js';

/**
 * A project row made with SQL, so these tests do not depend on the ProjectService (another
 * module); the columns are those of the projects migration.
 */
export async function insertProject(
  server: RunningServer,
  orgId: string,
  name: string,
  options: { state?: 'active' | 'inactive'; roleAssertion?: boolean } = {},
): Promise<string> {
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  const id = server.app.get(IdGenerator).next();
  await server.database.dataSource.query(
    `INSERT INTO projects (instance_id, id, resource_owner, name, state, project_role_assertion, created_at, changed_at, sequence)
     VALUES ($1, $2, $3, $4, $5, $6, now(), now(), 0)`,
    [instance.id, id, orgId, name, options.state ?? 'active', options.roleAssertion ?? false],
  );
  return id;
}

export async function instanceIdOf(server: RunningServer): Promise<string> {
  return (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
}
