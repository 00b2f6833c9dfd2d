import { compareText, firstSorted } from './sortOrder';

// a seeded generator: the same cases on every run
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('list order', () => {
  it('orders Kubernetes names as English collation does, and other text by it', () => {
    const next = random(1);
    const english = new Intl.Collator('en');
    const word = (alphabet: string) =>
      Array.from(
        { length: 1 + Math.floor(next() * 8) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
    for (const alphabet of ['abcxyz0189-.', 'aAbB-_ zé9']) {
      for (let i = 0; i < 20_000; i++) {
        const [a, b] = [word(alphabet), word(alphabet)];
        expect([a, b, Math.sign(compareText(a, b))]).toEqual([
          a,
          b,
          Math.sign(english.compare(a, b)),
        ]);
      }
    }
  });

  it('picks the first items as a stable sort and a slice would, ties in their order', () => {
    const next = random(2);
    for (const [n, count] of [
      [0, 5],
      [10, 20],
      [1000, 20],
      [1000, 1],
      [5000, 300],
    ]) {
      const items = Array.from({ length: n }, (_, i) => ({
        key: Math.floor(next() * 50),
        i,
      }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      expect(firstSorted(items, count, byKey)).toEqual(
        [...items].sort(byKey).slice(0, count),
      );
    }
  });
});
