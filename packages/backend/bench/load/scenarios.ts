import {
  groupEntityRef,
  idEntityRef,
  SCALE_GROUP_LABEL,
  TEAMS,
} from './fixtures';
import { Recorder, request } from './http';

export interface Session {
  base: string;
  token: string;
  team: number;
}

export const routes = {
  entityTab: 'entity tab: GET /vms?labelSelector (50 VMs/cluster)',
  entityTabById: 'entity tab: GET /vms?entity&kubernetesId',
  clusters: 'GET /clusters (tab and page mount)',
  vmPage: 'VM page: GET /vms/:c/:ns/:n',
  vmList: 'VM list page: GET /vms?limit=20',
  start: 'POST start',
  stop: 'POST stop',
  snapshot: 'POST snapshots',
  kubernetes: 'kubernetes plugin: POST /services/:name',
} as const;

/** What the entity tab asks for a label-selector entity (EntityVmsContent → VmBrowser, first page). */
export const entityTabPath = (g: number) =>
  `/api/kubevirt/vms?labelSelector=${encodeURIComponent(
    `${SCALE_GROUP_LABEL}=g${g}`,
  )}&sort=name&order=asc&offset=0&limit=20`;

/** What the entity tab asks for a kubernetes-id entity. */
export const entityTabByIdPath = (k: number) =>
  `/api/kubevirt/vms?entity=${encodeURIComponent(
    idEntityRef(k),
  )}&kubernetesId=scale-${k}&sort=name&order=asc&offset=0&limit=20`;

export async function timedCall(
  rec: Recorder,
  route: string,
  url: string,
  options: Parameters<typeof request>[1],
) {
  try {
    const answer = await request(url, options);
    rec.record(route, answer.status, answer.ms);
    return answer;
  } catch (error) {
    rec.record(route, 'network error', NaN);
    return undefined;
  }
}

interface Row {
  cluster: string;
  namespace: string;
  name: string;
  status: string;
  allowedOperations: string[];
}

/**
 * One simulated user until `deadline`: opens entity tabs of its team's
 * entities (the list and /clusters at once, as the tab mounts), VM pages of
 * rows it saw, the all-VMs list, and now and then starts, stops or
 * snapshots a VM its rows say it may. Closed loop, no think time unless given.
 */
export async function userLoop(options: {
  session: Session;
  rec: Recorder;
  deadline: number;
  groupEntities: number;
  thinkMs: number;
  random: () => number;
}) {
  const { session, rec, random } = options;
  const { base, token } = session;
  let rows: Row[] = [];
  const ownGroup = () => {
    // entities of the user's team (g ≡ team mod TEAMS) where there are enough of them
    const per = Math.max(1, Math.floor(options.groupEntities / TEAMS));
    return (
      (session.team + TEAMS * Math.floor(random() * per)) %
      options.groupEntities
    );
  };
  while (Date.now() < options.deadline) {
    const r = random();
    if (r < 0.4) {
      const [list] = await Promise.all([
        timedCall(rec, routes.entityTab, base + entityTabPath(ownGroup()), {
          token,
        }),
        timedCall(rec, routes.clusters, `${base}/api/kubevirt/clusters`, {
          token,
        }),
      ]);
      if (list?.status === 200 && list.body.items.length)
        rows = list.body.items;
    } else if (r < 0.5) {
      const k = session.team + TEAMS * Math.floor(random() * 10);
      await timedCall(rec, routes.entityTabById, base + entityTabByIdPath(k), {
        token,
      });
    } else if (r < 0.75) {
      const vm = rows[Math.floor(random() * rows.length)];
      if (vm)
        await timedCall(
          rec,
          routes.vmPage,
          `${base}/api/kubevirt/vms/${vm.cluster}/${vm.namespace}/${vm.name}`,
          { token },
        );
    } else if (r < 0.9) {
      const offset = 20 * Math.floor(random() * 50);
      await timedCall(
        rec,
        routes.vmList,
        `${base}/api/kubevirt/vms?sort=name&order=asc&offset=${offset}&limit=20`,
        { token },
      );
    } else {
      const op = random() < 0.7 ? 'power' : 'snapshot';
      const candidates = rows.filter(row =>
        row.allowedOperations.includes(op === 'power' ? 'start' : 'snapshot'),
      );
      const vm = candidates[Math.floor(random() * candidates.length)];
      if (vm) {
        const path = `${base}/api/kubevirt/vms/${vm.cluster}/${vm.namespace}/${vm.name}`;
        if (op === 'snapshot')
          await timedCall(rec, routes.snapshot, `${path}/snapshots`, {
            token,
            method: 'POST',
            body: {},
          });
        else {
          const stopped = vm.status === 'Stopped';
          await timedCall(
            rec,
            stopped ? routes.start : routes.stop,
            `${path}/${stopped ? 'start' : 'stop'}`,
            { token, method: 'POST', body: {} },
          );
          // the row's state changed (or is changing): read it again before acting on it again
          rows = rows.filter(row => row !== vm);
        }
      }
    }
    if (options.thinkMs)
      await new Promise(res => setTimeout(res, options.thinkMs));
  }
}

/** `inFlight` callers issuing `call` back to back until `deadline` or `maxRequests`. */
export async function closedLoop(
  inFlight: number,
  deadline: number,
  maxRequests: number,
  call: (i: number) => Promise<unknown>,
) {
  let issued = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < deadline && issued < maxRequests) {
        await call(issued++);
      }
    }),
  );
}

export const entityRefOfGroup = groupEntityRef;
