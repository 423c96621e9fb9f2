/**
 * The method names of a README table row (`| \`service\` | A, B (a note, with commas), C |`): the
 * cell is split on commas outside parentheses, notes in parentheses are dropped, so `GetUser`
 * is a name of its own and never matches inside `GetUserByID`. Anything left that is not a
 * method-shaped name is returned too, so a stray word fails the comparison instead of hiding.
 */
export function methodNamesOfRow(row: string, cell = 2): string[] {
  const text = row.split('|')[cell] ?? '';
  let depth = 0;
  let bare = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) bare += ch;
  }
  return bare
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** What a served set and a listed set disagree on, each way, sorted for a readable failure. */
export function methodListDifference(
  served: Iterable<string>,
  listed: Iterable<string>,
): { unlisted: string[]; notServed: string[] } {
  const s = new Set(served);
  const l = new Set(listed);
  return {
    unlisted: [...s].filter((m) => !l.has(m)).sort(),
    notServed: [...l].filter((m) => !s.has(m)).sort(),
  };
}
