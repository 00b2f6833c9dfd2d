import { VmSummary } from '@kubevirt-backstage/plugin-kubevirt-common';
import { statusClass, vmToEntity } from './vmToEntity';

const vm = (extra: Partial<VmSummary> = {}): VmSummary => ({
  cluster: 'east',
  namespace: 'shop',
  name: 'db',
  uid: 'u',
  status: 'Running',
  ready: true,
  ipAddresses: [],
  labels: {},
  allowedOperations: [],
  ...extra,
});

const options = (extra: Partial<Parameters<typeof vmToEntity>[2]> = {}) => ({
  namespaceOwners: new Map([
    ['shop', 'group:default/shop-team'],
    ['east/ops', 'group:default/east-ops'],
  ]),
  defaultOwner: 'group:default/unowned',
  ...extra,
});

describe('vmToEntity owner', () => {
  const component = {
    ref: 'component:default/shop',
    owner: 'group:default/shop-devs',
    system: 'system:default/retail',
  };

  it('takes the VM annotation first, then its label (a group name)', () => {
    expect(
      vmToEntity(
        vm({
          annotations: { 'kubevirt.backstage.io/owner': 'user:default/jane' },
          labels: { 'backstage.io/owner': 'ops' },
        }),
        [component],
        options(),
      ).spec.owner,
    ).toBe('user:default/jane');
    expect(
      vmToEntity(
        vm({ labels: { 'backstage.io/owner': 'ops' } }),
        [component],
        options(),
      ).spec.owner,
    ).toBe('group:default/ops');
  });

  it('ignores an owner that is not an entity ref, with a warning naming the VM', () => {
    const warn = jest.fn();
    const entity = vmToEntity(
      vm({ annotations: { 'backstage.io/owner': 'a:b:c/d/e' } }),
      [],
      options({ warn }),
    );
    expect(entity.spec.owner).toBe('group:default/shop-team');
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('VM shop/db on cluster east'),
    );
  });

  it('then the namespace mapping (cluster-specific first), the component owner, the default', () => {
    expect(
      vmToEntity(vm({ namespace: 'ops' }), [component], options()).spec.owner,
    ).toBe('group:default/east-ops');
    expect(
      vmToEntity(
        vm({ namespace: 'ops', cluster: 'west' }),
        [component],
        options(),
      ).spec.owner,
    ).toBe('group:default/shop-devs');
    expect(
      vmToEntity(vm({ namespace: 'other' }), [], options()).spec.owner,
    ).toBe('group:default/unowned');
  });

  it('relates the VM to its components and their system', () => {
    expect(
      vmToEntity(vm(), [component, { ref: 'component:other/shop' }], options())
        .spec,
    ).toMatchObject({
      system: 'system:default/retail',
      dependencyOf: ['component:default/shop', 'component:other/shop'],
    });
    const lone = vmToEntity(vm(), [], options()).spec;
    expect(lone.system).toBeUndefined();
    expect(lone.dependencyOf).toBeUndefined();
  });
});

describe('vmToEntity metadata', () => {
  it('makes tags the catalog accepts from any OS name', () => {
    const { tags } = vmToEntity(
      vm({ os: 'Red Hat Enterprise Linux 9.4 (Plow)', status: 'ErrImagePull' }),
      [],
      options(),
    ).metadata;
    expect(tags).toEqual(['red-hat-enterprise-linux-9-4-plow', 'error']);
    for (const tag of tags!)
      expect(tag).toMatch(/^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/);
  });

  it('links the VM page under app.baseUrl, escaping the path', () => {
    const entity = vmToEntity(
      vm({ cluster: 'a b' }),
      [],
      options({ appBaseUrl: 'https://portal' }),
    );
    expect(entity.metadata.links?.[0].url).toBe(
      'https://portal/virtual-machines/a%20b/shop/db',
    );
  });
});

describe('statusClass', () => {
  it.each([
    ['Running', 'running'],
    ['Stopped', 'stopped'],
    ['Paused', 'paused'],
    ['Migrating', 'pending'],
    ['Provisioning', 'pending'],
    ['ErrorUnschedulable', 'error'],
    ['CrashLoopBackOff', 'error'],
    ['DataVolumeError', 'error'],
    ['Unknown', 'unknown'],
    ['SomethingNew', 'unknown'],
  ])('%s is %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});
