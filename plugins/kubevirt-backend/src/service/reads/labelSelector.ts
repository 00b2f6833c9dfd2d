import { InputError } from '@backstage/errors';

/**
 * Equality and set-based label selectors, evaluated against the cache; the
 * first `key=value` term, when there is one, picks candidates from an index.
 */
export function parseSelector(selector: string): {
  matches: (labels: Record<string, string>) => boolean;
  equality?: [string, string];
} {
  const parts = selector
    .split(/,(?![^(]*\))/)
    .map(p => p.trim())
    .filter(Boolean);
  const tests = parts.map(part => {
    const set = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    if (set) {
      const values = set[3].split(',').map(v => v.trim());
      return (l: Record<string, string>) =>
        set[2] === 'in'
          ? values.includes(l[set[1]])
          : !values.includes(l[set[1]]);
    }
    const eq = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/);
    if (eq)
      return (l: Record<string, string>) =>
        eq[2] === '!=' ? l[eq[1]] !== eq[3] : l[eq[1]] === eq[3];
    const not = part.match(/^!([\w./-]+)$/);
    if (not) return (l: Record<string, string>) => !(not[1] in l);
    if (/^[\w./-]+$/.test(part))
      return (l: Record<string, string>) => part in l;
    throw new InputError(`Invalid label selector: ${part}`);
  });
  const equality = parts
    .map(p => p.match(/^([\w./-]+)\s*==?\s*([\w.-]*)$/))
    .find(Boolean);
  return {
    matches: labels => tests.every(t => t(labels)),
    ...(equality
      ? { equality: [equality[1], equality[2]] as [string, string] }
      : {}),
  };
}
