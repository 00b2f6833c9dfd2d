import { vmEntityName, vmEntityRef } from './catalog';

describe('vmEntityName', () => {
  it('reads like a Kubernetes DNS name when it fits', () => {
    expect(
      vmEntityName({
        cluster: 'local-sim',
        namespace: 'payments',
        name: 'payments-db-0',
      }),
    ).toBe('payments-db-0.payments.local-sim');
    expect(vmEntityRef({ cluster: 'east', namespace: 'a', name: 'b' })).toBe(
      'resource:default/b.a.east',
    );
  });

  it('keeps namesakes in other clusters and namespaces apart', () => {
    const names = new Set(
      ['east', 'west'].flatMap(cluster =>
        ['a', 'b'].map(namespace =>
          vmEntityName({ cluster, namespace, name: 'db' }),
        ),
      ),
    );
    expect(names.size).toBe(4);
  });

  it('cuts long names to 63 characters with a hash, deterministically', () => {
    const ref = {
      cluster: 'production-eu-west-1',
      namespace: 'very-long-namespace-name',
      name: 'a-very-long-virtual-machine-name-0001',
    };
    const name = vmEntityName(ref);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(
      /^a-very-long-virtual-machine-name-0001\.very-long-namesp[a-z-]*-[0-9a-f]{8}$/,
    );
    expect(vmEntityName(ref)).toBe(name);
    expect(
      vmEntityName({ ...ref, name: 'a-very-long-virtual-machine-name-0002' }),
    ).not.toBe(name);
  });

  it('hashes cluster names that are not valid in entity names', () => {
    const a = vmEntityName({ cluster: 'Prod_EU', namespace: 'ns', name: 'vm' });
    const b = vmEntityName({ cluster: 'prod-eu', namespace: 'ns', name: 'vm' });
    expect(a).toMatch(/^vm\.ns\.prod-eu-[0-9a-f]{8}$/);
    expect(b).toBe('vm.ns.prod-eu');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/);
  });
});
