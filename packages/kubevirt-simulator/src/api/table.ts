import { ResourceType } from '../store/resources';
import { KubeObject } from '../store/store';
import { Column, kubevirtColumns, since } from './kubevirtColumns';

function age(o: KubeObject) {
  return since(o.metadata.creationTimestamp) ?? '<unknown>';
}

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name',
  priority: 0,
  value: o => o.metadata.name,
};
const ageCol: Column = {
  name: 'Age',
  type: 'date',
  description: 'Age',
  priority: 0,
  value: age,
};
const ready = (o: KubeObject) =>
  String(
    (o.status?.conditions ?? []).find(
      (c: { type: string }) => c.type === 'Ready',
    )?.status ?? 'False',
  );

// printer columns as KubeVirt's CRDs define them
const columns: Record<string, Column[]> = {
  VirtualMachine: [
    name,
    ageCol,
    {
      name: 'Status',
      type: 'string',
      description: 'Human Readable Status',
      priority: 0,
      value: o => o.status?.printableStatus ?? '',
    },
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready',
      priority: 0,
      value: ready,
    },
  ],
  DataVolume: [
    name,
    {
      name: 'Phase',
      type: 'string',
      description: 'Phase',
      priority: 0,
      value: o => o.status?.phase ?? '',
    },
    {
      name: 'Progress',
      type: 'string',
      description: 'Progress',
      priority: 0,
      value: o => o.status?.progress ?? '',
    },
    ageCol,
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready',
      priority: 0,
      value: o => (o.status?.phase === 'Running' ? '1/1' : '0/1'),
    },
    {
      name: 'Status',
      type: 'string',
      description: 'Status',
      priority: 0,
      value: o => o.status?.phase ?? '',
    },
    {
      name: 'Restarts',
      type: 'string',
      description: 'Restarts',
      priority: 0,
      value: () => '0',
    },
    ageCol,
    {
      name: 'Node',
      type: 'string',
      description: 'Node',
      priority: 1,
      value: o => o.spec?.nodeName ?? '<none>',
    },
  ],
  Node: [
    name,
    {
      name: 'Status',
      type: 'string',
      description: 'Status',
      priority: 0,
      value: () => 'Ready',
    },
    {
      name: 'Roles',
      type: 'string',
      description: 'Roles',
      priority: 0,
      value: () => '<none>',
    },
    ageCol,
    {
      name: 'Version',
      type: 'string',
      description: 'Version',
      priority: 0,
      value: o => o.status?.nodeInfo?.kubeletVersion ?? '',
    },
  ],
  Namespace: [
    name,
    {
      name: 'Status',
      type: 'string',
      description: 'Status',
      priority: 0,
      value: o => o.status?.phase ?? 'Active',
    },
    ageCol,
  ],
  Event: [
    {
      name: 'Last Seen',
      type: 'string',
      description: 'Last seen',
      priority: 0,
      value: o =>
        age({
          ...o,
          metadata: { ...o.metadata, creationTimestamp: o.lastTimestamp },
        }),
    },
    {
      name: 'Type',
      type: 'string',
      description: 'Type',
      priority: 0,
      value: o => o.type,
    },
    {
      name: 'Reason',
      type: 'string',
      description: 'Reason',
      priority: 0,
      value: o => o.reason,
    },
    {
      name: 'Object',
      type: 'string',
      description: 'Object',
      priority: 0,
      value: o =>
        `${String(o.involvedObject?.kind).toLowerCase()}/${
          o.involvedObject?.name
        }`,
    },
    {
      name: 'Message',
      type: 'string',
      description: 'Message',
      priority: 0,
      value: o => o.message,
    },
  ],
};

export function wantsTable(accept: string | undefined) {
  return !!accept && /as=Table/.test(accept);
}

export function toTable(
  type: ResourceType,
  items: KubeObject[],
  resourceVersion: string,
  withDefinitions = true,
  continueToken?: string,
) {
  const crdColumns = kubevirtColumns[type.kind];
  const cols = crdColumns
    ? [name, ...crdColumns]
    : columns[type.kind] ?? [name, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion,
      ...(continueToken ? { continue: continueToken } : {}),
    },
    columnDefinitions: withDefinitions
      ? cols.map(c => ({
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          description: c.description,
          priority: c.priority,
        }))
      : [],
    rows: items.map(o => ({
      cells: cols.map(c => c.value(o)),
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      },
    })),
  };
}
