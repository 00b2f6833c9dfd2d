import { resourceTypeOfKind } from '../../store/resources';
import type { KubeObject } from '../../store/store';
import { StatusError } from '../errors';
import { recordUpdate } from './managedFields';
import { serverSideApply } from './serverSideApply';

const vmType = resourceTypeOfKind('VirtualMachine');
const podType = resourceTypeOfKind('Pod');

const vm = (spec: Record<string, unknown>, labels?: Record<string, string>) =>
  ({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'a', namespace: 'ns', ...(labels ? { labels } : {}) },
    spec,
  } as KubeObject);

const withFields = (object: KubeObject, managedFields: unknown) =>
  ({
    ...object,
    metadata: { ...object.metadata, managedFields },
  } as KubeObject);

function applied(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force = false,
) {
  const r = serverSideApply(vmType, live, config, manager, force);
  return withFields(r.object, r.managedFields);
}

const fieldsOf = (o: KubeObject, manager: string) =>
  (o.metadata.managedFields as any[]).find(m => m.manager === manager)
    ?.fieldsV1;

describe('serverSideApply (structured-merge-diff merge/update.go)', () => {
  it('owns exactly the applied fields; metadata the server sets is no one’s (stripmeta.go)', () => {
    const out = applied(
      undefined,
      vm({ runStrategy: 'Halted', template: { spec: {} } }, { app: 'x' }),
      'kubectl',
    );
    expect(out.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'kubevirt.io/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:runStrategy': {},
            'f:template': { 'f:spec': {} },
          },
        },
      }),
    ]);
  });

  it('conflicts on a field another manager set to another value, not on a shared equal value', () => {
    const live = applied(undefined, vm({ runStrategy: 'Halted' }), 'alice');
    let err: StatusError | undefined;
    try {
      serverSideApply(
        vmType,
        live,
        vm({ runStrategy: 'Always' }),
        'bob',
        false,
      );
    } catch (e) {
      err = e as StatusError;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect(err!.code).toBe(409);
    expect(err!.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .spec.runStrategy',
    );
    expect(err!.details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice"',
        field: '.spec.runStrategy',
      },
    ]);
    const shared = applied(live, vm({ runStrategy: 'Halted' }), 'bob');
    expect(fieldsOf(shared, 'alice')).toEqual({
      'f:spec': { 'f:runStrategy': {} },
    });
    expect(fieldsOf(shared, 'bob')).toEqual({
      'f:spec': { 'f:runStrategy': {} },
    });
  });

  it('force moves the field to the applier; a manager left with nothing is dropped', () => {
    const live = applied(undefined, vm({ runStrategy: 'Halted' }), 'alice');
    const out = applied(live, vm({ runStrategy: 'Always' }), 'bob', true);
    expect(out.spec.runStrategy).toBe('Always');
    expect((out.metadata.managedFields as any[]).map(m => m.manager)).toEqual([
      'bob',
    ]);
  });

  it('removes a field the manager stops applying when it alone owned it, keeps it when another owns it too', () => {
    const first = applied(
      undefined,
      vm(
        { runStrategy: 'Halted', instancetype: { name: 'u1' } },
        { a: '1', b: '2' },
      ),
      'alice',
    );
    const shared = applied(first, vm({}, { b: '2' }), 'bob');
    const out = applied(shared, vm({ runStrategy: 'Halted' }), 'alice');
    expect(out.spec).toEqual({ runStrategy: 'Halted' });
    expect(out.metadata.labels).toEqual({ b: '2' });
  });

  it('names an updater with its version in a conflict (conflict.go printManager)', () => {
    const live = vm({ runStrategy: 'Halted' });
    const edited = vm({ runStrategy: 'Always' });
    const updated = withFields(
      edited,
      recordUpdate(vmType, live, edited, 'kubectl-edit'),
    );
    expect(() =>
      serverSideApply(
        vmType,
        updated,
        vm({ runStrategy: 'Manual' }),
        'kubectl',
        false,
      ),
    ).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using kubevirt.io/v1: .spec.runStrategy',
    );
  });

  it('merges keyed lists of built-in kinds item by item (k: elements), CRD lists atomically', () => {
    const pod = (containers: unknown[]) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'ns' },
        spec: { containers },
      } as KubeObject);
    const a = serverSideApply(
      podType,
      undefined,
      pod([{ name: 'main', image: 'a' }]),
      'alice',
      false,
    );
    const live = withFields(a.object, a.managedFields);
    const b = serverSideApply(
      podType,
      live,
      pod([{ name: 'sidecar', image: 'b' }]),
      'bob',
      false,
    );
    expect(b.object.spec.containers).toEqual([
      { name: 'main', image: 'a' },
      { name: 'sidecar', image: 'b' },
    ]);
    expect(b.managedFields.find(m => m.manager === 'bob')?.fieldsV1).toEqual({
      'f:spec': {
        'f:containers': {
          'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} },
        },
      },
    });
    // a KubeVirt list has no list-type: the whole list is one field, so a second applier conflicts
    const disks = (names: string[]) =>
      vm({
        template: {
          spec: {
            domain: { devices: { disks: names.map(name => ({ name })) } },
          },
        },
      });
    const vmLive = applied(undefined, disks(['a']), 'alice');
    expect(() =>
      serverSideApply(vmType, vmLive, disks(['b']), 'bob', false),
    ).toThrow(
      /conflict with "alice": \.spec\.template\.spec\.domain\.devices\.disks$/,
    );
  });
});

