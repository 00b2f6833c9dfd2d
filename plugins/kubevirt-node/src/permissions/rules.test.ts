import { kubevirtNamespaceRules, kubevirtVmRules } from './rules';
import { parseVmResourceRef, vmResourceRef } from './resources';

const vm = {
  cluster: 'east',
  namespace: 'payments',
  name: 'db-0',
  labels: { 'backstage.io/kubernetes-id': 'payments-api' },
  owners: ['group:default/team-payments'],
};

describe('kubevirt permission rules', () => {
  it('matches clusters, namespaces (plain or cluster-qualified) and owners', () => {
    expect(kubevirtVmRules.isInCluster.apply(vm, { clusters: ['east'] })).toBe(
      true,
    );
    expect(kubevirtVmRules.isInCluster.apply(vm, { clusters: ['west'] })).toBe(
      false,
    );
    expect(
      kubevirtVmRules.isInNamespace.apply(vm, { namespaces: ['payments'] }),
    ).toBe(true);
    expect(
      kubevirtVmRules.isInNamespace.apply(vm, {
        namespaces: ['east/payments'],
      }),
    ).toBe(true);
    expect(
      kubevirtVmRules.isInNamespace.apply(vm, {
        namespaces: ['west/payments'],
      }),
    ).toBe(false);
    expect(
      kubevirtVmRules.isOwnedBy.apply(vm, {
        owners: ['user:development/guest', 'group:default/team-payments'],
      }),
    ).toBe(true);
    expect(
      kubevirtVmRules.isOwnedBy.apply(vm, {
        owners: ['group:default/team-orders'],
      }),
    ).toBe(false);
    expect(
      kubevirtNamespaceRules.isInNamespace.apply(
        { cluster: 'east', namespace: 'orders' },
        { namespaces: ['payments'] },
      ),
    ).toBe(false);
  });

  it('round-trips VM resource refs and rejects malformed ones', () => {
    expect(parseVmResourceRef(vmResourceRef(vm))).toEqual({
      cluster: 'east',
      namespace: 'payments',
      name: 'db-0',
    });
    expect(parseVmResourceRef('east/payments')).toBeUndefined();
    expect(parseVmResourceRef('east//db')).toBeUndefined();
  });
});
