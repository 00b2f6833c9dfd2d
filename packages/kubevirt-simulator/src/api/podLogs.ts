import { errors } from './errors';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store } from '../store/store';

/** What virt-launcher's compute container writes while it starts a domain, one JSON line each (seconds after start). */
const launcherLines: [number, string, string][] = [
  [0, 'manager.go:88', 'Collected all requested hook sidecar sockets'],
  [
    0,
    'manager.go:91',
    'Sorted all collected sidecar sockets per hook point based on their priority and name: map[]',
  ],
  [
    0,
    'libvirt.go:568',
    'Connecting to libvirt daemon: qemu+unix:///session?socket=/var/run/libvirt/virtqemud-sock',
  ],
  [1, 'libvirt.go:593', 'Connected to libvirt daemon'],
  [1, 'virt-launcher.go:292', 'Registered libvirt event notify callback'],
  [1, 'virt-launcher.go:78', 'Marked as ready'],
  [2, 'manager.go:1067', 'Executing PreStartHook on VMI pod environment'],
  [2, 'manager.go:1106', 'Domain defined.'],
  [3, 'manager.go:1291', 'Domain started.'],
  [3, 'server.go:208', 'Synced vmi'],
  [4, 'agent_poller.go:298', 'Guest agent connected'],
];

interface LogQuery {
  container?: string;
  tailLines?: number;
  timestamps: boolean;
  limitBytes?: number;
}

const intParam = (q: URLSearchParams, name: string) => {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw errors.badRequest(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  return n;
};

export function parseLogQuery(q: URLSearchParams): LogQuery {
  return {
    container: q.get('container') ?? undefined,
    tailLines: intParam(q, 'tailLines'),
    timestamps: q.get('timestamps') === 'true',
    limitBytes: intParam(q, 'limitBytes'),
  };
}

/**
 * `pods/log` of a virt-launcher pod, as the kubelet serves it through the
 * apiserver (pkg/registry/core/pod/rest/log.go, pkg/kubelet/kubelet_pods.go
 * validateContainerLogStatus): the one container is the default, an unknown
 * one is 400, a pod on no node answers nothing, a container that has not
 * started is 400 with its waiting reason; once running, the lines virt-launcher writes while it starts the
 * VMI's domain, `tailLines` keeps the last ones, `timestamps` prefixes each
 * with its RFC 3339 time.
 */
export function podLog(
  store: Store,
  namespace: string,
  name: string,
  query: LogQuery,
): string {
  const pod = store.mustGet(resourceTypeOfKind('Pod'), namespace, name);
  const containers: string[] = (pod.spec?.containers ?? []).map(
    (c: { name: string }) => c.name,
  );
  let container = query.container;
  if (!container) {
    if (containers.length !== 1)
      throw errors.badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(
          ' ',
        )}]`,
      );
    container = containers[0];
  }
  if (!containers.includes(container))
    throw errors.badRequest(
      `container ${container} is not valid for pod ${name}`,
    );
  // pod.LogLocation: a pod not bound to a node has no kubelet to ask, and the answer is empty
  if (!pod.spec?.nodeName) return '';
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Pending')
    throw errors.badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`,
    );
  const lines = linesOf(store, pod);
  const tail =
    query.tailLines !== undefined && query.tailLines >= 0
      ? lines.slice(Math.max(0, lines.length - query.tailLines))
      : lines;
  let text = tail
    .map(l => (query.timestamps ? `${l.time} ${l.text}` : l.text))
    .map(l => `${l}\n`)
    .join('');
  if (query.limitBytes !== undefined && query.limitBytes > 0)
    text = Buffer.from(text).subarray(0, query.limitBytes).toString('utf8');
  return text;
}

function linesOf(store: Store, pod: KubeObject) {
  const start = Date.parse(pod.metadata.creationTimestamp ?? '') || Date.now();
  const vmiName =
    pod.metadata.annotations?.['kubevirt.io/domain'] ??
    pod.metadata.labels?.['vm.kubevirt.io/name'] ??
    '';
  const vmi = store.get(
    resourceTypeOfKind('VirtualMachineInstance'),
    pod.metadata.namespace,
    vmiName,
  );
  const uid =
    vmi?.metadata.uid ?? pod.metadata.labels?.['kubevirt.io/created-by'];
  return launcherLines.map(([offset, pos, msg], i) => {
    // nanoseconds as the kubelet's CRI log timestamps carry them
    const time = new Date(start + offset * 1000 + i * 7).toISOString();
    const json = JSON.stringify({
      component: 'virt-launcher',
      ...(i >= 6
        ? { kind: '', name: vmiName, namespace: pod.metadata.namespace }
        : {}),
      level: 'info',
      msg,
      pos,
      timestamp: time.replace('Z', '000Z'),
      ...(i >= 6 && uid ? { uid } : {}),
    });
    return { time: time.replace('Z', '000000Z'), text: json };
  });
}
