import { joinedTable } from './joined-table.js';

describe('joinedTable', () => {
  const joinThings = joinedTable('things');

  it('joins on the instance and the id, as the joining statement names them', () => {
    expect(joinThings('t', { instanceId: 'r.instance_id', id: 'r.thing_id' })).toBe(
      'JOIN things t ON t.instance_id = r.instance_id AND t.id = r.thing_id',
    );
  });

  it('puts a further condition first and joins LEFT when the row may be missing', () => {
    expect(
      joinThings('t', { instanceId: 'm.instance_id', id: 'm.resource_id' }, { left: true, when: "m.level = 'thing'" }),
    ).toBe("LEFT JOIN things t ON m.level = 'thing' AND t.instance_id = m.instance_id AND t.id = m.resource_id");
  });
});
