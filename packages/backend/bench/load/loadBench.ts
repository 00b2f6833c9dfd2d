/* eslint-disable no-console */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_USER_HEADER } from './benchSignIn';
import {
  backendConfigYaml,
  benchUsers,
  catalogYaml,
  groupEntityRef,
  SimulatorEndpoint,
} from './fixtures';
import { Recorder, request } from './http';
import {
  EventLoopSample,
  rssMb,
  startBackend,
  startSimulator,
} from './processes';
import {
  closedLoop,
  entityTabPath,
  routes,
  Session,
  timedCall,
  userLoop,
} from './scenarios';
import { printScale, ScaleResult, Sample } from './report';

const usage = `yarn workspace backend bench:load [--vms 1000,10000,100000] [--users 1,10,100] [--clusters 4]
  [--seconds 15] [--sequential 1000] [--in-flight 10] [--in-flight-seconds 10] [--k8s-sequential 100]
  [--think-ms 0] [--cpu-prof DIR] [--permission-cache-seconds N] [--only entity|mixed] [--out results.json]`;

/** Loopback ports given to the harness: the backend, and one simulator per cluster. */
const BACKEND_PORT = 7307;
const SIMULATOR_PORTS = [7310, 7311, 7312, 7313];
const GROUP_ENTITIES = 40;

