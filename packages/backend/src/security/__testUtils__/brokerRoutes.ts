export type Route = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: object;
};

const vm = '/vms/:cluster/:namespace/:name';
/** Every route of the broker that names a cluster object, with a body it accepts. */
export const routes: Route[] = [
  { method: 'get', path: '/clusters/:cluster/namespaces' },
  { method: 'get', path: '/clusters/:cluster/instancetypes' },
  { method: 'get', path: '/clusters/:cluster/preferences' },
  { method: 'get', path: '/clusters/:cluster/goldenimages' },
  { method: 'get', path: '/clusters/:cluster/templates' },
  {
    method: 'post',
    path: '/clusters/:cluster/templates/:namespace/:template/vms',
    body: { name: 'from-template' },
  },
  { method: 'post', path: '/clusters/:cluster/nodes/:node/evacuate', body: {} },
  { method: 'get', path: vm },
  {
    method: 'put',
    path: vm,
    body: {
      manifest: {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: { name: 'x', namespace: 'payments', resourceVersion: '1' },
        spec: {},
      },
    },
  },
  { method: 'delete', path: vm },
  { method: 'get', path: `${vm}/metrics` },
  { method: 'post', path: `${vm}/snapshots`, body: {} },
  { method: 'delete', path: `${vm}/snapshots/:snapshot` },
  {
    method: 'post',
    path: `${vm}/restores`,
    body: { snapshot: 'some-snapshot' },
  },
  { method: 'post', path: `${vm}/clone`, body: { targetName: 'a-clone' } },
  {
    method: 'post',
    path: `${vm}/volumes`,
    body: { name: 'extra', size: '1Gi' },
  },
  { method: 'delete', path: `${vm}/volumes/:volume` },
  { method: 'post', path: `${vm}/cancelMigration`, body: {} },
  {
    method: 'post',
    path: `${vm}/disks/:volume/resize`,
    body: { size: '40Gi' },
  },
  {
    method: 'post',
    path: `${vm}/interfaces`,
    body: { name: 'extra', network: 'pod', binding: 'masquerade' },
  },
  { method: 'delete', path: `${vm}/interfaces/:interface` },
  { method: 'patch', path: `${vm}/resources`, body: { sockets: 2 } },
  { method: 'post', path: `${vm}/template`, body: { name: 'a-template' } },
  ...[
    'start',
    'stop',
    'forceStop',
    'restart',
    'softReboot',
    'pause',
    'unpause',
    'migrate',
  ].map(
    action => ({ method: 'post', path: `${vm}/${action}`, body: {} } as Route),
  ),
];