describe('managedFields times (managedfieldsupdater.go)', () => {
  afterEach(() => jest.useRealTimers());

  it("dates an entry by the manager's latest write that changed the object", () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const first = applied(undefined, vm({ runStrategy: 'Halted' }), 'alice');
    const timeOf = (o: KubeObject) =>
      (o.metadata.managedFields as any[]).find(m => m.manager === 'alice')
        ?.time;
    expect(timeOf(first)).toBe('2026-01-01T00:00:00Z');
    jest.setSystemTime(new Date('2026-01-02T00:00:00Z'));
    const same = applied(first, vm({ runStrategy: 'Halted' }), 'alice');
    expect(timeOf(same)).toBe('2026-01-01T00:00:00Z');
    const changed = applied(first, vm({ runStrategy: 'Always' }), 'alice');
    expect(timeOf(changed)).toBe('2026-01-02T00:00:00Z');

    // an update of a field the updater already owns is a new write too
    const live = vm({ runStrategy: 'Halted' });
    const owned = withFields(live, recordUpdate(vmType, undefined, live, 'u'));
    jest.setSystemTime(new Date('2026-01-03T00:00:00Z'));
    const next = { ...owned, spec: { runStrategy: 'Always' } } as KubeObject;
    expect(recordUpdate(vmType, owned, next, 'u')[0].time).toBe(
      '2026-01-03T00:00:00Z',
    );
    expect(recordUpdate(vmType, owned, owned, 'u')[0].time).toBe(
      '2026-01-02T00:00:00Z',
    );
  });
});

describe('apply shapes of built-in kinds (protobuf messages + Go markers, kube-openapi schemaconv/smd.go)', () => {
  const apply = (kind: string, config: object, live?: KubeObject) =>
    serverSideApply(
      resourceTypeOfKind(kind),
      live,
      config as KubeObject,
      'm',
      false,
    );

  it("keys a Deployment template's containers by name (+listType=map +listMapKey=name on PodSpec.containers)", () => {
    const deployment = (containers: object[]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns' },
      spec: { template: { spec: { containers } } },
    });
    const first = apply('Deployment', deployment([{ name: 'a', image: 'x' }]));
    const second = serverSideApply(
      resourceTypeOfKind('Deployment'),
      withFields(first.object, first.managedFields),
      deployment([{ name: 'b', image: 'y' }]) as KubeObject,
      'other',
      false,
    );
    expect(second.object.spec.template.spec.containers).toEqual([
      { name: 'a', image: 'x' },
      { name: 'b', image: 'y' },
    ]);
  });

  it('owns map elements of a declared map field without owning the map (ConfigMap data)', () => {
    const r = apply('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns' },
      data: { a: '1' },
    });
    expect(r.managedFields[0].fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('treats an owner reference as one atomic item keyed by uid (+structType=atomic on OwnerReference)', () => {
    const r = apply('VirtualMachine', {
      ...vm({}),
      metadata: {
        name: 'a',
        namespace: 'ns',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1' },
        ],
      },
    });
    expect(r.managedFields[0].fieldsV1).toEqual({
      'f:metadata': { 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
      'f:spec': {},
    });
  });
});

describe('recordUpdate (Updater.Update)', () => {
  it('gives the updater the fields it added or changed, taking them from their owner', () => {
    const created = vm({ runStrategy: 'Halted' }, { app: 'x' });
    const afterCreate = withFields(
      created,
      recordUpdate(vmType, undefined, created, 'kubectl-create'),
    );
    expect(fieldsOf(afterCreate, 'kubectl-create')).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { '.': {}, 'f:runStrategy': {} },
    });
    const patched = {
      ...afterCreate,
      spec: { runStrategy: 'Always' },
    } as KubeObject;
    const entries = recordUpdate(vmType, afterCreate, patched, 'kubectl-patch');
    expect(entries.map(e => [e.manager, e.operation, e.fieldsV1])).toEqual([
      [
        'kubectl-create',
        'Update',
        {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {},
        },
      ],
      ['kubectl-patch', 'Update', { 'f:spec': { 'f:runStrategy': {} } }],
    ]);
  });

  it('keeps status out of main-resource writes of a kind with a status subresource', () => {
    const next = { ...vm({ runStrategy: 'Halted' }), status: { ready: true } };
    const [entry] = recordUpdate(vmType, undefined, next, 'm');
    expect(entry.fieldsV1).not.toHaveProperty('f:status');
    const [status] = recordUpdate(
      vmType,
      vm({ runStrategy: 'Halted' }),
      next,
      'controller',
      'status',
    );
    expect(status).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { '.': {}, 'f:ready': {} } },
    });
  });

  it('clears the managers when a write sends [{}] (fieldmanager.go isResetManagedFields)', () => {
    const live = applied(undefined, vm({ runStrategy: 'Halted' }), 'alice');
    const reset = withFields(live, [{}]);
    expect(recordUpdate(vmType, live, reset, 'kubectl-patch')).toEqual([]);
  });
});
