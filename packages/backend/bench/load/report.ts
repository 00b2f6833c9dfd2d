/* eslint-disable no-console */
import { pct, Recorder } from './http';
import { routes } from './scenarios';

export interface Sample {
  t: number;
  phase: string;
  rssMb: number;
  /** Event-loop delay beyond the 10 ms timer, over the last second: p99 and max, ms. */
  loopP99: number;
  loopMax: number;
  requests: number;
}

export interface ScaleResult {
  vms: number;
  clusters: number;
  syncMs: number;
  phases: { name: string; inFlight: number; rec: Recorder }[];
  mixed: { users: number; rec: Recorder }[];
  samples: Sample[];
  load: number[];
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function statuses(m: Map<string, number>) {
  const bad = [...m].filter(([s]) => !/^2\d\d$/.test(s));
  return bad.length ? bad.map(([s, n]) => `${s}: ${n}`).join(', ') : '0';
}

function routeRow(prefix: string, route: string, rec: Recorder) {
  const r = rec.routes.get(route);
  if (!r) return undefined;
  const ms = r.ms.filter(Number.isFinite);
  return `| ${prefix} | ${route} | ${r.ms.length} | ${f(
    r.ms.length / rec.seconds,
    0,
  )} | ${f(pct(ms, 50), 2)} | ${f(pct(ms, 95), 2)} | ${f(
    pct(ms, 99),
    2,
  )} | ${statuses(r.statuses)} |`;
}

export function printScale(r: ScaleResult, inFlight: number) {
  console.log(
    `\n## ${r.vms} VMs on ${r.clusters} simulated clusters (broker synced ${f(
      r.syncMs / 1000,
    )} s after start; load average at the end ${r.load
      .map(l => f(l, 2))
      .join(' / ')})`,
  );
  if (r.phases.length) {
    console.log(
      '\n| phase | route | requests | req/s | p50 ms | p95 ms | p99 ms | errors by status |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const p of r.phases)
      for (const route of p.rec.routes.keys())
        console.log(routeRow(p.name, route, p.rec));
    const find = (name: string, route: string) =>
      r.phases.find(p => p.name === name)?.rec.routes.get(route)?.ms ?? [];
    const find2 = (name: string) => r.phases.find(p => p.name === name)?.rec;
    const seqBroker = find('entity tab, sequential', routes.entityTab);
    const seqK8s = find('kubernetes plugin, sequential', routes.kubernetes);
    const parBroker = find2(`entity tab, ${inFlight} in flight`);
    const parK8s = find2(`kubernetes plugin, ${inFlight} in flight`);
    const rate = (rec?: Recorder) => (rec ? rec.total / rec.seconds : NaN);
    const p99Par = pct(parBroker?.routes.get(routes.entityTab)?.ms ?? [], 99);
    console.log(
      `\nSame entities, same run: kubernetes plugin / entity tab p50 sequential ${f(
        pct(seqK8s, 50) / pct(seqBroker, 50),
        0,
      )}x, p99 ${f(
        pct(seqK8s, 99) / pct(seqBroker, 99),
        0,
      )}x; throughput at ${inFlight} in flight ${f(
        rate(parBroker) / rate(parK8s),
        0,
      )}x`,
    );
    console.log(
      `Goals: sequential p50 ≤ 2 ms ${
        pct(seqBroker, 50) <= 2 ? 'met' : 'MISSED'
      } (${f(pct(seqBroker, 50), 2)}), p99 ≤ 10 ms ${
        pct(seqBroker, 99) <= 10 ? 'met' : 'MISSED'
      } (${f(pct(seqBroker, 99), 2)}); ${inFlight} in flight ≥ 1000 req/s ${
        rate(parBroker) >= 1000 ? 'met' : 'MISSED'
      } (${f(rate(parBroker), 0)}), p99 ≤ 50 ms ${
        p99Par <= 50 ? 'met' : 'MISSED'
      } (${f(p99Par, 2)}); ≥ 20x the kubernetes plugin ${
        pct(seqK8s, 50) / pct(seqBroker, 50) >= 20 ? 'met' : 'MISSED'
      }`,
    );
  }
  if (r.mixed.length) {
    console.log(
      '\n| users | route | requests | req/s | p50 ms | p95 ms | p99 ms | errors by status |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const m of r.mixed) {
      for (const route of Object.values(routes)) {
        const row = routeRow(String(m.users), route, m.rec);
        if (row) console.log(row);
      }
      console.log(
        `| ${m.users} | **all** | ${m.rec.total} | ${f(
          m.rec.total / m.rec.seconds,
          0,
        )} | | | | |`,
      );
    }
  }
  console.log(
    '\nBackend over time (RSS from /proc; event-loop delay p99/max over each second, from monitorEventLoopDelay in the backend):',
  );
  console.log(
    '| t s | phase | RSS MB | loop delay p99 ms | max ms | requests |',
  );
  console.log('|---|---|---|---|---|---|');
  let lastPhase = '';
  r.samples.forEach((s, i) => {
    // one row per 5 s, and the first of each phase
    if (s.phase !== lastPhase || i % 5 === 0)
      console.log(
        `| ${f(s.t, 0)} | ${s.phase} | ${f(s.rssMb, 0)} | ${f(
          s.loopP99,
          1,
        )} | ${f(s.loopMax, 1)} | ${s.requests} |`,
      );
    lastPhase = s.phase;
  });
}