const list = (s: string) => s.split(',').map(Number).filter(Boolean);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A small seeded generator, so two runs issue the same sequence of requests. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms ${last ?? ''}`);
}

async function runScale(
  vms: number,
  opts: ReturnType<typeof options>,
): Promise<ScaleResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubevirt-load-'));
  const clusters = opts.clusters;
  const perCluster = Math.ceil(vms / clusters);
  console.error(`… ${vms} VMs: ${clusters} simulators of ${perCluster}`);
  const sims = await Promise.all(
    SIMULATOR_PORTS.slice(0, clusters).map((port, i) =>
      startSimulator({ name: `sim-${i}`, port, vms: perCluster, dir }),
    ),
  );
  const maxUsers = Math.max(...opts.users, 4);
  // the simulator makes groups of 50 per cluster: only entities whose group exists are opened
  const groupEntities = Math.min(GROUP_ENTITIES, Math.ceil(perCluster / 50));
  const catalogFile = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(catalogFile, catalogYaml(maxUsers, GROUP_ENTITIES));
  const configFile = path.join(dir, 'app-config.json');
  fs.writeFileSync(
    configFile,
    backendConfigYaml({
      port: BACKEND_PORT,
      catalogFile,
      clusters: sims.map(s => s.endpoint as SimulatorEndpoint),
      permissionCacheSeconds: opts.permissionCacheSeconds,
    }),
  );
  const samples: Sample[] = [];
  let phase = 'start';
  let lastLoop: EventLoopSample | undefined;
  const startedAt = Date.now();
  const backend = await startBackend({
    configFile,
    port: BACKEND_PORT,
    cpuProfDir: opts.cpuProf
      ? path.resolve(opts.cpuProf, `vms-${vms}`)
      : undefined,
    onEventLoop: s => {
      lastLoop = s;
    },
  });
  const progress = { requests: 0 };
  const sampler = setInterval(() => {
    samples.push({
      t: (Date.now() - startedAt) / 1000,
      phase,
      rssMb: rssMb(backend.pid),
      loopP99: lastLoop ? Math.max(0, lastLoop.p99 - 10) : NaN,
      loopMax: lastLoop ? Math.max(0, lastLoop.max - 10) : NaN,
      requests: progress.requests,
    });
  }, 1000);
  const base = backend.baseUrl;
  try {
    const tokenOf = async (ref: string) => {
      const res = await request(`${base}/api/auth/load-bench/refresh`, {
        headers: { [BENCH_USER_HEADER]: ref },
      });
      if (res.status !== 200)
        throw new Error(
          `sign-in ${ref}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      return res.body.backstageIdentity.token as string;
    };
    const users = benchUsers(maxUsers);
    // the catalog has the users once sign-in works; then the clusters' first lists
    const signIn = (ref: string) =>
      until(`sign-in of ${ref}`, 300_000, () =>
        tokenOf(ref).catch(() => undefined),
      );
    // the catalog ingests the file in batches: the last user in it is the last one signed in
    await signIn(users[users.length - 1].ref);
    const firstToken = await signIn(users[0].ref);
    const syncMs = await until('clusters synced', 1_800_000, async () => {
      const res = await request(`${base}/api/kubevirt/clusters`, {
        token: firstToken,
      });
      const items = res.body?.items ?? [];
      return items.length === clusters &&
        items.every((c: { state: string }) => c.state === 'synced')
        ? Date.now() - startedAt
        : undefined;
    });
    const tokens: string[] = [];
    for (const u of users) tokens.push(await signIn(u.ref));
    const entityOf = new Map<number, unknown>();
    for (let g = 0; g < groupEntities; g++) {
      const [, ns, name] = groupEntityRef(g).match(/:(.*)\/(.*)/)!;
      entityOf.set(
        g,
        await until(`entity ${name}`, 120_000, async () => {
          const res = await request(
            `${base}/api/catalog/entities/by-name/component/${ns}/${name}`,
            { token: firstToken },
          );
          return res.status === 200 ? res.body : undefined;
        }),
      );
    }
    console.error(`  synced after ${(syncMs / 1000).toFixed(1)} s`);

    // user 0: vm-viewer on all VMs (read is unconditional) + vm-power-user on its team's (conditional)
    const token = tokens[0];
    const entityTab = (rec: Recorder) => (i: number) =>
      timedCall(
        rec,
        routes.entityTab,
        base + entityTabPath(i % groupEntities),
        {
          token,
        },
      ).then(a => {
        progress.requests++;
        if (a && a.status !== 200)
          throw new Error(
            `entity tab: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`,
          );
      });
    const kubernetes = (rec: Recorder) => (i: number) => {
      const g = i % groupEntities;
      return timedCall(
        rec,
        routes.kubernetes,
        `${base}/api/kubernetes/services/scale-group-${g}`,
        { token, method: 'POST', body: { entity: entityOf.get(g), auth: {} } },
      ).then(a => {
        progress.requests++;
        if (a && a.status !== 200)
          throw new Error(
            `kubernetes plugin: ${a.status} ${JSON.stringify(a.body).slice(
              0,
              300,
            )}`,
          );
      });
    };
    const phases: ScaleResult['phases'] = [];
    const run = async (
      name: string,
      inFlight: number,
      seconds: number,
      max: number,
      call: (rec: Recorder) => (i: number) => Promise<unknown>,
    ) => {
      phase = name;
      const rec = new Recorder();
      await closedLoop(inFlight, Date.now() + seconds * 1000, max, call(rec));
      rec.finish();
      phases.push({ name, inFlight, rec });
      return rec;
    };
    if (opts.only !== 'mixed') {
      // warm-up: the first requests pay for JIT, the ownership index and the first permission decisions
      await run('warm-up', 1, 60, 50, entityTab);
      await run('warm-up', 1, 60, 5, kubernetes);
      phases.length = 0;
      await run('entity tab, sequential', 1, 120, opts.sequential, entityTab);
      await run(
        'kubernetes plugin, sequential',
        1,
        120,
        opts.k8sSequential,
        kubernetes,
      );
      await run(
        `entity tab, ${opts.inFlight} in flight`,
        opts.inFlight,
        opts.inFlightSeconds,
        Infinity,
        entityTab,
      );
      await run(
        `kubernetes plugin, ${opts.inFlight} in flight`,
        opts.inFlight,
        opts.inFlightSeconds,
        Infinity,
        kubernetes,
      );
    }
    const mixed: ScaleResult['mixed'] = [];
    if (opts.only !== 'entity')
      for (const count of opts.users) {
        phase = `${count} users`;
        const rec = new Recorder();
        const deadline = Date.now() + opts.seconds * 1000;
        const sessions: Session[] = users.slice(0, count).map((u, i) => ({
          base,
          token: tokens[i],
          team: u.team,
        }));
        const counting = setInterval(() => {
          progress.requests = rec.total;
        }, 500);
        await Promise.all(
          sessions.map((session, i) =>
            userLoop({
              session,
              rec,
              deadline,
              groupEntities,
              thinkMs: opts.thinkMs,
              random: mulberry32(1000 * vms + 7 * count + i),
            }),
          ),
        );
        clearInterval(counting);
        rec.finish();
        mixed.push({ users: count, rec });
      }
    return {
      vms,
      clusters,
      syncMs,
      phases,
      mixed,
      samples,
      load: os.loadavg(),
    };
  } finally {
    clearInterval(sampler);
    await backend.stop();
    await Promise.all(sims.map(s => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function options() {
  const { values } = parseArgs({
    options: {
      vms: { type: 'string', default: '1000,10000,100000' },
      users: { type: 'string', default: '1,10,100' },
      clusters: { type: 'string', default: '4' },
      seconds: { type: 'string', default: '15' },
      sequential: { type: 'string', default: '1000' },
      'k8s-sequential': { type: 'string', default: '100' },
      'in-flight': { type: 'string', default: '10' },
      'in-flight-seconds': { type: 'string', default: '10' },
      'think-ms': { type: 'string', default: '0' },
      'cpu-prof': { type: 'string' },
      'permission-cache-seconds': { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const clusters = Number(values.clusters);
  if (!(clusters >= 1 && clusters <= SIMULATOR_PORTS.length))
    throw new Error(
      `--clusters must be 1 to ${SIMULATOR_PORTS.length}\n${usage}`,
    );
  if (values.only && !['entity', 'mixed'].includes(values.only))
    throw new Error(`--only must be entity or mixed\n${usage}`);
  return {
    vms: list(values.vms),
    users: list(values.users),
    clusters,
    seconds: Number(values.seconds),
    sequential: Number(values.sequential),
    k8sSequential: Number(values['k8s-sequential']),
    inFlight: Number(values['in-flight']),
    inFlightSeconds: Number(values['in-flight-seconds']),
    thinkMs: Number(values['think-ms']),
    cpuProf: values['cpu-prof'],
    permissionCacheSeconds:
      values['permission-cache-seconds'] === undefined
        ? undefined
        : Number(values['permission-cache-seconds']),
    only: values.only as 'entity' | 'mixed' | undefined,
    out: values.out,
  };
}

async function main() {
  const opts = options();
  const results: ScaleResult[] = [];
  for (const vms of opts.vms) {
    const result = await runScale(vms, opts);
    results.push(result);
    printScale(result, opts.inFlight);
  }
  if (opts.out)
    fs.writeFileSync(
      opts.out,
      JSON.stringify(
        results.map(r => ({ ...r, phases: undefined, mixed: undefined })),
        null,
        2,
      ),
    );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
