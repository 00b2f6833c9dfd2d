/** The simulator's label: generated VMs come in groups of 50 per cluster by it. */
export const SCALE_GROUP_LABEL = 'simulator.kubevirt.io/scale-group';
/** Generated VMs carry `backstage.io/kubernetes-id: scale-<i % 100>`. */
export const SCALE_ENTITIES = 100;
export const TEAMS = 10;

/**
 * The roles a simulated user holds, besides power user on the VMs its team
 * owns: user i gets `roleGroups[i % 4]`. Users with a scope-all role may also
 * read the Kubernetes plugin's objects (the policy's `kubernetes.resources.read`).
 */
export const roleGroups = [
  { group: 'vm-viewers', role: 'vm-viewer', scope: 'all' },
  { group: 'vm-operators', role: 'vm-admin', scope: 'all' },
  {
    group: 'payments-users',
    role: 'vm-user',
    scope: { namespaces: ['payments'] },
  },
  { group: undefined, role: undefined, scope: undefined },
] as const;

export interface BenchUser {
  ref: string;
  team: number;
  role: string;
  /** May read the Kubernetes plugin's objects (a role with scope all). */
  kubernetesRead: boolean;
}

export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => {
    const extra = roleGroups[i % roleGroups.length];
    return {
      ref: `user:default/load-user-${i}`,
      team: i % TEAMS,
      role: extra.role
        ? `${extra.role} (${
            typeof extra.scope === 'string' ? extra.scope : 'payments'
          }) + vm-power-user (owned)`
        : 'vm-power-user (owned)',
      kubernetesRead: extra.scope === 'all',
    };
  });
}

/** An entity whose tab lists the VMs of one scale group (50 per cluster), by label selector. */
export const groupEntityRef = (g: number) =>
  `component:default/scale-group-${g}`;
/** An entity whose tab lists the VMs carrying its kubernetes-id (1 in 100 of all). */
export const idEntityRef = (k: number) => `component:default/scale-${k}`;

/** Users, teams, role groups, and the components whose VMs the users open, as one catalog file. */
export function catalogYaml(users: number, groupEntities: number) {
  const docs: object[] = [];
  for (let t = 0; t < TEAMS; t++)
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}` },
      spec: { type: 'team', children: [] },
    });
  for (const { group } of roleGroups)
    if (group)
      docs.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: group },
        spec: { type: 'role', children: [] },
      });
  benchUsers(users).forEach((user, i) => {
    const extra = roleGroups[i % roleGroups.length].group;
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: user.ref.split('/')[1] },
      spec: {
        memberOf: [`team-${user.team}`, ...(extra ? [extra] : [])],
      },
    });
  });
  for (let k = 0; k < SCALE_ENTITIES; k++)
    docs.push(
      component(`scale-${k}`, k % TEAMS, {
        'backstage.io/kubernetes-id': `scale-${k}`,
      }),
    );
  for (let g = 0; g < groupEntities; g++)
    docs.push(
      component(`scale-group-${g}`, g % TEAMS, {
        'backstage.io/kubernetes-label-selector': `${SCALE_GROUP_LABEL}=g${g}`,
      }),
    );
  // JSON is YAML: the catalog's file reader takes one document per `---`
  return docs.map(d => JSON.stringify(d)).join('\n---\n');
}

function component(
  name: string,
  team: number,
  annotations: Record<string, string>,
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `group:default/team-${team}`,
    },
  };
}

export interface SimulatorEndpoint {
  name: string;
  url: string;
  caData: string;
}

/** The backend's config: loopback only, in-memory SQLite, the simulators as clusters, the roles above. */
export function backendConfigYaml(options: {
  port: number;
  catalogFile: string;
  clusters: SimulatorEndpoint[];
  /** kubevirt.permissionCacheSeconds; unset = the broker's default. */
  permissionCacheSeconds?: number;
}) {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  // JSON is YAML: the config loader reads it as any app-config file
  return JSON.stringify(
    {
      app: { baseUrl: 'http://127.0.0.1:3000' },
      backend: {
        baseUrl,
        listen: { port: options.port, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: { providers: { 'load-bench': {} } },
      catalog: {
        rules: [{ allow: ['Component', 'User', 'Group', 'Location'] }],
        locations: [{ type: 'file', target: options.catalogFile }],
      },
      permission: { enabled: true },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: options.clusters.map(c => ({
              name: c.name,
              url: c.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: 'simulator-broker-token',
              caData: c.caData,
              skipMetricsLookup: true,
            })),
          },
        ],
        customResources: [
          { group: 'kubevirt.io', apiVersion: 'v1', plural: 'virtualmachines' },
          {
            group: 'kubevirt.io',
            apiVersion: 'v1',
            plural: 'virtualmachineinstances',
          },
        ],
      },
      kubevirt: {
        ...(options.permissionCacheSeconds === undefined
          ? {}
          : { permissionCacheSeconds: options.permissionCacheSeconds }),
        roles: {
          bindings: [
            {
              subjects: Array.from(
                { length: TEAMS },
                (_, t) => `group:default/team-${t}`,
              ),
              role: 'vm-power-user',
              scope: 'owned',
            },
            ...roleGroups
              .filter(r => r.group)
              .map(r => ({
                subjects: [`group:default/${r.group}`],
                role: r.role,
                scope: r.scope,
              })),
          ],
        },
      },
    },
    null,
    2,
  );
}
