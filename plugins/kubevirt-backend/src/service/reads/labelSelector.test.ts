import { parseSelector } from './labelSelector';

const labels = { app: 'db', tier: 'gold', 'backstage.io/kubernetes-id': 'pay' };

describe('parseSelector', () => {
  it.each([
    ['app=db', true],
    ['app==db', true],
    ['app!=db', false],
    ['tier in (gold, silver)', true],
    ['tier notin (gold)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=db,tier in (silver,bronze)', false],
    ['backstage.io/kubernetes-id=pay, tier', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseSelector(selector).matches(labels)).toBe(expected);
  });

  it('names the first equality term, which picks candidates from an index', () => {
    expect(parseSelector('tier in (gold),app=db').equality).toEqual([
      'app',
      'db',
    ]);
    expect(parseSelector('tier notin (gold)').equality).toBeUndefined();
  });

  it('refuses a term that is not a selector (400)', () => {
    expect(() => parseSelector('app=~db')).toThrow(
      'Invalid label selector: app=~db',
    );
  });
});
