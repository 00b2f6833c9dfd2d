export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/**
 * A line diff (longest common subsequence) of two texts, enough for two
 * versions of one VM manifest (hundreds of lines). Lines only in `before`
 * come out as removed, only in `after` as added.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // trim the common head and tail: most of a manifest does not change
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () =>
    new Array<number>(y.length + 1).fill(0),
  );
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i][j] =
        x[i] === y[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ kind: 'same', text: x[i] });
      i++;
      j++;
    } else if (
      j < y.length &&
      (i === x.length || lcs[i][j + 1] > lcs[i + 1][j])
    ) {
      // on a tie the old line goes first, as diff -u shows a replaced line
      middle.push({ kind: 'added', text: y[j++] });
    } else {
      middle.push({ kind: 'removed', text: x[i++] });
    }
  }
  return [
    ...a.slice(0, head).map(text => ({ kind: 'same' as const, text })),
    ...middle,
    ...a.slice(a.length - tail).map(text => ({ kind: 'same' as const, text })),
  ];
}
