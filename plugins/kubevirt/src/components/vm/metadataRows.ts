import {
  annotationsProblems,
  labelsProblems,
  metadataKeyRule,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/** One key/value row of the editor; `id` keeps React's keys stable while the key is typed. */
export interface MetadataRow {
  id: number;
  key: string;
  value: string;
  /** On the VM when editing began: its key is fixed (a rename is a removal and an addition). */
  existing: boolean;
}

export type MetadataKind = 'labels' | 'annotations';

let nextId = 0;
export const rowsOf = (map: Record<string, string> = {}): MetadataRow[] =>
  Object.entries(map)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ id: nextId++, key, value, existing: true }));

export const newRow = (): MetadataRow => ({
  id: nextId++,
  key: '',
  value: '',
  existing: false,
});

export const mapOf = (rows: MetadataRow[]) =>
  Object.fromEntries(rows.map(r => [r.key.trim(), r.value]));

/** What is wrong with the rows, as the broker (and the apiserver) would say it. */
export function rowsProblems(
  kind: MetadataKind,
  rows: MetadataRow[],
  mayChangeOwnership: boolean,
) {
  const problems: string[] = [];
  for (const r of rows.filter(x => !x.existing && x.key.trim())) {
    const locked = lockedReason(r.key.trim(), mayChangeOwnership);
    if (locked) problems.push(`${r.key.trim()}: ${locked}`);
  }
  const keys = rows.map(r => r.key.trim());
  if (keys.some(k => !k)) problems.push('Every row needs a key');
  const dupes = keys.filter((k, i) => k && keys.indexOf(k) !== i);
  if (dupes.length)
    problems.push(`Keys must be unique: ${[...new Set(dupes)].join(', ')}`);
  const map = mapOf(rows.filter(r => r.key.trim()));
  problems.push(
    ...(kind === 'labels' ? labelsProblems(map) : annotationsProblems(map)),
  );
  return problems;
}

/** Why the editor does not let this key change, or undefined. */
export function lockedReason(key: string, mayChangeOwnership: boolean) {
  const rule = metadataKeyRule(key);
  if (rule === 'platform')
    return 'Kept by Kubernetes or KubeVirt: it cannot be changed here';
  if (rule === 'ownership' && !mayChangeOwnership)
    return 'It decides who owns the VM: changing it needs vm-admin (the right to delete the VM)';
  return undefined;
}

/** One line per key whose value differs between two maps, `-` before and `+` after, sorted by key. */
export function mapDiff(
  before: Record<string, string>,
  after: Record<string, string>,
): { kind: 'removed' | 'added'; text: string }[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter(k => before[k] !== after[k])
    .sort();
  return keys.flatMap(k => [
    ...(k in before
      ? [{ kind: 'removed' as const, text: `${k}=${before[k]}` }]
      : []),
    ...(k in after
      ? [{ kind: 'added' as const, text: `${k}=${after[k]}` }]
      : []),
  ]);
}
