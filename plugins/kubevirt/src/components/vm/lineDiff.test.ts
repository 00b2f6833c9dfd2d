import { stringify } from 'yaml';
import { lineDiff } from './lineDiff';
import { editableVm } from './YamlTab';

describe('lineDiff', () => {
  it('finds the changed lines of two manifests', () => {
    const before = stringify(
      editableVm({
        metadata: { name: 'a', resourceVersion: '1' },
        spec: { runStrategy: 'Always', x: 1 },
      }),
    );
    const after = stringify(
      editableVm({
        metadata: { name: 'a', resourceVersion: '2' },
        spec: { runStrategy: 'Always', x: 1, y: 2 },
      }),
    );
    const d = lineDiff(before, after);
    expect(d.filter(l => l.kind === 'removed').map(l => l.text.trim())).toEqual(
      ['resourceVersion: "1"'],
    );
    expect(d.filter(l => l.kind === 'added').map(l => l.text.trim())).toEqual([
      'resourceVersion: "2"',
      'y: 2',
    ]);
    expect(d.filter(l => l.kind === 'same').map(l => l.text.trim())).toContain(
      'runStrategy: Always',
    );
    // a replaced line reads old first, then new
    const changed = d
      .filter(l => l.kind !== 'same')
      .map(l => `${l.kind} ${l.text.trim()}`);
    expect(changed.indexOf('removed resourceVersion: "1"')).toBeLessThan(
      changed.indexOf('added resourceVersion: "2"'),
    );
  });
});
