import { VmHistory } from './history';
import { Expr, Matcher, typeOf } from './promql';
import { BootSeries, Labels, seriesOfBoot } from './vmMetrics';

/** Prometheus scrapes virt-handler every 10 s, on this grid (and once when a VMI starts). */
export const SCRAPE_INTERVAL_MS = 10_000;
/** How far back an instant selector looks (Prometheus' default lookback delta). */
const LOOKBACK_MS = 5 * 60_000;

export type Point = [number, number];
export interface Sample {
  labels: Labels;
  value: number;
}
export interface RangeSeries {
  labels: Labels;
  points: Point[];
}
export type Value =
  | { type: 'scalar'; value: number }
  | { type: 'string'; value: string }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: RangeSeries[] };

/** An error while evaluating a valid query (errorType "execution", HTTP 422). */
export class ExecutionError extends Error {}

export const signature = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map(k => `${k}\xff${labels[k]}`)
    .join('\xfe');

const withoutName = (labels: Labels) => {
  const { __name__: _drop, ...rest } = labels;
  return rest;
};

function matches(labels: Labels, m: Matcher) {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    default:
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

/** How far back (ms) the query's selectors reach beyond the evaluation time. */
function maxReach(e: Expr): number {
  switch (e.kind) {
    case 'selector':
      return Math.max(0, (e.rangeMs ?? 0) + e.offsetMs);
    case 'call':
      return Math.max(0, ...e.args.map(maxReach));
    case 'aggregate':
    case 'negate':
      return maxReach(e.expr);
    case 'binary':
      return Math.max(maxReach(e.lhs), maxReach(e.rhs));
    default:
      return 0;
  }
}

function selectorsOf(e: Expr): Extract<Expr, { kind: 'selector' }>[] {
  switch (e.kind) {
    case 'selector':
      return [e];
    case 'call':
      return e.args.flatMap(selectorsOf);
    case 'aggregate':
    case 'negate':
      return selectorsOf(e.expr);
    case 'binary':
      return [...selectorsOf(e.lhs), ...selectorsOf(e.rhs)];
    default:
      return [];
  }
}

/** A series as Prometheus stores it: one label set, possibly over several boots of the VM. */
class StoredSeries {
  readonly parts: BootSeries[] = [];
  constructor(readonly labels: Labels) {}

  /**
   * The samples in (from, to]: one per grid time while a boot ran, and one
   * when each boot started (the target's first scrape), never in the future.
   */
  samples(from: number, to: number, now: number): Point[] {
    const last = Math.min(to, now);
    const out: Point[] = [];
    for (
      let x = Math.floor(last / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
      x > from;
      x -= SCRAPE_INTERVAL_MS
    ) {
      const part = this.partAt(x);
      if (part) out.push([x, part.value(x)]);
    }
    for (const p of this.parts) {
      const start = p.boot.start;
      if (
        start > from &&
        start <= last &&
        start % SCRAPE_INTERVAL_MS !== 0 &&
        (p.boot.end === undefined || start < p.boot.end)
      )
        out.push([start, p.value(start)]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /**
   * The latest sample for an instant query at t: none once the VMI has
   * stopped (Prometheus marks the series stale at its next scrape; the
   * simulator does so at once, so a stopped VM shows nothing).
   */
  latestAt(t: number, now: number): number | undefined {
    const last = Math.min(t, now);
    const tau = Math.floor(last / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
    const started = this.parts.find(
      p => p.boot.start > tau && p.boot.start <= last,
    );
    const part = started ?? this.partAt(tau);
    if (!part || (part.boot.end !== undefined && part.boot.end <= t))
      return undefined;
    return part.value(started ? started.boot.start : tau);
  }

  private partAt(tau: number) {
    return this.parts.find(
      p =>
        p.boot.start <= tau && (p.boot.end === undefined || tau < p.boot.end),
    );
  }
}

function extrapolatedRate(
  points: Point[],
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  // promql/functions.go extrapolatedRate
  if (points.length < 2) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  let result = last[1] - first[1];
  if (isCounter) {
    for (let i = 1; i < points.length; i++)
      if (points[i][1] < points[i - 1][1]) result += points[i - 1][1];
  }
  let durationToStart = (first[0] - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - last[0]) / 1000;
  const sampledInterval = (last[0] - first[0]) / 1000;
  const averageBetween = sampledInterval / (points.length - 1);
  if (isCounter && result > 0 && first[1] >= 0) {
    const durationToZero = sampledInterval * (first[1] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let interval = sampledInterval;
  interval +=
    durationToStart < threshold ? durationToStart : averageBetween / 2;
  interval += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  result *= interval / sampledInterval;
  if (isRate) result /= (rangeEnd - rangeStart) / 1000;
  return result;
}

const RANGE_FUNCTIONS: Record<
  string,
  (points: Point[], start: number, end: number) => number | undefined
> = {
  rate: (p, s, e) => extrapolatedRate(p, s, e, true, true),
  increase: (p, s, e) => extrapolatedRate(p, s, e, true, false),
  delta: (p, s, e) => extrapolatedRate(p, s, e, false, false),
  irate: p => {
    if (p.length < 2) return undefined;
    const [a, b] = p.slice(-2);
    return (b[1] < a[1] ? b[1] : b[1] - a[1]) / ((b[0] - a[0]) / 1000);
  },
  idelta: p =>
    p.length < 2 ? undefined : p[p.length - 1][1] - p[p.length - 2][1],
  avg_over_time: p => p.reduce((s, x) => s + x[1], 0) / p.length,
  min_over_time: p => Math.min(...p.map(x => x[1])),
  max_over_time: p => Math.max(...p.map(x => x[1])),
  sum_over_time: p => p.reduce((s, x) => s + x[1], 0),
  count_over_time: p => p.length,
  last_over_time: p => p[p.length - 1][1],
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
  '>': (a, b) => Number(a > b),
  '<': (a, b) => Number(a < b),
  '>=': (a, b) => Number(a >= b),
  '<=': (a, b) => Number(a <= b),
};
const isComparison = (op: string) =>
  ['==', '!=', '>', '<', '>=', '<='].includes(op);

/**
 * Evaluates parsed PromQL against the synthetic kubevirt_vmi_* series of the
 * simulator's VMs, with Prometheus' semantics for staleness, rate
 * extrapolation and vector matching.
 */
export class Evaluator {
  private readonly boots = new WeakMap<object, BootSeries[]>();

  constructor(
    private readonly history: VmHistory,
    private readonly now: () => number = Date.now,
  ) {}

  instant(expr: Expr, t: number): Value {
    return this.eval(expr, t, this.select(expr, t, t));
  }

  range(expr: Expr, start: number, end: number, step: number): RangeSeries[] {
    if (typeOf(expr) !== 'scalar' && typeOf(expr) !== 'vector') {
      throw new ExecutionError(
        `invalid expression type "${
          typeOf(expr) === 'matrix' ? 'range vector' : 'string'
        }" for range query, must be Scalar or instant Vector`,
      );
    }
    const series = this.select(expr, start, end);
    const out = new Map<string, RangeSeries>();
    for (let t = start; t <= end; t += step) {
      const v = this.eval(expr, t, series);
      const samples =
        v.type === 'scalar'
          ? [{ labels: {}, value: v.value }]
          : (v as { samples: Sample[] }).samples;
      for (const s of samples) {
        const sig = signature(s.labels);
        let rs = out.get(sig);
        if (!rs) out.set(sig, (rs = { labels: s.labels, points: [] }));
        rs.points.push([t, s.value]);
      }
    }
    return [...out.values()].sort((a, b) =>
      signature(a.labels).localeCompare(signature(b.labels)),
    );
  }

  /** Label sets of the series that match a selector and have samples in [from, to] (the series API). */
  seriesMatching(selector: Expr, from: number, to: number): Labels[] {
    if (selector.kind !== 'selector')
      throw new ExecutionError('not a series selector');
    const now = this.now();
    return this.select(selector, from, to)
      .filter(
        s =>
          (!selector.name || s.labels.__name__ === selector.name) &&
          selector.matchers.every(m => matches(s.labels, m)),
      )
      .filter(s => s.samples(from - 1, to, now).length > 0)
      .map(s => s.labels);
  }

  /** The stored series a query may touch over [from, to], grouped by label set. */
  private select(expr: Expr, from: number, to: number): StoredSeries[] {
    const reach = maxReach(expr) + LOOKBACK_MS;
    const selectors = selectorsOf(expr);
    // a boot's series all share its namespace and name: skip the VMs no selector can match
    const wanted = (namespace: string, name: string) =>
      selectors.some(sel =>
        sel.matchers.every(
          m =>
            (m.name !== 'namespace' && m.name !== 'name') ||
            matches({ namespace, name }, m),
        ),
      );
    const grouped = new Map<string, StoredSeries>();
    for (const boot of this.history.bootsBetween(from - reach, to)) {
      if (!wanted(boot.namespace, boot.name)) continue;
      let list = this.boots.get(boot);
      if (!list) this.boots.set(boot, (list = seriesOfBoot(boot)));
      for (const part of list) {
        const sig = signature(part.labels);
        let s = grouped.get(sig);
        if (!s) grouped.set(sig, (s = new StoredSeries(part.labels)));
        s.parts.push(part);
      }
    }
    return [...grouped.values()];
  }

  private eval(e: Expr, t: number, store: StoredSeries[]): Value {
    const now = this.now();
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', value: e.value };
      case 'string':
        return { type: 'string', value: e.value };
      case 'negate': {
        const v = this.eval(e.expr, t, store);
        if (v.type === 'scalar') return { type: 'scalar', value: -v.value };
        return {
          type: 'vector',
          samples: (v as { samples: Sample[] }).samples.map(s => ({
            labels: withoutName(s.labels),
            value: -s.value,
          })),
        };
      }
      case 'selector': {
        const wanted = store.filter(
          s =>
            (!e.name || s.labels.__name__ === e.name) &&
            e.matchers.every(m => matches(s.labels, m)),
        );
        const at = t - e.offsetMs;
        if (e.rangeMs === undefined) {
          const samples: Sample[] = [];
          for (const s of wanted) {
            const v = s.latestAt(at, now);
            if (v !== undefined) samples.push({ labels: s.labels, value: v });
          }
          return { type: 'vector', samples };
        }
        const series: RangeSeries[] = [];
        for (const s of wanted) {
          const points = s.samples(at - e.rangeMs, at, now);
          if (points.length) series.push({ labels: s.labels, points });
        }
        return { type: 'matrix', series };
      }
      case 'call':
        return this.call(e, t, store);
      case 'aggregate':
        return this.aggregate(e, t, store);
      case 'binary':
        return this.binary(e, t, store);
      default:
        throw new ExecutionError('unsupported expression');
    }
  }

  private call(
    e: Extract<Expr, { kind: 'call' }>,
    t: number,
    store: StoredSeries[],
  ): Value {
    if (e.fn === 'time') return { type: 'scalar', value: t / 1000 };
    const args = e.args.map(a => this.eval(a, t, store));
    const rangeFn = RANGE_FUNCTIONS[e.fn];
    if (rangeFn) {
      const sel = e.args[0] as Extract<Expr, { kind: 'selector' }>;
      const end = t - sel.offsetMs;
      const samples: Sample[] = [];
      for (const s of (args[0] as { series: RangeSeries[] }).series) {
        const v = rangeFn(s.points, end - sel.rangeMs!, end);
        if (v !== undefined)
          samples.push({
            labels:
              e.fn === 'last_over_time' ? s.labels : withoutName(s.labels),
            value: v,
          });
      }
      return { type: 'vector', samples };
    }
    if (e.fn === 'vector')
      return {
        type: 'vector',
        samples: [{ labels: {}, value: (args[0] as { value: number }).value }],
      };
    const samples = (args[0] as { samples: Sample[] }).samples;
    if (e.fn === 'scalar')
      return {
        type: 'scalar',
        value: samples.length === 1 ? samples[0].value : NaN,
      };
    const p = (args[1] as { value: number } | undefined)?.value;
    const fn: Record<string, (v: number) => number> = {
      abs: Math.abs,
      ceil: Math.ceil,
      floor: Math.floor,
      round: v => Math.round(v / (p ?? 1)) * (p ?? 1),
      clamp_min: v => Math.max(v, p!),
      clamp_max: v => Math.min(v, p!),
    };
    return {
      type: 'vector',
      samples: samples.map(s => ({
        labels: withoutName(s.labels),
        value: fn[e.fn](s.value),
      })),
    };
  }

  private aggregate(
    e: Extract<Expr, { kind: 'aggregate' }>,
    t: number,
    store: StoredSeries[],
  ): Value {
    const { samples } = this.eval(e.expr, t, store) as { samples: Sample[] };
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const s of samples) {
      let labels: Labels;
      if (e.without) {
        labels = withoutName(s.labels);
        for (const l of e.grouping) delete labels[l];
      } else {
        labels = Object.fromEntries(
          e.grouping
            .filter(l => s.labels[l] !== undefined)
            .map(l => [l, s.labels[l]]),
        );
      }
      const sig = signature(labels);
      let g = groups.get(sig);
      if (!g) groups.set(sig, (g = { labels, values: [] }));
      g.values.push(s.value);
    }
    const reduce: Record<string, (v: number[]) => number> = {
      sum: v => v.reduce((a, b) => a + b, 0),
      avg: v => v.reduce((a, b) => a + b, 0) / v.length,
      min: v => Math.min(...v),
      max: v => Math.max(...v),
      count: v => v.length,
    };
    return {
      type: 'vector',
      samples: [...groups.values()].map(g => ({
        labels: g.labels,
        value: reduce[e.op](g.values),
      })),
    };
  }

  private binary(
    e: Extract<Expr, { kind: 'binary' }>,
    t: number,
    store: StoredSeries[],
  ): Value {
    const lhs = this.eval(e.lhs, t, store);
    const rhs = this.eval(e.rhs, t, store);
    const op = ARITHMETIC[e.op];
    const comparison = isComparison(e.op);
    if (lhs.type === 'scalar' && rhs.type === 'scalar')
      return { type: 'scalar', value: op(lhs.value, rhs.value) };
    const result = (
      labels: Labels,
      a: number,
      b: number,
      keep: number,
    ): Sample | undefined => {
      const v = op(a, b);
      if (comparison && !e.bool) return v ? { labels, value: keep } : undefined;
      return { labels: withoutName(labels), value: v };
    };
    if (lhs.type === 'scalar' || rhs.type === 'scalar') {
      const vector = (lhs.type === 'vector' ? lhs : rhs) as {
        samples: Sample[];
      };
      const scalar = (lhs.type === 'scalar' ? lhs : rhs) as { value: number };
      const out: Sample[] = [];
      for (const s of vector.samples) {
        const r =
          lhs.type === 'scalar'
            ? result(s.labels, scalar.value, s.value, s.value)
            : result(s.labels, s.value, scalar.value, s.value);
        if (r) out.push(r);
      }
      return { type: 'vector', samples: out };
    }
    const key = (labels: Labels) => {
      if (e.on)
        return signature(
          Object.fromEntries(
            e.on.filter(l => labels[l] !== undefined).map(l => [l, labels[l]]),
          ),
        );
      const rest = withoutName(labels);
      for (const l of e.ignoring ?? []) delete rest[l];
      return signature(rest);
    };
    const right = new Map<string, Sample>();
    for (const s of (rhs as { samples: Sample[] }).samples) {
      const k = key(s.labels);
      if (right.has(k))
        throw new ExecutionError(
          `found duplicate series for the match group ${k
            .replace(/\xff/g, '=')
            .replace(
              /\xfe/g,
              ', ',
            )} on the right hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      right.set(k, s);
    }
    const seen = new Set<string>();
    const out: Sample[] = [];
    for (const s of (lhs as { samples: Sample[] }).samples) {
      const k = key(s.labels);
      const match = right.get(k);
      if (!match) continue;
      if (seen.has(k))
        throw new ExecutionError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      seen.add(k);
      let labels = s.labels;
      if (e.on)
        labels = Object.fromEntries(
          e.on
            .filter(l => s.labels[l] !== undefined)
            .map(l => [l, s.labels[l]]),
        );
      else if (e.ignoring)
        labels = Object.fromEntries(
          Object.entries(s.labels).filter(([l]) => !e.ignoring!.includes(l)),
        );
      const r = result(labels, s.value, match.value, s.value);
      if (r) out.push(r);
    }
    return { type: 'vector', samples: out };
  }
}
