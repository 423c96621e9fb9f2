import { toWhatwgHeaders } from './request-headers.js';

describe('toWhatwgHeaders', () => {
  it('drops HTTP/2 pseudo-headers, keeps repeated values and takes :authority as host', () => {
    const headers = toWhatwgHeaders({
      ':authority': 'id.example.com',
      ':path': '/x',
      'x-a': ['1', '2'],
      accept: 'application/json',
    });
    expect(headers.get('host')).toBe('id.example.com');
    expect(headers.get('x-a')).toBe('1, 2');
    expect(headers.get('accept')).toBe('application/json');
    expect(toWhatwgHeaders({ host: 'h1', ':authority': 'h2' }).get('host')).toBe('h1');
  });
});
